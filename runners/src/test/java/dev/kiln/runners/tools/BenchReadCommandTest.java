package dev.kiln.runners.tools;

import static dev.kiln.runners.tools.ToolsTestData.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln bench-read} runs end to end on a small dataset. No timing is asserted (shared
 * machines are noisy), and the page cache is left alone so tests don't slow other jobs.
 */
class BenchReadCommandTest {
  @TempDir Path tmp;

  private Path dataset() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("ds"));
    ToolsTestData.kilnDataset(
        dir, List.of(ToolsTestData.samples("a", 0, 20), ToolsTestData.samples("b/c", 20, 15)));
    return dir;
  }

  @Test
  void readsComparesAndCleansUp() throws Exception {
    Path dir = dataset();
    for (String mode : List.of("--direct=false", "--direct")) {
      ToolsTestData.Run run =
          kiln(
              "bench-read",
              dir.toString(),
              "--threads",
              "4",
              "--seed=7",
              "--compare",
              "--no-fio",
              "--no-drop-caches",
              "--warmup=0",
              mode,
              "--work-dir",
              tmp.toString());
      assertEquals(0, run.code(), run.out() + run.err());
      String o = run.out();
      assertTrue(o.contains("35 of 35 samples"), o);
      assertTrue(
          o.lines().anyMatch(l -> l.startsWith("kiln ") && l.contains("1.00 preads/sample")), o);
      assertTrue(o.lines().anyMatch(l -> l.startsWith("files ")), o);
      assertTrue(o.lines().anyMatch(l -> l.startsWith("tar members ")), o);
      assertTrue(o.contains("files/kiln") && o.contains("tar-members/kiln"), o);
      assertTrue(o.contains("shards+index / records"), o);
      assertTrue(o.contains("page cache: not dropped (--no-drop-caches)"), o);
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(dir), left.toList(), "work directories are removed");
    }
  }

  @Test
  void fewerSamplesThanTheDataset() throws Exception {
    ToolsTestData.Run run =
        kiln(
            "bench-read",
            dataset().toString(),
            "--samples=10",
            "--threads=1",
            "--no-fio",
            "--no-drop-caches",
            "--warmup=0",
            "--compare",
            "--work-dir=" + tmp);
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("10 of 35 samples"), run.out());
  }

  @Test
  void ranksReadOneEpochWithJavaPythonAndFio() throws Exception {
    // Debian's python3 (or $KILN_PYTHON): the benchmark needs no more than the standard library.
    String python = System.getenv().getOrDefault("KILN_PYTHON", "/usr/bin/python3");
    assertTrue(Files.isExecutable(Path.of(python)), python + " is needed for the Python ranks");
    assertTrue(Fio.available(), "fio is needed (apt-get install fio)");
    Path dir = dataset();
    ToolsTestData.Run run =
        kiln(
            "bench-read",
            dir.toString(),
            "--ranks=3",
            "--threads=2",
            "--no-drop-caches",
            "--warmup=0",
            "--rounds=1",
            "--python=" + python);
    assertEquals(0, run.code(), run.out() + run.err());
    String o = run.out();
    assertTrue(
        o.contains("one epoch of 35 samples")
            && o.contains("3 ranks x 2 threads (queue" + " depth 6)")
            && o.contains("checksums (CRC-32) verified"),
        o);
    assertTrue(
        o.lines()
            .anyMatch(
                l ->
                    l.startsWith("round 1: java ")
                        && l.contains(", python ")
                        && l.contains("java/fio")
                        && l.contains("python/fio")),
        o);
    assertTrue(o.contains("--iodepth=6"), o);
    assertEquals(2, kiln("bench-read", dir.toString(), "--ranks=2", "--samples=5").code());
  }

  @Test
  void comparesWithFioWhenInstalled() throws Exception {
    assertTrue(Fio.available(), "fio not installed (apt-get install fio)");
    ToolsTestData.Run run =
        kiln(
            "bench-read",
            dataset().toString(),
            "--threads=2",
            "--no-drop-caches",
            "--direct",
            "--fio-runtime=1",
            "--warmup=0",
            "--rounds=2");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(
        run.out().contains("round 1: kiln ") && run.out().contains("round 2: kiln "), run.out());
    assertTrue(run.out().contains("median of 2 interleaved rounds"), run.out());
    assertTrue(run.out().contains("kiln/fio IOPS"), run.out());
    assertTrue(run.out().contains("--bssplit="), run.out());
    assertTrue(run.out().contains("fio command  fio --name=kiln-randread"), run.out());
  }

  @Test
  void fioCommandMatchesBlockSizeAndQueueDepth() {
    List<String> direct =
        Fio.command(
            List.of(Path.of("/d/shard-00000.kiln"), Path.of("/d/a:b.kiln")),
            "20480/100",
            32,
            true,
            50_000,
            5);
    assertTrue(direct.contains("--filename=/d/shard-00000.kiln:/d/a\\:b.kiln"), direct.toString());
    assertTrue(
        direct.containsAll(
            List.of(
                "--bssplit=20480/100",
                "--direct=1",
                "--ioengine=psync",
                "--numjobs=32",
                "--number_ios=1563",
                "--io_size=1T",
                "--runtime=5")),
        direct.toString());
    List<String> buffered =
        Fio.command(List.of(Path.of("/d/s.kiln")), "4096/100", 8, false, 10_000, 5);
    assertTrue(
        buffered.containsAll(
            List.of("--direct=0", "--ioengine=io_uring", "--iodepth=8", "--number_ios=10000")),
        buffered.toString());
    assertTrue(!buffered.contains("--time_based"), "buffered fio reads each block at most once");
  }

  @Test
  void fioReadsTheSameMixOfBlockSizesAsKiln() {
    int[] windows = new int[200];
    for (int i = 0; i < windows.length; i++) {
      // 60% 16 KiB, 30% 20 KiB, 9.5% 24 KiB, 0.5% 64 KiB (one record in 200)
      windows[i] = i < 120 ? 16384 : i < 180 ? 20480 : i < 199 ? 24576 : 65536;
    }
    String mix = Fio.blockSizeMix(windows);
    assertEquals("16384/60:20480/30:24576/10", mix, "the 0.5% size rounds away");
    int total = 0;
    for (String part : mix.split(":")) {
      total += Integer.parseInt(part.split("/")[1]);
    }
    assertEquals(100, total, mix);
    assertEquals(
        16384 * 0.6 + 20480 * 0.3 + 24576 * 0.1,
        Fio.meanBlockSize("16384/60:20480/30:24576/10"),
        1e-6);

    int[] many = new int[1000];
    for (int i = 0; i < many.length; i++) {
      many[i] = 4096 * (1 + i % 100); // 100 sizes of 1% each: more than fio takes
    }
    String folded = Fio.blockSizeMix(many);
    assertTrue(folded.split(":").length <= 64, folded);
    assertEquals(
        100,
        java.util.Arrays.stream(folded.split(":"))
            .mapToInt(p -> Integer.parseInt(p.split("/")[1]))
            .sum());
  }

  @Test
  void medianIndexPicksTheMiddleRun() {
    assertEquals(2, BenchReadCommand.medianIndex(new double[] {3, 1, 2}));
    assertEquals(0, BenchReadCommand.medianIndex(new double[] {5, 1, 9, 7}), "lower middle: 5");
  }

  @Test
  void usageErrorsNameTheFlag() throws Exception {
    Path dir = dataset();
    ToolsTestData.Run threads = kiln("bench-read", dir.toString(), "--threads=zero");
    assertEquals(2, threads.code());
    assertTrue(threads.err().contains("--threads=zero"), threads.err());
    assertEquals(2, kiln("bench-read", dir.toString(), "--samples=0").code());
    Path wds = Files.createDirectory(tmp.resolve("wds"));
    ToolsTestData.webDataset(wds, List.of(ToolsTestData.samples("x", 0, 2)));
    ToolsTestData.Run notKiln = kiln("bench-read", wds.toString());
    assertEquals(2, notKiln.code());
    assertTrue(notKiln.err().contains("webdataset"), notKiln.err());
  }
}
