package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code inputs.jsonl} and catalog-part lines are written and read with Jackson's streaming
 * API; the text must stay what Jackson's tree model wrote (earlier versions' files are read by
 * incremental runs) and the reading as forgiving.
 */
class JsonLinesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** An input record line as the tree model wrote it. */
  static String treeLine(InputRecord r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", r.key());
    o.put("path", r.path());
    o.put("size", r.size());
    o.put("mtime", r.lastModifiedMillis());
    o.put("content_hash", r.contentHash());
    o.put("written", r.written());
    return o.toString();
  }

  /** A catalog line as the tree model wrote it. */
  static String treeLine(CatalogEntry e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", e.key());
    o.put("shard", e.shard());
    o.put("offset", e.offset());
    o.put("length", e.length());
    ArrayNode l = o.putArray("labels");
    e.labels().forEach(l::add);
    o.put("width", e.width());
    o.put("height", e.height());
    ArrayNode b = o.putArray("boxes");
    for (Box box : e.boxes()) {
      ObjectNode bo = b.addObject();
      bo.put("x0", box.x0());
      bo.put("y0", box.y0());
      bo.put("x1", box.x1());
      bo.put("y1", box.y1());
      bo.put("label", box.label());
      bo.put("category_id", box.categoryId());
    }
    o.put("source_path", e.sourcePath());
    o.put("content_hash", e.contentHash());
    return o.toString();
  }

  static List<InputRecord> inputs() {
    return List.of(
        new InputRecord("a/b", "/in/a/b.jpg", 123, 1_700_000_000_123L, "ab".repeat(32), true),
        new InputRecord("日本/\"quoted\" \\ tab\t", "/in/日本 🐱.png", 0, -1, "", false),
        new InputRecord("ctl\u0001\n", "", Long.MAX_VALUE, Long.MIN_VALUE, "x", true));
  }

  static List<CatalogEntry> entries() {
    return List.of(
        new CatalogEntry(
            "k",
            "shard-00000.kiln",
            4096,
            18_000,
            List.of(),
            256,
            256,
            List.of(),
            "/in/k.jpg",
            "00".repeat(32)),
        new CatalogEntry(
            "p/1",
            "shard-00003.tar",
            -1,
            -1,
            List.of("cat", "猫 \"x\""),
            3,
            7,
            List.of(
                new Box(-1.5f, 0f, 3.25f, 1e6f, "ñ", -7),
                new Box(0.1f, 1f / 3, Float.MAX_VALUE, Float.MIN_VALUE, "", 0)),
            "/in/日本.jpg",
            ""));
  }

  @Test
  void inputRecordLinesAreTheTreeModelsTextAndReadBack() {
    for (InputRecord r : inputs()) {
      assertEquals(treeLine(r), r.toJsonLine());
      assertEquals(r, InputRecord.fromJsonLine(treeLine(r)));
    }
  }

  @Test
  void inputsFilesAreTheTreeModelsLinesAndReadBackByKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(InputRecord.FILE_NAME);
    InputRecord.writeAll(file, inputs());
    StringBuilder expected = new StringBuilder();
    inputs().forEach(r -> expected.append(treeLine(r)).append('\n'));
    assertEquals(expected.toString(), Files.readString(file));
    Map<String, InputRecord> byKey = new HashMap<>();
    inputs().forEach(r -> byKey.put(r.key(), r));
    assertEquals(byKey, InputRecord.readAll(dir));

    // Blank lines and unknown fields, as an older or hand-edited file may have.
    Files.writeString(file, "\n" + treeLine(inputs().get(0)) + "\n\n{\"key\":\"x\",\"new\":[1]}\n");
    assertEquals(2, InputRecord.readAll(dir).size());
    Files.writeString(file, treeLine(inputs().get(0)) + "\n[1]\n");
    assertThrows(IOException.class, () -> InputRecord.readAll(dir));
    assertThrows(
        UncheckedIOException.class,
        () -> InputRecord.fromJsonLine(treeLine(inputs().get(0)) + " {}"));
    assertEquals(Map.of(), InputRecord.readAll(dir.resolve("no-such-version")));
  }

  @Test
  void catalogLinesAreTheTreeModelsTextAndReadBack() {
    for (CatalogEntry e : entries()) {
      assertEquals(treeLine(e), e.toJsonLine());
      assertEquals(e, CatalogEntry.fromJsonLine(treeLine(e)));
    }
  }

  @Test
  void readingIgnoresUnknownFieldsAndDefaultsMissingOnes() {
    InputRecord r =
        InputRecord.fromJsonLine(
            "{\"extra\":{\"nested\":[1,{\"a\":2}]},\"key\":\"k\",\"size\":\"42\",\"written\":true,\"more\":[]}");
    assertEquals(new InputRecord("k", "", 42, 0, "", true), r);
    CatalogEntry e =
        CatalogEntry.fromJsonLine(
            "{\"key\":\"k\",\"boxes\":[{\"x0\":1,\"y9\":2,\"label\":\"a\"}],\"new\":{}}");
    assertEquals(List.of(new Box(1, 0, 0, 0, "a", 0)), e.boxes());
    assertEquals("", e.shard());
    assertThrows(UncheckedIOException.class, () -> InputRecord.fromJsonLine("[1, 2]"));
    assertThrows(UncheckedIOException.class, () -> CatalogEntry.fromJsonLine("{\"key\": "));
  }
}
