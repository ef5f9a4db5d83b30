package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One input of a dataset version as it was when the version was made, one JSON object per line of
 * the version's {@value #FILE_NAME}. The next incremental run compares its inputs with these: same
 * path, size and modification time (or, when those differ, same content hash) means the input is
 * unchanged and its sample is carried over without decoding.
 *
 * @param contentHash SHA-256 of the input's bytes, or "" when it was rejected
 * @param written whether the input became a sample
 */
public record InputRecord(
    String key,
    String path,
    long size,
    long lastModifiedMillis,
    String contentHash,
    boolean written) {
  public static final String FILE_NAME = "inputs.jsonl";

  public String toJsonLine() {
    return JsonLines.write(this::writeFields);
  }

  private void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("key", key);
    g.writeStringField("path", path);
    g.writeNumberField("size", size);
    g.writeNumberField("mtime", lastModifiedMillis);
    g.writeStringField("content_hash", contentHash);
    g.writeBooleanField("written", written);
  }

  public static InputRecord fromJsonLine(String line) {
    try (JsonParser p = JsonLines.parser(line)) {
      InputRecord r = p.nextToken() == JsonToken.START_OBJECT ? read(p) : null;
      if (r == null || p.nextToken() != null) {
        throw new IOException("not one JSON object");
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("not an input record: " + line, e);
    }
  }

  /**
   * Reads the fields of the object the parser is at (past its start): unknown fields are skipped,
   * missing ones are empty, as the tree model's {@code path(...).asText()} gave them. One plain
   * loop, because an incremental run reads a record per input of the version it builds on, and the
   * JIT compiles what runs that often.
   */
  private static InputRecord read(JsonParser p) throws IOException {
    String key = "";
    String path = "";
    String contentHash = "";
    long size = 0;
    long mtime = 0;
    boolean written = false;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "key" -> key = JsonLines.text(p);
        case "path" -> path = JsonLines.text(p);
        case "content_hash" -> contentHash = JsonLines.text(p);
        case "size" -> size = p.getValueAsLong();
        case "mtime" -> mtime = p.getValueAsLong();
        case "written" -> written = p.getValueAsBoolean();
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IOException("not a JSON object");
    }
    return new InputRecord(key, path, size, mtime, contentHash, written);
  }

  /** Every record of a version directory's {@value #FILE_NAME}, by key; empty when absent. */
  public static Map<String, InputRecord> readAll(Path versionDir) throws IOException {
    Map<String, InputRecord> records = new HashMap<>();
    Path file = versionDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return records;
    }
    // One parser for the whole file: its lines are a sequence of JSON objects.
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JsonLines.parser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new IOException(file + ": not JSON objects, one per line (found " + t + ")");
        }
        InputRecord rec = read(p);
        records.put(rec.key(), rec);
      }
    }
    return records;
  }

  /** Writes records as {@value #FILE_NAME} lines, to a temporary file renamed to {@code target}. */
  public static void writeAll(Path target, List<InputRecord> records) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        JsonGenerator g = JsonLines.generator(w)) {
      for (InputRecord r : records) {
        g.writeStartObject();
        r.writeFields(g);
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
