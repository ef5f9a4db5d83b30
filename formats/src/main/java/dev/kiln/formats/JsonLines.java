package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * One JSON object per line, written and read with Jackson's streaming API: a dataset has a line per
 * input and per sample in several files, and building a tree of nodes for each (Jackson's {@code
 * ObjectMapper.readTree}) cost a run more than the lines' content. The text is what the tree model
 * writes: compact, fields in the order given.
 */
final class JsonLines {
  /** Writes no separator between root-level objects: each line adds its own newline. */
  private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);

  private JsonLines() {}

  /** Writes the fields of one object. */
  @FunctionalInterface
  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /** Reads the value of one field, the parser positioned on it. */
  @FunctionalInterface
  interface Field {
    void read(String name, JsonParser p) throws IOException;
  }

  /** One object as a line (no trailing newline). */
  static String write(Fields fields) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.toString();
  }

  /**
   * Hands each field of the object on {@code line} to {@code field}, which reads its value (or
   * calls {@link JsonParser#skipChildren} for one it does not know).
   *
   * @throws IOException if the line is not one JSON object
   */
  static void read(String line, Field field) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      readFields(p, field);
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("not a JSON object");
      }
    }
  }

  /**
   * Hands each field of the object the parser is in (just past its start) to {@code field}, the
   * parser on the field's value; returns with the parser on the token after the last field.
   */
  static void readFields(JsonParser p, Field field) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      field.read(name, p);
    }
  }

  /** A parser of one line. */
  static JsonParser parser(String line) throws IOException {
    return JSON.createParser(line);
  }

  /**
   * A parser of a UTF-8 file of lines, reading them as a sequence of root-level objects. Bytes, not
   * a {@code Reader}: Jackson then parses UTF-8 as it is, rather than decoding it to chars first.
   */
  static JsonParser parser(InputStream lines) throws IOException {
    return JSON.createParser(lines);
  }

  /**
   * A generator of root-level objects, each of which the caller ends with a newline. A {@code
   * Writer}, not bytes: Jackson's byte generator escapes characters beyond the Basic Multilingual
   * Plane (emoji in file names) as surrogate pairs, where this one writes them as they are.
   */
  static JsonGenerator generator(Writer lines) throws IOException {
    return JSON.createGenerator(lines);
  }

  /** A text field's value, as the tree model's {@code asText()} gives it ("" for null). */
  static String text(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? "null" : p.getValueAsString("");
  }
}
