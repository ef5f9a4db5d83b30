package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manifest.json} is written and read with Jackson's streaming API: its bytes must be the
 * ones Jackson's tree model (which wrote every manifest before) gives, and reading must give back
 * what was written, whatever the text holds.
 */
class ManifestTest {
  private static final ObjectMapper TREES =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @TempDir Path dir;

  private static Manifest rich() {
    Map<String, Long> changes = new LinkedHashMap<>();
    changes.put("new", 100L);
    changes.put("changed", 2L);
    changes.put("deleted", 20L);
    changes.put("carried_over", 9880L);
    return new Manifest(
            "0.1.0",
            "kiln",
            10_002,
            9_980,
            Map.of("undecodable", 1L, "file-too-large", 1L),
            List.of(
                new ShardFile("shard-00000.kiln", 5_000, 90_000_000_000L, "ab".repeat(32)),
                new ShardFile("shard-00001.kiln", 4_980, 89_000_000, "cd".repeat(32))),
            Map.of("size", "256", "input", "/data/fotos \"2026\"/ümlaut 🎞", "output", "/out"),
            "ef".repeat(32),
            SampleCodec.SCHEMA_JSON)
        .withRun("night-2", changes)
        .withIgnored(Map.of("extension", 166L, "hidden", 3L));
  }

  /** The manifest as the tree model wrote it, field by field in the same order. */
  private static byte[] asTheTreeModelWroteIt(Manifest m) throws IOException {
    ObjectNode o = TREES.createObjectNode();
    o.put("kiln_version", m.kilnVersion());
    o.put("run_id", m.runId());
    o.put("format", m.format());
    ObjectNode counts = o.putObject("counts");
    counts.put("inputs", m.inputs());
    counts.put("written", m.written());
    counts.put("rejected", m.rejected());
    ObjectNode reasons = counts.putObject("rejected_by_reason");
    m.rejectedByReason().forEach(reasons::put);
    counts.put("ignored", m.ignored());
    ObjectNode ignored = counts.putObject("ignored_by_reason");
    m.ignoredByReason().forEach(ignored::put);
    ArrayNode shards = o.putArray("shards");
    for (ShardFile s : m.shards()) {
      ObjectNode so = shards.addObject();
      so.put("name", s.name());
      so.put("samples", s.samples());
      so.put("bytes", s.bytes());
      so.put("sha256", s.sha256());
    }
    if (!m.changes().isEmpty()) {
      ObjectNode inc = o.putObject("incremental");
      m.changes().forEach(inc::put);
    }
    ObjectNode conf = o.putObject("configuration");
    m.configuration().forEach(conf::put);
    o.put("input_fingerprint", m.inputFingerprint());
    o.set("schema", TREES.readTree(m.schema()));
    return TREES.writeValueAsBytes(o);
  }

  @Test
  void bytesAreTheTreeModels() throws IOException {
    Manifest full =
        new Manifest("0.1.0", "webdataset", 7, 7, Map.of(), List.of(), Map.of(), "", "");
    for (Manifest m : List.of(rich(), full)) {
      assertArrayEquals(
          asTheTreeModelWroteIt(m),
          m.toJsonBytes(),
          () -> new String(m.toJsonBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    Manifest m = rich();
    m.writeTo(dir);
    Manifest read = Manifest.readFrom(dir);
    assertEquals(m, read);
    // The schema comes back as the compact text the tree model gave.
    assertEquals(TREES.readTree(m.toJsonBytes()).path("schema").toString(), read.schema());
  }

  @Test
  void labelsReadBackWithClassesAndMetadataCounts() throws IOException {
    LabelSummary labels =
        new LabelSummary(
            List.of(
                new LabelSummary.ClassCount(0, "n01440764", 1300),
                new LabelSummary.ClassCount(1, "猫 \"cat\"", 0),
                new LabelSummary.ClassCount(7, null, 3)),
            12,
            2);
    Manifest m = rich().withLabels(labels);
    m.writeTo(dir);
    Manifest read = Manifest.readFrom(dir);
    assertEquals(labels, read.labels());
    assertEquals(m, read);
    assertEquals(Map.of("n01440764", 0, "猫 \"cat\"", 1), read.labels().mapping());
    assertEquals(LabelSummary.NONE, rich().labels(), "no labels object without classes or table");
  }

  @Test
  void unknownFieldsAreSkippedAndMissingOnesAreEmpty() throws IOException {
    Files.writeString(
        dir.resolve(Manifest.FILE_NAME),
        """
        {"added_later": {"nested": [1, {"x": 2}]}, "format": "kiln",
         "counts": {"written": 3, "later": [1, 2], "rejected_by_reason": {"undecodable": "2"}},
         "shards": [{"name": "shard-00000.kiln", "extra": {"a": 1}, "bytes": 10}],
         "run_id": null, "configuration": {"size": 256, "mode": null}}
        """);
    Manifest m = Manifest.readFrom(dir);
    assertEquals("kiln", m.format());
    assertEquals("", m.kilnVersion());
    assertEquals("", m.runId());
    assertEquals(0, m.inputs());
    assertEquals(3, m.written());
    assertEquals(Map.of("undecodable", 2L), m.rejectedByReason());
    assertEquals(List.of(new ShardFile("shard-00000.kiln", 0, 10, "")), m.shards());
    assertEquals(Map.of("size", "256", "mode", "null"), m.configuration());
    assertEquals(Map.of(), m.changes());
    assertEquals(
        Map.of(), m.ignoredByReason(), "a manifest from before ignored files were counted");
    assertEquals("", m.schema());
  }

  @Test
  void aFileThatIsNotAnObjectIsRefused() throws IOException {
    Files.writeString(dir.resolve(Manifest.FILE_NAME), "[1, 2]");
    IOException e = assertThrows(IOException.class, () -> Manifest.readFrom(dir));
    assertEquals(dir.resolve(Manifest.FILE_NAME) + " is not a JSON object", e.getMessage());
  }
}
