package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a sample is labelled with besides its boxes: a class id and name (from class folders, {@code
 * --classes} or a metadata table), a caption, and the metadata table's other columns ({@code
 * extra}), each with its type.
 *
 * <p>An extra value is a {@link String}, {@link Long}, {@link Double}, {@link Boolean}, null (an
 * empty cell), or a {@link List} of non-null values of those four types. The map keeps the table's
 * column order, so a sample's bytes are the same on every run.
 *
 * @param label class id, or null when the sample has no class
 * @param className class name, or null
 * @param caption caption text, or null
 * @param extra the other fields, in column order
 */
public record LabelFields(
    Integer label, String className, String caption, Map<String, Object> extra)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();

  /** No class, no caption, no extra field. */
  public static final LabelFields NONE = new LabelFields(null, null, null, Map.of());

  public LabelFields {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), "extra field name"),
          checked(e.getKey(), e.getValue()));
    }
    extra = Collections.unmodifiableMap(copy);
  }

  /** Whether this holds nothing. */
  public boolean isEmpty() {
    return label == null && className == null && caption == null && extra.isEmpty();
  }

  /** This with another class id and name (what class folders and {@code --classes} give). */
  public LabelFields withClass(Integer id, String name) {
    return new LabelFields(id, name, caption, extra);
  }

  private static Object checked(String name, Object value) {
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        if (!scalar(item) || item == null) {
          throw new IllegalArgumentException(
              "extra field "
                  + name
                  + ": a list item must be a string, integer, float or boolean, not "
                  + (item == null ? "null" : item.getClass().getSimpleName()));
        }
        items.add(item);
      }
      return Collections.unmodifiableList(items);
    }
    if (!scalar(value)) {
      throw new IllegalArgumentException(
          "extra field " + name + ": unsupported type " + value.getClass().getSimpleName());
    }
    return value;
  }

  private static boolean scalar(Object v) {
    return v == null
        || v instanceof String
        || v instanceof Long
        || v instanceof Double
        || v instanceof Boolean;
  }

  /**
   * The extra fields as one compact JSON object, in column order ({@link #parseExtra} reads it).
   */
  public String extraJson() {
    StringWriter text = new StringWriter(64);
    try (JsonGenerator g = JSON.createGenerator(text)) {
      writeExtra(g, extra);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * Writes extra fields as a JSON object; floats keep a decimal point, so they read back as floats.
   */
  public static void writeExtra(JsonGenerator g, Map<String, Object> extra) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        g.writeString(d.toString()); // JSON has no NaN or infinity
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeStartArray();
      for (Object item : (List<?>) v) {
        writeValue(g, item);
      }
      g.writeEndArray();
    }
  }

  /**
   * Extra fields from the JSON {@link #extraJson} wrote.
   *
   * @throws IllegalArgumentException if the text is not such an object
   */
  public static Map<String, Object> parseExtra(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("extra fields are not a JSON object: " + json);
      }
      return readExtra(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("extra fields are not JSON: " + json, e);
    }
  }

  /** The fields of the object the parser is at (on its start), as extra values. */
  static Map<String, Object> readExtra(JsonParser p) throws IOException {
    Map<String, Object> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      extra.put(name, readValue(p));
    }
    return extra;
  }

  private static Object readValue(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(p));
        }
        yield items;
      }
      default -> throw new IOException("unexpected " + p.currentToken() + " in extra fields");
    };
  }
}
