package dev.kiln.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One input of a dataset version as it was when the version was made, one JSON object per line
 * of the version's {@value #FILE_NAME}. The next incremental run compares its inputs with these:
 * same path, size and modification time (or, when those differ, same content hash) means the
 * input is unchanged and its sample is carried over without decoding.
 *
 * @param contentHash SHA-256 of the input's bytes, or "" when it was rejected
 * @param written whether the input became a sample
 */
public record InputRecord(
    String key, String path, long size, long lastModifiedMillis, String contentHash, boolean written) {
  public static final String FILE_NAME = "inputs.jsonl";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public String toJsonLine() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", key);
    o.put("path", path);
    o.put("size", size);
    o.put("mtime", lastModifiedMillis);
    o.put("content_hash", contentHash);
    o.put("written", written);
    return o.toString();
  }

  public static InputRecord fromJsonLine(String line) {
    try {
      JsonNode o = MAPPER.readTree(line);
      return new InputRecord(
          o.path("key").asText(),
          o.path("path").asText(),
          o.path("size").asLong(),
          o.path("mtime").asLong(),
          o.path("content_hash").asText(),
          o.path("written").asBoolean());
    } catch (IOException e) {
      throw new UncheckedIOException("not an input record: " + line, e);
    }
  }

  /** Every record of a version directory's {@value #FILE_NAME}, by key; empty when absent. */
  public static Map<String, InputRecord> readAll(Path versionDir) throws IOException {
    Map<String, InputRecord> records = new HashMap<>();
    Path file = versionDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return records;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          InputRecord rec = fromJsonLine(line);
          records.put(rec.key(), rec);
        }
      }
    }
    return records;
  }
}
