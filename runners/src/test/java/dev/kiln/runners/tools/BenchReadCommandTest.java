package dev.kiln.runners.tools;

import static dev.kiln.runners.tools.ToolsTestData.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    ToolsTestData.kilnDataset(dir, List.of(ToolsTestData.samples("a", 0, 20),
        ToolsTestData.samples("b/c", 20, 15)));
    return dir;
  }

  @Test
  void readsComparesAndCleansUp() throws Exception {
    Path dir = dataset();
    for (String mode : List.of("--direct=false", "--direct")) {
      ToolsTestData.Run run = kiln("bench-read", dir.toString(), "--threads", "4", "--seed=7",
          "--compare", "--no-fio", "--no-drop-caches", "--warmup=0", mode, "--work-dir",
          tmp.toString());
      assertEquals(0, run.code(), run.out() + run.err());
      String o = run.out();
      assertTrue(o.contains("35 of 35 samples"), o);
      assertTrue(o.lines().anyMatch(l -> l.startsWith("kiln ") && l.contains("1.00 preads/sample")), o);
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
    ToolsTestData.Run run = kiln("bench-read", dataset().toString(), "--samples=10",
        "--threads=1", "--no-fio", "--no-drop-caches", "--warmup=0", "--compare", "--work-dir=" + tmp);
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("10 of 35 samples"), run.out());
  }

  @Test
  void comparesWithFioWhenInstalled() throws Exception {
    assumeTrue(Fio.available(), "fio not installed");
    ToolsTestData.Run run = kiln("bench-read", dataset().toString(), "--threads=2",
        "--no-drop-caches", "--direct", "--fio-runtime=1", "--warmup=0");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("kiln/fio IOPS"), run.out());
    assertTrue(run.out().contains("fio command  fio --name=kiln-randread"), run.out());
  }

  @Test
  void fioCommandMatchesBlockSizeAndQueueDepth() {
    List<String> direct = Fio.command(List.of(Path.of("/d/shard-00000.kiln"),
        Path.of("/d/a:b.kiln")), 20480, 32, true, 5);
    assertTrue(direct.contains("--filename=/d/shard-00000.kiln:/d/a\\:b.kiln"), direct.toString());
    assertTrue(direct.containsAll(List.of("--bs=20480", "--direct=1", "--ioengine=psync",
        "--numjobs=32", "--time_based", "--runtime=5")), direct.toString());
    List<String> buffered = Fio.command(List.of(Path.of("/d/s.kiln")), 4096, 8, false, 5);
    assertTrue(buffered.containsAll(List.of("--direct=0", "--ioengine=io_uring", "--iodepth=8")),
        buffered.toString());
    assertTrue(!buffered.contains("--time_based"), "buffered fio makes one pass");
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
