package dev.kiln.pipelines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kiln.formats.LabelFields;
import dev.kiln.transforms.labels.MetadataTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads a metadata table ({@code --metadata}): CSV, TSV, JSON lines or Parquet, told apart by the
 * file's extension, into a {@link MetadataTable}. Columns keep their types: JSON and Parquet values
 * have them; a CSV or TSV column is integer when every non-empty cell is an integer (without
 * leading zeros, so codes keep their text), float when every one is a number (likewise), boolean
 * when every one is {@code true} or {@code false}, and text otherwise; an empty cell is a missing
 * value (null), as pandas reads it.
 *
 * <p>{@code caption} (or, without one, {@code text}) is the sample's caption, {@code label} its
 * class id (an integer) and {@code class_name} its class name; the key column is the input's; the
 * other columns are extra fields. Any problem (unreadable file, a row without a key, a duplicate
 * key, a label that is not an integer, a value of a type no format carries) is a {@link
 * MetadataTableException} naming the file, line and column.
 */
public final class MetadataTableReader {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern FLOAT =
      Pattern.compile(
          "[-+]?((0|[1-9][0-9]*)(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(NaN|Infinity|inf|nan)");

  /** A problem with the table, naming where it is. */
  public static final class MetadataTableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MetadataTableException(String message) {
      super(message);
    }
  }

  /** A cell's value with where it was, before the columns' types are known. */
  private record Cell(Object value, long line, long column, String name) {}

  private final String file;
  private final String keyColumn;

  /** What a message calls a row's number: a line of a text table, a row of a Parquet file. */
  private final String rowWord;

  private MetadataTableReader(String file, String keyColumn) {
    this.file = file;
    this.keyColumn = keyColumn;
    this.rowWord = file.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "row" : "line";
  }

  /**
   * Reads the table at {@code file} (a local path or any filesystem Beam reads).
   *
   * @param keyColumn the column holding each row's input ({@code --metadata-key})
   * @param classes class name to id ({@code --classes}) for rows with a class name, or null to
   *     number the table's class names in sorted order
   * @throws MetadataTableException naming the file, line and column of the problem
   */
  public static MetadataTable read(String file, String keyColumn, Map<String, Integer> classes) {
    MetadataTableReader reader = new MetadataTableReader(file, keyColumn);
    String name = file.toLowerCase(Locale.ROOT);
    List<Map<String, Cell>> rows;
    try {
      if (name.endsWith(".csv")) {
        rows = reader.readDelimited(CSVFormat.RFC4180);
      } else if (name.endsWith(".tsv") || name.endsWith(".tab")) {
        rows = reader.readDelimited(CSVFormat.TDF);
      } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
        rows = reader.readJsonLines();
      } else if (name.endsWith(".parquet")) {
        rows = reader.readParquet();
      } else {
        throw new MetadataTableException(
            file + ": unknown table format: name it .csv, .tsv, .jsonl or .parquet");
      }
    } catch (CharacterCodingException e) {
      throw new MetadataTableException(file + ": not UTF-8 text");
    } catch (IOException | RuntimeException e) {
      if (e instanceof MetadataTableException m) {
        throw m;
      }
      throw new MetadataTableException(file + ": cannot read: " + e.getMessage());
    }
    return reader.table(rows, classes);
  }

  private Reader open() throws IOException {
    InputStream in = LocatedFiles.open(file);
    return new BufferedReader(
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)));
  }

  private List<Map<String, Cell>> readDelimited(CSVFormat base) throws IOException {
    CSVFormat format =
        base.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).build();
    List<Map<String, Cell>> rows = new ArrayList<>();
    try (Reader in = open();
        CSVParser parser = CSVParser.parse(in, format)) {
      List<String> header = parser.getHeaderNames();
      if (new TreeSet<>(header).size() != header.size() || header.contains("")) {
        throw new MetadataTableException(
            file + " line 1: the header names a column twice or has an empty name: " + header);
      }
      for (CSVRecord record : parser) {
        long line = parser.getCurrentLineNumber();
        if (record.size() != header.size()) {
          throw new MetadataTableException(
              where("line", line, Math.min(record.size(), header.size()) + 1, null)
                  + record.size()
                  + " fields, the header has "
                  + header.size());
        }
        Map<String, Cell> row = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
          String v = record.get(c);
          row.put(header.get(c), new Cell(v.isEmpty() ? null : v, line, c + 1, header.get(c)));
        }
        rows.add(row);
      }
    } catch (java.io.UncheckedIOException e) {
      // Commons CSV reports a malformed record (an unclosed quote, ...) this way.
      throw new MetadataTableException(file + ": " + e.getCause().getMessage());
    } catch (IllegalStateException | IllegalArgumentException e) {
      if (e instanceof MetadataTableException m) {
        throw m;
      }
      throw new MetadataTableException(file + ": " + e.getMessage());
    }
    typeDelimitedColumns(rows);
    return rows;
  }

  /** Gives each CSV or TSV column the narrowest type all its non-empty cells have. */
  private void typeDelimitedColumns(List<Map<String, Cell>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    for (String column : rows.get(0).keySet()) {
      if (column.equals(keyColumn)
          || column.equals("caption")
          || column.equals("text")
          || column.equals("class_name")) {
        continue; // always text
      }
      if (column.equals("label")) {
        // Cell by cell, so the one that is not a class id is the one reported.
        for (Map<String, Cell> row : rows) {
          Cell cell = row.get(column);
          if (cell.value() instanceof String v && INTEGER.matcher(v).matches() && fitsLong(v)) {
            row.put(column, new Cell(Long.parseLong(v), cell.line(), cell.column(), column));
          }
        }
        continue;
      }
      boolean integers = true;
      boolean floats = true;
      boolean booleans = true;
      for (Map<String, Cell> row : rows) {
        Object v = row.get(column).value();
        if (v == null) {
          continue;
        }
        String s = (String) v;
        integers &= INTEGER.matcher(s).matches() && fitsLong(s);
        floats &= FLOAT.matcher(s).matches();
        booleans &= s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
      }
      for (Map<String, Cell> row : rows) {
        Cell cell = row.get(column);
        if (cell.value() == null) {
          continue;
        }
        String s = (String) cell.value();
        Object typed =
            integers
                ? (Object) Long.parseLong(s)
                : floats
                    ? (Object) parseFloat(s)
                    : booleans ? (Object) Boolean.parseBoolean(s.toLowerCase(Locale.ROOT)) : s;
        row.put(column, new Cell(typed, cell.line(), cell.column(), column));
      }
    }
  }

  private static boolean fitsLong(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static double parseFloat(String s) {
    String t = s.replace("inf", "Infinity").replace("nan", "NaN");
    return Double.parseDouble(t);
  }

  private List<Map<String, Cell>> readJsonLines() throws IOException {
    JsonFactory json = new JsonFactory();
    List<Map<String, Cell>> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(open())) {
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        rows.add(jsonRow(json, text, line));
      }
    }
    return rows;
  }

  private Map<String, Cell> jsonRow(JsonFactory json, String text, long line) throws IOException {
    Map<String, Cell> row = new LinkedHashMap<>();
    try (JsonParser p = json.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MetadataTableException(
            where("line", line, 1, null) + "not a JSON object (JSON lines: one object per line)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonLocation at = p.currentTokenLocation();
        p.nextToken();
        if (row.containsKey(name)) {
          throw new MetadataTableException(
              where("line", line, at.getColumnNr(), name) + "field given twice");
        }
        row.put(name, new Cell(jsonValue(p, line, name, true), line, at.getColumnNr(), name));
      }
      if (p.nextToken() != null) {
        throw new MetadataTableException(
            where("line", line, p.currentTokenLocation().getColumnNr(), null)
                + "text after the object");
      }
    } catch (JsonParseException e) {
      // Jackson's location is past the character it stopped at.
      throw new MetadataTableException(
          where("line", line, Math.max(1, e.getLocation().getColumnNr() - 1), null)
              + e.getOriginalMessage());
    }
    return row;
  }

  private Object jsonValue(JsonParser p, long line, String name, boolean listAllowed)
      throws IOException {
    long column = p.currentTokenLocation().getColumnNr();
    switch (p.currentToken()) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new MetadataTableException(
              where("line", line, column, name) + "integer out of the 64-bit range");
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case START_ARRAY:
        if (listAllowed) {
          List<Object> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            Object item = jsonValue(p, line, name, false);
            if (item == null) {
              throw new MetadataTableException(
                  where("line", line, p.currentTokenLocation().getColumnNr(), name)
                      + "a list item is null (lists hold strings, numbers or booleans)");
            }
            items.add(item);
          }
          return items;
        }
      // fall through: a list inside a list
      default:
        throw new MetadataTableException(
            where("line", line, column, name)
                + (listAllowed ? "an object" : "a nested list or object")
                + " (fields hold strings, numbers, booleans or lists of them)");
    }
  }

  private List<Map<String, Cell>> readParquet() throws IOException {
    Path local;
    Path copied = null;
    if (LocatedFiles.isLocal(file)) {
      local = Path.of(file);
    } else {
      copied = Files.createTempFile("kiln-metadata-", ".parquet");
      try (InputStream in = LocatedFiles.open(file)) {
        Files.copy(in, copied, StandardCopyOption.REPLACE_EXISTING);
      }
      local = copied;
    }
    List<Map<String, Cell>> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(local.toUri()), new Configuration(false)))
            .build()) {
      long line = 0;
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        line++;
        Map<String, Cell> row = new LinkedHashMap<>();
        int c = 0;
        for (Schema.Field f : r.getSchema().getFields()) {
          c++;
          row.put(
              f.name(),
              new Cell(parquetValue(r.get(f.pos()), line, c, f.name(), true), line, c, f.name()));
        }
        rows.add(row);
      }
    } finally {
      if (copied != null) {
        Files.deleteIfExists(copied);
      }
    }
    return rows;
  }

  private Object parquetValue(Object v, long row, int column, String name, boolean listAllowed) {
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Float f) {
      // Through its decimal text, so 0.1f is 0.1 and not 0.10000000149011612.
      return Double.parseDouble(f.toString());
    }
    if (v instanceof List<?> list && listAllowed) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        Object value = parquetValue(item, row, column, name, false);
        if (value == null) {
          throw new MetadataTableException(where("row", row, column, name) + "a list item is null");
        }
        items.add(value);
      }
      return items;
    }
    throw new MetadataTableException(
        where("row", row, column, name)
            + "a "
            + v.getClass().getSimpleName()
            + " (fields hold strings, numbers, booleans or lists of them)");
  }

  /** The rows as label fields by key, with class ids given to class names. */
  private MetadataTable table(List<Map<String, Cell>> rows, Map<String, Integer> classes) {
    Map<String, Integer> ids = classes;
    if (ids == null) {
      TreeSet<String> names = new TreeSet<>();
      for (Map<String, Cell> row : rows) {
        Cell name = row.get("class_name");
        if (name != null && name.value() != null) {
          names.add(text(name));
        }
      }
      ids = new LinkedHashMap<>();
      for (String n : names) {
        ids.put(n, ids.size());
      }
    }
    Map<String, LabelFields> byKey = new LinkedHashMap<>();
    Map<String, Long> firstLine = new LinkedHashMap<>();
    boolean captionColumn = !rows.isEmpty() && rows.get(0).containsKey("caption");
    for (Map<String, Cell> row : rows) {
      Cell keyCell = row.get(keyColumn);
      Cell any = row.values().stream().findFirst().orElse(null);
      if (keyCell == null || keyCell.value() == null || text(keyCell).isEmpty()) {
        long line = any == null ? 0 : any.line();
        throw new MetadataTableException(
            where(rowWord, line, keyCell == null ? "?" : keyCell.column(), keyColumn)
                + "no key"
                + (keyCell == null
                    ? "; the table has no column " + keyColumn + " (--metadata-key)"
                    : ""));
      }
      String key = text(keyCell);
      while (key.startsWith("./")) {
        key = key.substring(2);
      }
      Long before = firstLine.putIfAbsent(key, keyCell.line());
      if (before != null) {
        throw new MetadataTableException(
            where(rowWord, keyCell.line(), keyCell.column(), keyColumn)
                + "duplicate row for "
                + key
                + " (first at "
                + rowWord
                + " "
                + before
                + ")");
      }
      Integer label = null;
      String className = null;
      String caption = null;
      Map<String, Object> extra = new LinkedHashMap<>();
      for (Cell cell : row.values()) {
        String column = cell.name();
        if (column.equals(keyColumn)) {
          continue;
        }
        switch (column) {
          case "label" -> label = labelOf(cell);
          case "class_name" -> className = cell.value() == null ? null : text(cell);
          case "caption" -> caption = cell.value() == null ? null : text(cell);
          case "text" -> {
            if (captionColumn) {
              extra.put(column, cell.value());
            } else {
              caption = cell.value() == null ? null : text(cell);
            }
          }
          default -> extra.put(column, cell.value());
        }
      }
      if (className != null) {
        Integer id = ids.get(className);
        Cell at = row.get("class_name");
        if (id == null) {
          throw new MetadataTableException(
              where(rowWord, at.line(), at.column(), "class_name")
                  + "class "
                  + className
                  + " is not in --classes");
        }
        if (label != null && !label.equals(id)) {
          Cell l = row.get("label");
          throw new MetadataTableException(
              where(rowWord, l.line(), l.column(), "label")
                  + label
                  + ", but class "
                  + className
                  + " has id "
                  + id);
        }
        label = id;
      }
      byKey.put(key, new LabelFields(label, className, caption, extra));
    }
    return new MetadataTable(file, keyColumn, byKey);
  }

  private Integer labelOf(Cell cell) {
    Object v = cell.value();
    if (v == null) {
      return null;
    }
    if (v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    throw new MetadataTableException(
        where(rowWord, cell.line(), cell.column(), "label")
            + v
            + " is not a class id (a non-negative integer); put class names in class_name");
  }

  /**
   * Where a message about this table points: {@code FILE line 3, column 2 (name): }, the unit
   * "line" or "row", without the name in parentheses when {@code name} is null.
   */
  private String where(String unit, long line, Object column, String name) {
    return file
        + " "
        + unit
        + " "
        + line
        + ", column "
        + column
        + (name == null ? "" : " (" + name + ")")
        + ": ";
  }

  private String text(Cell cell) {
    Object v = cell.value();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof List<?>) {
      throw new MetadataTableException(
          where(rowWord, cell.line(), cell.column(), cell.name())
              + "a list where text is expected");
    }
    return String.valueOf(v);
  }
}
