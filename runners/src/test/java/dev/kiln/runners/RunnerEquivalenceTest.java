package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.webdataset.WebDatasetReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input gives the same keys with the same bytes on every runner and parallelism: the
 * direct runner and the embedded Flink at parallelism 1 and 2 write byte-identical shards.
 */
class RunnerEquivalenceTest {
  @TempDir Path tmp;

  static Path prepare(Path tmp, String name, String... extra) {
    Path out = tmp.resolve(name);
    String[] args = new String[4 + extra.length];
    args[0] = "prepare";
    args[1] = "--input=" + PrepareCommandTest.SAMPLES;
    args[2] = "--output=" + out;
    args[3] = "--shard-size=60000";
    System.arraycopy(extra, 0, args, 4, extra.length);
    PrepareCommandTest.Run run = PrepareCommandTest.kiln(args);
    assertEquals(0, run.code(), name + ": " + run.err());
    return out;
  }

  @Test
  void kilnShardsAreByteIdenticalOnDirectAndFlinkAtAnyParallelism() throws Exception {
    Path direct = prepare(tmp, "direct", "--runner=direct", "--parallelism=3");
    Path flink1 = prepare(tmp, "flink1", "--runner=flink-local", "--parallelism=1");
    Path flink2 = prepare(tmp, "flink2", "--runner=flink-local", "--parallelism=2");

    Manifest expected = Manifest.readFrom(direct);
    assertTrue(expected.shards().size() > 1, "several shards: " + expected.shards());
    for (Path other : new Path[] {flink1, flink2}) {
      assertEquals(expected.shards(), Manifest.readFrom(other).shards(), other + ": names, sizes, SHA-256");
      assertArrayEquals(
          Files.readAllBytes(direct.resolve("index.kidx")), Files.readAllBytes(other.resolve("index.kidx")));
      assertEquals(expected.inputFingerprint(), Manifest.readFrom(other).inputFingerprint());
    }
  }

  @Test
  void webDatasetMembersAreIdenticalOnDirectAndFlink() throws Exception {
    Path direct = prepare(tmp, "direct", "--runner=direct", "--format=webdataset");
    Path flink = prepare(tmp, "flink", "--runner=flink-local", "--format=webdataset");
    Map<String, byte[]> fromDirect = WebDatasetReader.members(direct);
    Map<String, byte[]> fromFlink = WebDatasetReader.members(flink);
    assertEquals(fromDirect.keySet(), fromFlink.keySet());
    for (String member : fromDirect.keySet()) {
      assertArrayEquals(fromDirect.get(member), fromFlink.get(member), member);
    }
    assertEquals(Manifest.readFrom(direct).shards(), Manifest.readFrom(flink).shards());
  }
}
