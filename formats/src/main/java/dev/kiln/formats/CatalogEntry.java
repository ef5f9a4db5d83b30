package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row of a dataset's {@code catalog.parquet}: where a sample is stored and what it is, so the
 * dataset can be queried from DuckDB, Spark or pandas without opening shards.
 *
 * @param key the sample key
 * @param shard shard file name
 * @param offset byte offset of the sample's record (kiln) or image member data (webdataset) in the
 *     shard; -1 for formats without addressable records (avro, parquet)
 * @param length byte length at {@code offset}; -1 when {@code offset} is -1
 * @param labelFields the sample's class, caption and extra fields
 */
public record CatalogEntry(
    String key,
    String shard,
    long offset,
    long length,
    List<String> labels,
    int width,
    int height,
    List<Box> boxes,
    String sourcePath,
    String contentHash,
    LabelFields labelFields) {
  public CatalogEntry {
    labels = List.copyOf(labels);
    boxes = List.copyOf(boxes);
    labelFields = labelFields == null ? LabelFields.NONE : labelFields;
  }

  /** A row of a sample without class, caption or extra fields. */
  public CatalogEntry(
      String key,
      String shard,
      long offset,
      long length,
      List<String> labels,
      int width,
      int height,
      List<Box> boxes,
      String sourcePath,
      String contentHash) {
    this(
        key,
        shard,
        offset,
        length,
        labels,
        width,
        height,
        boxes,
        sourcePath,
        contentHash,
        LabelFields.NONE);
  }

  /** The catalog row of a sample stored at {@code offset}/{@code length} of {@code shard}. */
  public static CatalogEntry of(Sample s, String shard, long offset, long length) {
    return new CatalogEntry(
        s.key(),
        shard,
        offset,
        length,
        s.labels(),
        s.width(),
        s.height(),
        s.boxes(),
        s.source().path(),
        s.contentHash(),
        s.labelFields());
  }

  /** The longest string {@link #readFrom} accepts. */
  private static final int MAX_STRING_BYTES = 1 << 20;

  /** This row for a sample stored at {@code offset}/{@code length} of {@code shard}. */
  public CatalogEntry at(String shard, long offset, long length) {
    return new CatalogEntry(
        key,
        shard,
        offset,
        length,
        labels,
        width,
        height,
        boxes,
        sourcePath,
        contentHash,
        labelFields);
  }

  /**
   * Writes the row in Kiln's binary form: each field in order, strings as their UTF-8 length and
   * bytes, lists as their size and items ({@link #readFrom} reads it back).
   */
  public void writeTo(DataOutput out) throws IOException {
    writeString(out, key);
    writeString(out, shard);
    out.writeLong(offset);
    out.writeLong(length);
    out.writeInt(labels.size());
    for (String label : labels) {
      writeString(out, label);
    }
    out.writeInt(width);
    out.writeInt(height);
    out.writeInt(boxes.size());
    for (Box b : boxes) {
      out.writeFloat(b.x0());
      out.writeFloat(b.y0());
      out.writeFloat(b.x1());
      out.writeFloat(b.y1());
      writeString(out, b.label());
      out.writeInt(b.categoryId());
    }
    writeString(out, sourcePath);
    writeString(out, contentHash);
    out.writeInt(labelFields.label() == null ? -1 : 1);
    if (labelFields.label() != null) {
      out.writeInt(labelFields.label());
    }
    writeNullable(out, labelFields.className());
    writeNullable(out, labelFields.caption());
    writeString(out, labelFields.extra().isEmpty() ? "" : labelFields.extraJson());
  }

  /**
   * Reads a row {@link #writeTo} wrote.
   *
   * @throws IOException if the bytes end early or hold a negative count
   */
  public static CatalogEntry readFrom(DataInput in) throws IOException {
    String key = readString(in);
    String shard = readString(in);
    long offset = in.readLong();
    long length = in.readLong();
    List<String> labels = new ArrayList<>();
    for (int n = count(in); n > 0; n--) {
      labels.add(readString(in));
    }
    int width = in.readInt();
    int height = in.readInt();
    List<Box> boxes = new ArrayList<>();
    for (int n = count(in); n > 0; n--) {
      float x0 = in.readFloat();
      float y0 = in.readFloat();
      float x1 = in.readFloat();
      float y1 = in.readFloat();
      String label = readString(in);
      boxes.add(new Box(x0, y0, x1, y1, label, in.readInt()));
    }
    String sourcePath = readString(in);
    String contentHash = readString(in);
    Integer label = in.readInt() < 0 ? null : in.readInt();
    String className = readNullable(in);
    String caption = readNullable(in);
    String extra = readString(in);
    LabelFields fields;
    try {
      fields =
          new LabelFields(
              label,
              className,
              caption,
              extra.isEmpty() ? Map.of() : LabelFields.parseExtra(extra));
    } catch (IllegalArgumentException e) {
      throw new IOException("a catalog row's extra fields are damaged: " + e.getMessage(), e);
    }
    return new CatalogEntry(
        key,
        shard,
        offset,
        length,
        labels,
        width,
        height,
        boxes,
        sourcePath,
        contentHash,
        fields.isEmpty() ? LabelFields.NONE : fields);
  }

  private static void writeNullable(DataOutput out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readNullable(DataInput in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static int count(DataInput in) throws IOException {
    return LengthPrefixed.readCount(in, "a catalog row");
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    LengthPrefixed.writeString(out, s);
  }

  private static String readString(DataInput in) throws IOException {
    // A longer length is damage: no key, path, label or hash is this long.
    return LengthPrefixed.readString(in, MAX_STRING_BYTES, "a catalog row");
  }

  public String toJsonLine() {
    return JsonLines.write(
        g -> {
          g.writeStringField("key", key);
          g.writeStringField("shard", shard);
          g.writeNumberField("offset", offset);
          g.writeNumberField("length", length);
          g.writeArrayFieldStart("labels");
          for (String label : labels) {
            g.writeString(label);
          }
          g.writeEndArray();
          g.writeNumberField("width", width);
          g.writeNumberField("height", height);
          g.writeArrayFieldStart("boxes");
          for (Box box : boxes) {
            g.writeStartObject();
            g.writeNumberField("x0", box.x0());
            g.writeNumberField("y0", box.y0());
            g.writeNumberField("x1", box.x1());
            g.writeNumberField("y1", box.y1());
            g.writeStringField("label", box.label());
            g.writeNumberField("category_id", box.categoryId());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("source_path", sourcePath);
          g.writeStringField("content_hash", contentHash);
          if (!labelFields.isEmpty()) {
            writeLabelFields(g, labelFields);
          }
        });
  }

  public static CatalogEntry fromJsonLine(String line) {
    String[] text = {"", "", "", ""};
    long[] numbers = {0, 0, 0, 0};
    List<String> labels = new ArrayList<>();
    List<Box> boxes = new ArrayList<>();
    LabelFields[] fields = {LabelFields.NONE};
    try {
      JsonLines.read(
          line,
          (name, p) -> {
            switch (name) {
              case "key" -> text[0] = JsonLines.text(p);
              case "shard" -> text[1] = JsonLines.text(p);
              case "source_path" -> text[2] = JsonLines.text(p);
              case "content_hash" -> text[3] = JsonLines.text(p);
              case "offset" -> numbers[0] = p.getValueAsLong();
              case "length" -> numbers[1] = p.getValueAsLong();
              case "width" -> numbers[2] = p.getValueAsInt();
              case "height" -> numbers[3] = p.getValueAsInt();
              case "labels" -> readLabels(p, labels);
              case "boxes" -> readBoxes(p, boxes);
              case "label" ->
                  fields[0] =
                      fields[0].withClass(
                          p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsInt(),
                          fields[0].className());
              case "class_name" ->
                  fields[0] = fields[0].withClass(fields[0].label(), nullableText(p));
              case "caption" ->
                  fields[0] =
                      new LabelFields(
                          fields[0].label(),
                          fields[0].className(),
                          nullableText(p),
                          fields[0].extra());
              case "extra" ->
                  fields[0] =
                      new LabelFields(
                          fields[0].label(),
                          fields[0].className(),
                          fields[0].caption(),
                          LabelFields.readExtra(p));
              default -> p.skipChildren();
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("not a catalog line: " + line, e);
    }
    return new CatalogEntry(
        text[0],
        text[1],
        numbers[0],
        numbers[1],
        labels,
        (int) numbers[2],
        (int) numbers[3],
        boxes,
        text[2],
        text[3],
        fields[0].isEmpty() ? LabelFields.NONE : fields[0]);
  }

  /**
   * Writes a sample's label, class_name, caption (when present) and extra (when not empty) fields:
   * the catalog's JSON lines and WebDataset's {@code <key>.json} members.
   */
  static void writeLabelFields(JsonGenerator g, LabelFields f) throws IOException {
    if (f.label() != null) {
      g.writeNumberField("label", f.label());
    }
    if (f.className() != null) {
      g.writeStringField("class_name", f.className());
    }
    if (f.caption() != null) {
      g.writeStringField("caption", f.caption());
    }
    if (!f.extra().isEmpty()) {
      g.writeFieldName("extra");
      LabelFields.writeExtra(g, f.extra());
    }
  }

  private static String nullableText(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? null : JsonLines.text(p);
  }

  private static void readLabels(JsonParser p, List<String> labels) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      labels.add(JsonLines.text(p));
      p.skipChildren();
    }
  }

  private static void readBoxes(JsonParser p, List<Box> boxes) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      float[] corners = new float[4];
      String label = "";
      int category = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "x0" -> corners[0] = (float) p.getValueAsDouble();
          case "y0" -> corners[1] = (float) p.getValueAsDouble();
          case "x1" -> corners[2] = (float) p.getValueAsDouble();
          case "y1" -> corners[3] = (float) p.getValueAsDouble();
          case "label" -> label = JsonLines.text(p);
          case "category_id" -> category = p.getValueAsInt();
          default -> p.skipChildren();
        }
      }
      boxes.add(new Box(corners[0], corners[1], corners[2], corners[3], label, category));
    }
  }
}
