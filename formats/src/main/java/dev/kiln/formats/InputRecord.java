package dev.kiln.formats;

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

  public String toJsonLine() {
    return JsonLines.write(
        g -> {
          g.writeStringField("key", key);
          g.writeStringField("path", path);
          g.writeNumberField("size", size);
          g.writeNumberField("mtime", lastModifiedMillis);
          g.writeStringField("content_hash", contentHash);
          g.writeBooleanField("written", written);
        });
  }

  public static InputRecord fromJsonLine(String line) {
    String[] text = {"", "", ""};
    long[] numbers = {0, 0};
    boolean[] written = {false};
    try {
      JsonLines.read(
          line,
          (name, p) -> {
            switch (name) {
              case "key" -> text[0] = JsonLines.text(p);
              case "path" -> text[1] = JsonLines.text(p);
              case "content_hash" -> text[2] = JsonLines.text(p);
              case "size" -> numbers[0] = p.getValueAsLong();
              case "mtime" -> numbers[1] = p.getValueAsLong();
              case "written" -> written[0] = p.getValueAsBoolean();
              default -> p.skipChildren();
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("not an input record: " + line, e);
    }
    return new InputRecord(text[0], text[1], numbers[0], numbers[1], text[2], written[0]);
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
