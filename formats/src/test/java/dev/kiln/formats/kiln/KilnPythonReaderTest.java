package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Box;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes datasets with Java and reads them with {@code formats/python/kiln_reader.py} (through
 * {@code kiln_reader_check.py}), comparing every field, in format version 2 and in version 1
 * (CRC32C, as earlier Kilns wrote). Fails when no python3 is on PATH.
 */
class KilnPythonReaderTest {
  private static Path script;

  @TempDir Path dir;

  @BeforeAll
  static void findPython() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    for (Path candidate :
        List.of(
            base.resolve("python/kiln_reader_check.py"),
            base.resolve("formats/python/kiln_reader_check.py"))) {
      if (Files.isRegularFile(candidate)) {
        script = candidate.toAbsolutePath();
      }
    }
    assertNotNull(script, "kiln_reader_check.py not found from " + base);
    boolean python;
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      python = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      python = false;
    }
    assertTrue(python, "python3 not on PATH: the Python reader cannot be tested");
  }

  private static JsonNode runPython(Path datasetOrShard) throws Exception {
    Process p =
        new ProcessBuilder("python3", script.toString(), datasetOrShard.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python reader timed out");
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out);
  }

  private static List<Sample> mixed() {
    List<Sample> s = new ArrayList<>(TestData.samples("py", 9));
    s.add(
        new Sample(
            "ünï/cødé 🐱",
            TestData.jpeg(33, 21, 5),
            "jpeg",
            33,
            21,
            3,
            List.of("猫", "dog"),
            List.of(new Box(0.1f, 0.2f, 30.5f, 20.75f, "ñ", 42)),
            new SourceInfo(
                "/in/ü.png", 123456789012L, "png", "palette", 8, "Display P3", 6, 21, 33, 1),
            "f".repeat(64)));
    return s;
  }

  @Test
  void pythonReadsEverySampleAsWritten() throws Exception {
    List<Sample> all = mixed();
    TestData.writeDataset(dir, 4096, List.of(all.subList(0, 4), all.subList(4, all.size())));
    JsonNode out = runPython(dir);
    assertTrue(out.get("crc_selftest").asBoolean());
    assertEquals(ShardLayout.VERSION, out.get("version").asInt());
    assertEquals(all.size(), out.get("count").asInt());
    assertEquals(4096, out.get("align").asInt());
    assertTrue(out.get("missing_key_raises").asBoolean());
    assertEquals(all.size(), out.get("iter_count").asInt());
    assertTrue(out.get("fork_ok").asBoolean(), "forked child reads with its own descriptors");
    for (int i = 0; i < all.size(); i++) {
      assertEquals(all.get(i).key(), out.get("keys").get(i).asText());
      assertMatches(all.get(i), out.get("samples").get(i));
    }
  }

  @Test
  void pythonReadsVersion1Datasets() throws Exception {
    List<Sample> all = mixed();
    TestData.writeDataset(
        dir, 4096, List.of(all.subList(0, 4), all.subList(4, all.size())), ShardLayout.VERSION_1);
    JsonNode out = runPython(dir);
    assertEquals(ShardLayout.VERSION_1, out.get("version").asInt());
    assertEquals(all.size(), out.get("count").asInt());
    for (int i = 0; i < all.size(); i++) {
      assertMatches(all.get(i), out.get("samples").get(i));
    }
    Path shard = dir.resolve("v1-solo-00000.kiln");
    TestData.writeShard(shard, 0, all, ShardLayout.VERSION_1);
    JsonNode solo = runPython(shard);
    assertEquals(ShardLayout.VERSION_1, solo.get("version").asInt());
    assertEquals(all.size(), solo.get("count").asInt());
    assertMatches(all.get(0), solo.get("samples").get(0));
  }

  @Test
  void pythonReadsPackedShardFileWithoutIndex() throws Exception {
    List<Sample> all = mixed();
    Path shard = dir.resolve("solo-00000.kiln");
    TestData.writeShard(shard, 0, all);
    JsonNode out = runPython(shard);
    assertEquals(all.size(), out.get("count").asInt());
    for (int i = 0; i < all.size(); i++) {
      assertMatches(all.get(i), out.get("samples").get(i));
    }
  }

  @Test
  void pythonDetectsACorruptedRecord() throws Exception {
    List<Sample> all = mixed();
    TestData.writeDataset(dir, 4096, List.of(all.subList(0, 4), all.subList(4, all.size())));
    int victim = 6;
    long offset;
    try (KilnDataset ds = KilnDataset.open(dir)) {
      offset = ds.index().offset(victim);
    }
    KilnDatasetTest.flipByte(dir.resolve("part-00001.kiln"), offset + 40);
    JsonNode out = runPython(dir);
    for (int i = 0; i < all.size(); i++) {
      JsonNode s = out.get("samples").get(i);
      if (i == victim) {
        assertFalse(s.get("ok").asBoolean(), s.toString());
        assertEquals(all.get(i).key(), s.get("key").asText());
        assertTrue(s.get("error").asText().contains("CRC-32 mismatch"), s.toString());
        assertTrue(s.get("error").asText().contains("part-00001.kiln"), s.toString());
      } else {
        assertMatches(all.get(i), s);
      }
    }
  }

  private static void assertMatches(Sample want, JsonNode got) throws Exception {
    String key = want.key();
    assertTrue(got.get("ok").asBoolean(), got.toString());
    assertTrue(got.get("by_key_ok").asBoolean(), key);
    assertEquals(key, got.get("key").asText());
    assertEquals(want.image().length, got.get("image_len").asInt(), key);
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(want.image())),
        got.get("image_sha256").asText(),
        key);
    assertEquals(want.encoding(), got.get("encoding").asText());
    assertEquals(want.width(), got.get("width").asInt());
    assertEquals(want.height(), got.get("height").asInt());
    assertEquals(want.channels(), got.get("channels").asInt());
    List<String> labels = new ArrayList<>();
    got.get("labels").forEach(l -> labels.add(l.asText()));
    assertEquals(want.labels(), labels, key);
    List<Box> boxes = new ArrayList<>();
    for (JsonNode b : got.get("boxes")) {
      boxes.add(
          new Box(
              (float) b.get(0).asDouble(),
              (float) b.get(1).asDouble(),
              (float) b.get(2).asDouble(),
              (float) b.get(3).asDouble(),
              b.get(4).asText(),
              b.get(5).asInt()));
    }
    assertEquals(want.boxes(), boxes, key);
    JsonNode src = got.get("source");
    JsonNode icc = src.get("icc_profile");
    SourceInfo source =
        new SourceInfo(
            src.get("path").asText(),
            src.get("size").asLong(),
            src.get("format").asText(),
            src.get("colour_model").asText(),
            src.get("bit_depth").asInt(),
            icc.isNull() ? null : icc.asText(),
            src.get("orientation").asInt(),
            src.get("width").asInt(),
            src.get("height").asInt(),
            src.get("frames").asInt());
    assertEquals(want.source(), source, key);
    assertEquals(want.contentHash(), got.get("content_hash").asText());
  }
}
