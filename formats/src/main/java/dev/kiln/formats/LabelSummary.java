package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest's {@code labels} object: the class mapping with each class's sample count, and how
 * the metadata table matched the inputs.
 *
 * @param classes every class, by id: those the class list or folders name (with 0 samples when none
 *     has it) and those samples have
 * @param metadataRows rows of the metadata table, or -1 without one
 * @param rowsWithoutInput rows that describe no input
 */
public record LabelSummary(List<ClassCount> classes, long metadataRows, long rowsWithoutInput) {
  /** One class: its id, its name (null for ids a table gave without names) and its samples. */
  public record ClassCount(int id, String name, long samples) {}

  /** Nothing: a dataset without classes or metadata table. */
  public static final LabelSummary NONE = new LabelSummary(List.of(), -1, 0);

  public LabelSummary {
    classes = List.copyOf(classes);
  }

  /** Whether there is nothing to say. */
  public boolean isEmpty() {
    return classes.isEmpty() && metadataRows < 0;
  }

  /** The classes of the samples these catalog rows describe, each with its count. */
  public static LabelSummary ofSamples(Iterable<CatalogEntry> rows) {
    Map<Integer, String> names = new HashMap<>();
    Map<Integer, Long> counts = new TreeMap<>();
    for (CatalogEntry row : rows) {
      Integer id = row.labelFields().label();
      if (id != null) {
        counts.merge(id, 1L, Long::sum);
        if (row.labelFields().className() != null) {
          names.putIfAbsent(id, row.labelFields().className());
        }
      }
    }
    List<ClassCount> classes = new ArrayList<>();
    counts.forEach((id, n) -> classes.add(new ClassCount(id, names.get(id), n)));
    return new LabelSummary(classes, -1, 0);
  }

  /**
   * These counts over every class of {@code mapping} (name to id), classes without samples at 0.
   */
  public LabelSummary withClasses(Map<String, Integer> mapping) {
    Map<Integer, ClassCount> byId = new TreeMap<>();
    for (ClassCount c : classes) {
      byId.put(c.id(), c);
    }
    for (Map.Entry<String, Integer> e : mapping.entrySet()) {
      ClassCount seen = byId.get(e.getValue());
      byId.put(
          e.getValue(),
          new ClassCount(e.getValue(), e.getKey(), seen == null ? 0 : seen.samples()));
    }
    return new LabelSummary(new ArrayList<>(byId.values()), metadataRows, rowsWithoutInput);
  }

  /** These counts with the metadata table's. */
  public LabelSummary withMetadata(long rows, long withoutInput) {
    return new LabelSummary(classes, rows, withoutInput);
  }

  /** Class name to id over the named classes. */
  public Map<String, Integer> mapping() {
    Map<String, Integer> m = new TreeMap<>();
    for (ClassCount c : classes) {
      if (c.name() != null) {
        m.put(c.name(), c.id());
      }
    }
    return m;
  }

  /** Writes the {@code labels} object's fields. */
  void write(JsonGenerator g) throws IOException {
    g.writeArrayFieldStart("classes");
    for (ClassCount c : classes) {
      g.writeStartObject();
      g.writeNumberField("id", c.id());
      if (c.name() == null) {
        g.writeNullField("name");
      } else {
        g.writeStringField("name", c.name());
      }
      g.writeNumberField("samples", c.samples());
      g.writeEndObject();
    }
    g.writeEndArray();
    writeMetadata(g, metadataRows, rowsWithoutInput);
  }

  /**
   * Writes the {@code metadata} object (a table's rows, and those matching no input) when a table
   * was read ({@code rows >= 0}): in a dataset's manifest and in a split root's.
   */
  public static void writeMetadata(JsonGenerator g, long rows, long rowsWithoutInput)
      throws IOException {
    if (rows >= 0) {
      g.writeObjectFieldStart("metadata");
      g.writeNumberField("rows", rows);
      g.writeNumberField("rows_without_input", rowsWithoutInput);
      g.writeEndObject();
    }
  }

  /** Reads the {@code labels} object the parser is at. */
  static LabelSummary read(JsonParser p) throws IOException {
    List<ClassCount> classes = new ArrayList<>();
    long[] metadata = {-1, 0};
    JsonLines.readFields(
        p,
        (name, q) -> {
          switch (name) {
            case "classes" -> {
              while (q.nextToken() == JsonToken.START_OBJECT) {
                Object[] c = {0, null, 0L};
                JsonLines.readFields(
                    q,
                    (field, r) -> {
                      switch (field) {
                        case "id" -> c[0] = r.getValueAsInt();
                        case "name" ->
                            c[1] = r.currentToken() == JsonToken.VALUE_NULL ? null : r.getText();
                        case "samples" -> c[2] = r.getValueAsLong();
                        default -> r.skipChildren();
                      }
                    });
                classes.add(new ClassCount((Integer) c[0], (String) c[1], (Long) c[2]));
              }
            }
            case "metadata" ->
                JsonLines.readFields(
                    q,
                    (field, r) -> {
                      switch (field) {
                        case "rows" -> metadata[0] = r.getValueAsLong();
                        case "rows_without_input" -> metadata[1] = r.getValueAsLong();
                        default -> r.skipChildren();
                      }
                    });
            default -> q.skipChildren();
          }
        });
    classes.sort(Comparator.comparingInt(ClassCount::id));
    return new LabelSummary(classes, metadata[0], metadata[1]);
  }
}
