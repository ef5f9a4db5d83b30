package dev.kiln.transforms.labels;

import dev.kiln.formats.LabelFields;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A metadata table's rows ({@code --metadata}), each a sample's {@link LabelFields}, found by the
 * input they describe. A row's key ({@code --metadata-key}, default {@code path}) is matched to the
 * input's path relative to the input root with its extension ({@code cats/tom.jpg}); failing that,
 * to the input's key ({@code cats/tom}); failing that, to the input's file name ({@code tom.jpg})
 * when only one row has it. Immutable once built.
 */
public final class MetadataTable implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String keyColumn;
  private final List<LabelFields> rows;
  private final Map<String, Integer> byKey;

  /** Row by the file name of its key, for names only one row has. */
  private final Map<String, Integer> byFileName;

  /**
   * @param source the table's file, for messages
   * @param keyColumn the column rows are matched by
   * @param rows each row's key and fields; keys are unique (the reader reports duplicates)
   */
  public MetadataTable(String source, String keyColumn, Map<String, LabelFields> rows) {
    this.source = source;
    this.keyColumn = keyColumn;
    this.rows = new ArrayList<>(rows.size());
    this.byKey = new HashMap<>();
    this.byFileName = new HashMap<>();
    Set<String> sharedNames = new HashSet<>();
    for (Map.Entry<String, LabelFields> e : rows.entrySet()) {
      int row = this.rows.size();
      this.rows.add(e.getValue());
      String key = e.getKey();
      byKey.put(key, row);
      String name = key.substring(key.lastIndexOf('/') + 1);
      if (byFileName.put(name, row) != null) {
        sharedNames.add(name);
      }
    }
    byFileName.keySet().removeAll(sharedNames);
  }

  /** The table's file. */
  public String source() {
    return source;
  }

  /** The column rows are matched by. */
  public String keyColumn() {
    return keyColumn;
  }

  /** Whether any row has a class id or name. */
  public boolean hasClasses() {
    return rows.stream().anyMatch(r -> r.label() != null || r.className() != null);
  }

  /** Class name to id over the rows that have both. */
  public Map<String, Integer> classes() {
    Map<String, Integer> classes = new java.util.TreeMap<>();
    for (LabelFields r : rows) {
      if (r.className() != null && r.label() != null) {
        classes.put(r.className(), r.label());
      }
    }
    return classes;
  }

  /** Number of rows. */
  public int size() {
    return rows.size();
  }

  /** The fields of the row describing the input, or null when no row does. */
  public LabelFields find(String relativePath, String inputKey) {
    int row = rowOf(relativePath, inputKey);
    return row < 0 ? null : rows.get(row);
  }

  private int rowOf(String relativePath, String inputKey) {
    Integer row = byKey.get(relativePath);
    if (row == null) {
      row = byKey.get(inputKey);
    }
    if (row == null) {
      row = byFileName.get(relativePath.substring(relativePath.lastIndexOf('/') + 1));
    }
    return row == null ? -1 : row;
  }

  /**
   * How many rows describe none of the inputs.
   *
   * @param inputs each input as {relative path with extension, key}
   */
  public long rowsWithoutInput(Iterable<String[]> inputs) {
    BitSet matched = new BitSet(rows.size());
    for (String[] input : inputs) {
      int row = rowOf(input[0], input[1]);
      if (row >= 0) {
        matched.set(row);
      }
    }
    return rows.size() - matched.cardinality();
  }
}
