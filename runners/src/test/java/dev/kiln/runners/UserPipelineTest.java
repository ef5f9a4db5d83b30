package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline built from Kiln's public transforms ({@code dev.kiln.examples.PrepareImages}), run
 * with {@code kiln run} on the DirectRunner and on an embedded Flink, writes the very files {@code
 * kiln prepare} writes: the CLI and user pipelines run the same code.
 */
class UserPipelineTest {
  @TempDir Path tmp;

  @Test
  void theExamplePrepareJobWritesWhatKilnPrepareWritesOnEveryRunner() throws Exception {
    Path cli = tmp.resolve("cli");
    PrepareCommandTest.Run prepared =
        PrepareCommandTest.kiln(
            "prepare", "--input=" + PrepareCommandTest.SAMPLES, "--output=" + cli, "--size=96");
    assertEquals(0, prepared.code(), prepared.err());
    for (String runner : new String[] {"--runner=DirectRunner", "--runner=FlinkRunner"}) {
      Path out = tmp.resolve(runner.substring("--runner=".length()));
      PrepareCommandTest.Run run =
          PrepareCommandTest.kiln(
              "run",
              "dev.kiln.examples.PrepareImages",
              "--input=" + PrepareCommandTest.SAMPLES,
              "--output=" + out,
              "--size=96",
              runner,
              "--flinkMaster=[local]",
              "--parallelism=2");
      assertEquals(0, run.code(), run.err());
      for (String file :
          new String[] {"shard-00000.kiln", "index.kidx", "catalog.parquet", "sample-fields.bin"}) {
        assertArrayEquals(
            Files.readAllBytes(cli.resolve(file)),
            Files.readAllBytes(out.resolve(file)),
            runner + ": " + file);
      }
      assertTrue(Files.isRegularFile(out.resolve("manifest.json")));
    }
  }

  @Test
  void anUnknownClassOrBadOptionsAreUsageErrors() {
    PrepareCommandTest.Run missing = PrepareCommandTest.kiln("run", "com.example.Nope");
    assertEquals(ExitCode.USAGE, missing.code());
    assertTrue(missing.err().contains("class com.example.Nope not found"), missing.err());
    PrepareCommandTest.Run bad =
        PrepareCommandTest.kiln("run", "dev.kiln.examples.PrepareImages", "--size=9");
    assertEquals(ExitCode.USAGE, bad.code());
    assertTrue(bad.err().contains("Missing required value for [--"), bad.err());
  }
}
