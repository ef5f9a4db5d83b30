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
import java.util.function.BiConsumer;

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

  /** The field of a line of {@link InputChanges} that says its key's input is gone. */
  private static final String DELETED_FIELD = "deleted";

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
      InputRecord r = p.nextToken() == JsonToken.START_OBJECT ? read(p, new String[1]) : null;
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
   * missing ones are empty, as the tree model's {@code path(...).asText()} gave them; null for a
   * line of {@link InputChanges} that deletes its key (whose key {@code deletedKey} receives). One
   * plain loop, because an incremental run reads a record per input of the version it builds on,
   * and the JIT compiles what runs that often.
   */
  private static InputRecord read(JsonParser p, String[] deletedKey) throws IOException {
    String key = "";
    String path = "";
    String contentHash = "";
    long size = 0;
    long mtime = 0;
    boolean written = false;
    boolean deleted = false;
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
        case DELETED_FIELD -> deleted = p.getValueAsBoolean();
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IOException("not a JSON object");
    }
    if (deleted) {
      deletedKey[0] = key;
      return null;
    }
    return new InputRecord(key, path, size, mtime, contentHash, written);
  }

  /**
   * Every input of the version in {@code versionDir}, by key: its {@value #FILE_NAME} with the
   * {@link InputChanges} it links applied in version order; empty when it has neither.
   */
  public static Map<String, InputRecord> readAll(Path versionDir) throws IOException {
    Map<String, InputRecord> records = new HashMap<>();
    Path file = versionDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      readLines(file, records::put);
    }
    for (Map.Entry<String, InputRecord> change : InputChanges.overrides(versionDir).entrySet()) {
      if (change.getValue() == null) {
        records.remove(change.getKey());
      } else {
        records.put(change.getKey(), change.getValue());
      }
    }
    return records;
  }

  /**
   * Hands each line of {@code file} to {@code each} as its key and record, the record null for a
   * line of {@link InputChanges} that deletes its key.
   */
  static void readLines(Path file, BiConsumer<String, InputRecord> each) throws IOException {
    String[] deleted = new String[1];
    // One parser for the whole file: its lines are a sequence of JSON objects.
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JsonLines.parser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new IOException(file + ": not JSON objects, one per line (found " + t + ")");
        }
        InputRecord rec = read(p, deleted);
        each.accept(rec == null ? deleted[0] : rec.key(), rec);
      }
    }
  }

  /** Writes records as {@value #FILE_NAME} lines, to a temporary file renamed to {@code target}. */
  public static void writeAll(Path target, List<InputRecord> records) throws IOException {
    writeLines(
        target,
        g -> {
          for (InputRecord r : records) {
            writeLine(g, r.key(), r);
          }
        });
  }

  /** What writes a file's lines ({@link #writeLine}) to a generator. */
  interface Lines {
    void writeTo(JsonGenerator g) throws IOException;
  }

  /** Writes {@code lines} to a temporary file renamed to {@code target}. */
  static void writeLines(Path target, Lines lines) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        JsonGenerator g = JsonLines.generator(w)) {
      lines.writeTo(g);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Writes one line: {@code record}'s fields, or, when it is null, the line of {@link InputChanges}
   * that deletes {@code key}.
   */
  static void writeLine(JsonGenerator g, String key, InputRecord record) throws IOException {
    g.writeStartObject();
    if (record == null) {
      g.writeStringField("key", key);
      g.writeBooleanField(DELETED_FIELD, true);
    } else {
      record.writeFields(g);
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }
}
