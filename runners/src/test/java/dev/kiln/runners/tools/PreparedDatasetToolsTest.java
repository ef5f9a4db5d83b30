package dev.kiln.runners.tools;

import static dev.kiln.runners.tools.ToolsTestData.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools on what {@code kiln prepare} really writes, in both shard formats. */
class PreparedDatasetToolsTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void verifyInspectAndBenchAPreparedKilnDataset() {
    Path out = tmp.resolve("kiln");
    ToolsTestData.Run prepare =
        kiln("prepare", "--input=" + SAMPLES, "--output=" + out, "--format=kiln", "--size=64");
    assertEquals(0, prepare.code(), prepare.err());

    ToolTexts tools = verifyInspectAndBench(out);
    assertTrue(tools.inspect().contains("format       kiln"), tools.inspect());
  }

  @Test
  void theToolsGivenAVersionedRootOpenItsCurrentVersion() {
    Path root = tmp.resolve("nightly");
    // The second night's quality differs: a run that changes nothing would publish no version.
    for (String night : new String[] {"night-1", "night-2"}) {
      ToolsTestData.Run prepare =
          kiln(
              "prepare",
              "--input=" + SAMPLES,
              "--output=" + root,
              "--incremental",
              "--run-id=" + night,
              "--size=64",
              "--quality=" + (night.equals("night-1") ? 90 : 85));
      assertEquals(0, prepare.code(), prepare.err());
    }

    ToolTexts tools = verifyInspectAndBench(root);
    assertTrue(tools.verify().contains("OK (kiln, 7 samples in 1 shard)"), tools.verify());
    assertTrue(tools.inspect().contains("v000002"), tools.inspect());
  }

  /** What {@code verify} and {@code inspect} printed. */
  private record ToolTexts(String verify, String inspect) {}

  /** Runs verify, inspect and bench-read on {@code dir}, each of which must exit 0. */
  private static ToolTexts verifyInspectAndBench(Path dir) {
    ToolsTestData.Run verify = kiln("verify", dir.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    ToolsTestData.Run inspect = kiln("inspect", dir.toString());
    assertEquals(0, inspect.code(), inspect.err());
    ToolsTestData.Run bench =
        kiln(
            "bench-read",
            dir.toString(),
            "--threads=2",
            "--no-fio",
            "--no-drop-caches",
            "--warmup=0");
    assertEquals(0, bench.code(), bench.out() + bench.err());
    return new ToolTexts(verify.out(), inspect.out());
  }

  @Test
  void verifyAPreparedWebDataset() {
    Path out = tmp.resolve("wds");
    ToolsTestData.Run prepare =
        kiln(
            "prepare", "--input=" + SAMPLES, "--output=" + out, "--format=webdataset", "--size=64");
    assertEquals(0, prepare.code(), prepare.err());
    ToolsTestData.Run verify = kiln("verify", out.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("OK (webdataset, 7 samples in 1 shard)"), verify.out());
  }
}
