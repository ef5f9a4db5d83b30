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
    ToolsTestData.Run prepare = kiln("prepare", "--input=" + SAMPLES, "--output=" + out,
        "--format=kiln", "--size=64");
    assertEquals(0, prepare.code(), prepare.err());

    ToolsTestData.Run verify = kiln("verify", out.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    ToolsTestData.Run inspect = kiln("inspect", out.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("format       kiln"), inspect.out());
    ToolsTestData.Run bench = kiln("bench-read", out.toString(), "--threads=2", "--no-fio",
        "--no-drop-caches", "--warmup=0");
    assertEquals(0, bench.code(), bench.out() + bench.err());
  }

  @Test
  void theToolsGivenAVersionedRootOpenItsCurrentVersion() {
    Path root = tmp.resolve("nightly");
    for (String night : new String[] {"night-1", "night-2"}) {
      ToolsTestData.Run prepare = kiln("prepare", "--input=" + SAMPLES, "--output=" + root,
          "--incremental", "--run-id=" + night, "--size=64");
      assertEquals(0, prepare.code(), prepare.err());
    }

    ToolsTestData.Run verify = kiln("verify", root.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("OK (kiln, 7 samples in 1 shard)"), verify.out());
    ToolsTestData.Run inspect = kiln("inspect", root.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("v000002"), inspect.out());
    ToolsTestData.Run bench = kiln("bench-read", root.toString(), "--threads=2", "--no-fio",
        "--no-drop-caches", "--warmup=0");
    assertEquals(0, bench.code(), bench.out() + bench.err());
  }

  @Test
  void verifyAPreparedWebDataset() {
    Path out = tmp.resolve("wds");
    ToolsTestData.Run prepare = kiln("prepare", "--input=" + SAMPLES, "--output=" + out,
        "--format=webdataset", "--size=64");
    assertEquals(0, prepare.code(), prepare.err());
    ToolsTestData.Run verify = kiln("verify", out.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("OK (webdataset, 7 samples in 1 shard)"), verify.out());
  }
}
