package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.webdataset.WebDatasetReader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same input gives the same keys with the same bytes on the direct and embedded Flink runners. */
class RunnerEquivalenceTest {
  @TempDir Path tmp;

  @Test
  void directAndFlinkLocalWriteIdenticalShards() throws Exception {
    Path direct = tmp.resolve("direct");
    Path flink = tmp.resolve("flink");
    String input = "--input=" + PrepareCommandTest.SAMPLES;
    PrepareCommandTest.Run a = PrepareCommandTest.kiln("prepare", input, "--output=" + direct, "--runner=direct", "--shard-size=60000");
    PrepareCommandTest.Run b = PrepareCommandTest.kiln("prepare", input, "--output=" + flink, "--runner=flink-local", "--parallelism=2", "--shard-size=60000");
    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());

    Map<String, byte[]> fromDirect = WebDatasetReader.members(direct);
    Map<String, byte[]> fromFlink = WebDatasetReader.members(flink);
    assertEquals(fromDirect.keySet(), fromFlink.keySet());
    for (String member : fromDirect.keySet()) {
      assertArrayEquals(fromDirect.get(member), fromFlink.get(member), member);
    }
    assertEquals(Manifest.readFrom(direct).shards(), Manifest.readFrom(flink).shards(), "byte-identical shard files");
  }
}
