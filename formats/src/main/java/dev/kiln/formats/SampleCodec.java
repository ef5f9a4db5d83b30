package dev.kiln.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The canonical binary form of a {@link Sample}: the Avro binary encoding under {@link #schema()}
 * ({@code sample.avsc}). Any Avro library decodes a record given that schema, which every Kiln
 * dataset carries in its shard headers and manifest ({@link #SCHEMA_JSON}).
 */
public final class SampleCodec {
  /**
   * The sample schema's JSON as Avro writes it ({@code Schema.toString()}): what shard headers and
   * manifests carry. Read from {@code sample.avsc} without Avro's parser ({@link AvroSchemaText});
   * {@code SampleCodecTest} checks that this is Avro's own text of the parsed schema.
   */
  public static final String SCHEMA_JSON = AvroSchemaText.of(SampleCodec.class, "sample.avsc");

  /**
   * The sample schema of datasets written before samples had label fields ({@code label}, {@code
   * class_name}, {@code caption}, {@code extra}); their records decode with those absent.
   */
  public static final String SCHEMA_BEFORE_LABELS_JSON =
      AvroSchemaText.of(SampleCodec.class, "sample-before-labels.avsc");

  /**
   * Whether records under {@code schemaJson} are samples this Kiln decodes: this schema or an
   * earlier one.
   */
  public static boolean decodes(String schemaJson) {
    return SCHEMA_JSON.equals(schemaJson) || SCHEMA_BEFORE_LABELS_JSON.equals(schemaJson);
  }

  /** The image of a sample decoded without its image. */
  private static final byte[] NO_IMAGE = new byte[0];

  private SampleCodec() {}

  /**
   * The sample schema, parsed from {@link #SCHEMA_JSON} on first use (generic records, Avro and
   * Parquet shards).
   */
  public static Schema schema() {
    return Parsed.SCHEMA;
  }

  /** The parsed schema and the record schemas inside it, made on first use. */
  private static final class Parsed {
    static final Schema SCHEMA = new Schema.Parser().parse(SCHEMA_JSON);
    static final Schema BOX = SCHEMA.getField("boxes").schema().getElementType();
    static final Schema SOURCE = SCHEMA.getField("source").schema();
  }

  /** Encodes a sample to Avro binary. */
  public static byte[] encode(Sample sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sample.image().length + 512);
    write(sample, out);
    return out.toByteArray();
  }

  /** Writes the Avro binary encoding of a sample to a stream. */
  public static void write(Sample sample, OutputStream out) {
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      write(sample, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The sample's fields in {@link #schema()} order, through the encoder calls Avro's generic writer
   * makes for them (so the bytes are the same), without building a generic record: Avro's generic
   * writer and reader are interpretive and cost more than the rest of writing a shard, and a run's
   * worth of their code is also what the JIT spent most of a short run compiling.
   */
  private static void write(Sample s, Encoder out) throws IOException {
    out.writeString(s.key());
    out.writeBytes(s.image());
    out.writeString(s.encoding());
    out.writeInt(s.width());
    out.writeInt(s.height());
    out.writeInt(s.channels());
    out.writeArrayStart();
    out.setItemCount(s.labels().size());
    for (String label : s.labels()) {
      out.startItem();
      out.writeString(label);
    }
    out.writeArrayEnd();
    out.writeArrayStart();
    out.setItemCount(s.boxes().size());
    for (Box b : s.boxes()) {
      out.startItem();
      out.writeFloat(b.x0());
      out.writeFloat(b.y0());
      out.writeFloat(b.x1());
      out.writeFloat(b.y1());
      out.writeString(b.label());
      out.writeInt(b.categoryId());
    }
    out.writeArrayEnd();
    SourceInfo src = s.source();
    out.writeString(src.path());
    out.writeLong(src.size());
    out.writeString(src.format());
    out.writeString(src.colourModel());
    out.writeInt(src.bitDepth());
    if (src.iccProfile() == null) {
      out.writeIndex(0); // ["null", "string"]
      out.writeNull();
    } else {
      out.writeIndex(1);
      out.writeString(src.iccProfile());
    }
    out.writeInt(src.orientation());
    out.writeInt(src.width());
    out.writeInt(src.height());
    out.writeInt(src.frames());
    out.writeString(s.contentHash());
    writeLabelFields(s.labelFields(), out);
  }

  /** The fields after {@code content_hash}: label, class_name, caption, extra. */
  private static void writeLabelFields(LabelFields f, Encoder out) throws IOException {
    writeOptional(f.label(), out);
    writeOptional(f.className(), out);
    writeOptional(f.caption(), out);
    out.writeMapStart();
    out.setItemCount(f.extra().size());
    for (Map.Entry<String, Object> e : f.extra().entrySet()) {
      out.startItem();
      out.writeString(e.getKey());
      writeExtraValue(e.getValue(), out);
    }
    out.writeMapEnd();
  }

  /** A ["null", "int"] or ["null", "string"] union's value. */
  private static void writeOptional(Object value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      if (value instanceof Integer i) {
        out.writeInt(i);
      } else {
        out.writeString((String) value);
      }
    }
  }

  // Branches of the extra values' union: null, boolean, long, double, string, array.
  private static final int EXTRA_NULL = 0;
  private static final int EXTRA_LIST = 5;

  private static void writeExtraValue(Object v, Encoder out) throws IOException {
    if (v == null) {
      out.writeIndex(EXTRA_NULL);
      out.writeNull();
    } else if (v instanceof List<?> list) {
      out.writeIndex(EXTRA_LIST);
      out.writeArrayStart();
      out.setItemCount(list.size());
      for (Object item : list) {
        out.startItem();
        // The items' union has no null: boolean, long, double, string.
        out.writeIndex(scalarBranch(item) - 1);
        writeScalar(item, out);
      }
      out.writeArrayEnd();
    } else {
      out.writeIndex(scalarBranch(v));
      writeScalar(v, out);
    }
  }

  private static int scalarBranch(Object v) {
    if (v instanceof Boolean) {
      return 1;
    }
    if (v instanceof Long) {
      return 2;
    }
    if (v instanceof Double) {
      return 3;
    }
    return 4;
  }

  private static void writeScalar(Object v, Encoder out) throws IOException {
    if (v instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (v instanceof Long l) {
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeDouble(d);
    } else {
      out.writeString((String) v);
    }
  }

  /**
   * Reads the fields {@link #writeLabelFields} writes. A record that ends after its content hash
   * was written under the schema before these fields existed: it has none.
   */
  private static LabelFields readLabelFields(Decoder in) throws IOException {
    if (atEnd(in)) {
      return LabelFields.NONE;
    }
    Integer label = readOptional(in) ? in.readInt() : null;
    String className = readOptional(in) ? in.readString() : null;
    String caption = readOptional(in) ? in.readString() : null;
    Map<String, Object> extra = new LinkedHashMap<>();
    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
      for (long i = 0; i < n; i++) {
        String name = in.readString();
        extra.put(name, readExtraValue(in));
      }
    }
    if (label == null && className == null && caption == null && extra.isEmpty()) {
      return LabelFields.NONE;
    }
    return new LabelFields(label, className, caption, extra);
  }

  private static boolean atEnd(Decoder in) throws IOException {
    try {
      return in instanceof BinaryDecoder binary && binary.isEnd();
    } catch (UnsupportedOperationException streamDecoder) {
      // A stream's decoder cannot tell its end; records read from streams are whole records.
      return false;
    }
  }

  /** Whether a ["null", X] union holds an X (to be read next). */
  private static boolean readOptional(Decoder in) throws IOException {
    int branch = in.readIndex();
    if (branch == 0) {
      in.readNull();
      return false;
    }
    if (branch != 1) {
      throw new IOException("optional field union branch " + branch + " (the schema has 2)");
    }
    return true;
  }

  private static Object readExtraValue(Decoder in) throws IOException {
    int branch = in.readIndex();
    if (branch == EXTRA_NULL) {
      in.readNull();
      return null;
    }
    if (branch == EXTRA_LIST) {
      List<Object> items = new ArrayList<>();
      for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
        for (long i = 0; i < n; i++) {
          items.add(readScalar(in.readIndex() + 1, in));
        }
      }
      return items;
    }
    return readScalar(branch, in);
  }

  private static Object readScalar(int branch, Decoder in) throws IOException {
    return switch (branch) {
      case 1 -> in.readBoolean();
      case 2 -> in.readLong();
      case 3 -> in.readDouble();
      case 4 -> in.readString();
      default ->
          throw new IOException("extra value union branch " + branch + " (the schema has 6)");
    };
  }

  /** Decodes one sample from Avro binary bytes. */
  public static Sample decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes one sample from {@code length} bytes of {@code bytes} starting at {@code offset}. */
  public static Sample decode(byte[] bytes, int offset, int length) {
    try {
      checkLengths(DecoderFactory.get().binaryDecoder(bytes, offset, length, null), true, length);
      return read(DecoderFactory.get().binaryDecoder(bytes, offset, length, null), true);
    } catch (IOException | RuntimeException e) {
      String why = e instanceof java.io.EOFException ? "a field runs past its end" : e.getMessage();
      throw new IllegalArgumentException("not a valid Kiln sample record: " + why, e);
    }
  }

  /**
   * Decodes every field of a record but the image, which is skipped rather than copied: what {@link
   * EncodedSample} needs to write the record into a shard and describe it in a catalog. The
   * returned sample's image is empty; {@link #imageLength} tells how long the real one is.
   *
   * @throws IllegalArgumentException if the bytes are not a sample record
   */
  static Sample decodeWithoutImage(byte[] bytes) {
    try {
      return read(DecoderFactory.get().binaryDecoder(bytes, 0, bytes.length, null), false);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid Kiln sample record: " + e.getMessage(), e);
    }
  }

  /** Decodes one sample from a stream positioned at a record. */
  public static Sample read(InputStream in) throws IOException {
    return read(DecoderFactory.get().directBinaryDecoder(in, null), true);
  }

  /**
   * Where the fields after the image begin in the record of a sample with this key and an image of
   * {@code imageLength} bytes: the key and the image come first, each as its length (an Avro
   * variable-length integer) and its bytes.
   */
  public static int fieldsAfterImage(String key, int imageLength) {
    int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
    return varLongSize(keyLength) + keyLength + varLongSize(imageLength) + imageLength;
  }

  /**
   * How many bytes at the start of a record hold its key and its image's length (at most): what
   * {@link #imageLength(ByteBuffer, int)} needs to read.
   */
  public static int imageLengthEnd(String key) {
    int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
    return varLongSize(keyLength) + keyLength + varLongSize(Integer.MAX_VALUE);
  }

  /**
   * Decodes the fields of a record that follow its image, from {@code tail} (the record's bytes
   * from {@link #fieldsAfterImage} on), without the key and image before them: what a carried
   * sample's catalog row needs, read without reading its image. The returned sample has the given
   * key and an empty image.
   *
   * @throws IllegalArgumentException if the bytes are not the end of a sample record
   */
  public static Sample decodeAfterImage(String key, ByteBuffer tail) {
    byte[] bytes = new byte[tail.remaining()];
    tail.duplicate().get(bytes);
    try {
      checkLengths(
          DecoderFactory.get().binaryDecoder(bytes, 0, bytes.length, null), false, bytes.length);
      Decoder in = DecoderFactory.get().binaryDecoder(bytes, 0, bytes.length, null);
      return readAfterImage(in, key, NO_IMAGE);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not the end of a Kiln sample record (" + key + "): " + e.getMessage(), e);
    }
  }

  /**
   * Walks a record's fields as {@link #read} does, skipping every string, byte string and array
   * instead of reading it: a length that runs past the record's end then fails here (end of input)
   * before Avro's decoder allocates it, so a damaged or hostile record cannot ask for gigabytes.
   * Skipping allocates nothing and costs a varint per field. Array items are counted against the
   * record's length too (each takes at least a byte): past its end Avro's decoder reads zeros, so a
   * huge count of empty strings would otherwise be walked item by item.
   */
  private static void checkLengths(Decoder in, boolean withKeyAndImage, int length)
      throws IOException {
    long items = 0;
    if (withKeyAndImage) {
      in.skipString();
      in.skipBytes();
    }
    in.skipString(); // encoding
    in.readInt();
    in.readInt();
    in.readInt();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      items = countItems(items, n, length);
      for (long i = 0; i < n; i++) {
        in.skipString();
      }
    }
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      items = countItems(items, n, length);
      for (long i = 0; i < n; i++) {
        in.skipFixed(16); // x0, y0, x1, y1
        in.skipString();
        in.readInt();
      }
    }
    in.skipString(); // path
    in.readLong();
    in.skipString(); // format
    in.skipString(); // colour model
    in.readInt();
    if (in.readIndex() == 1) {
      in.skipString(); // ICC profile description
    }
    for (int i = 0; i < 4; i++) {
      in.readInt(); // orientation, source width and height, frames
    }
    in.skipString(); // content hash
  }

  private static long countItems(long before, long block, int recordLength) throws IOException {
    long items = before + block;
    if (block < 0 || items > recordLength) {
      throw new IOException(
          "arrays of " + items + " items cannot fit in a " + recordLength + "-byte record");
    }
    return items;
  }

  /** Reads the fields {@link #write(Sample, Encoder)} writes, in the same order. */
  private static Sample read(Decoder in, boolean withImage) throws IOException {
    String key = in.readString();
    byte[] image;
    if (withImage) {
      ByteBuffer buf = in.readBytes(null);
      // A fresh buffer is a heap array of exactly the image: take it rather than copy it.
      image =
          buf.hasArray()
                  && buf.arrayOffset() == 0
                  && buf.position() == 0
                  && buf.array().length == buf.remaining()
              ? buf.array()
              : copyOf(buf);
    } else {
      in.skipBytes();
      image = NO_IMAGE;
    }
    return readAfterImage(in, key, image);
  }

  /** Reads the fields that follow the image in a record. */
  private static Sample readAfterImage(Decoder in, String key, byte[] image) throws IOException {
    String encoding = in.readString();
    int width = in.readInt();
    int height = in.readInt();
    int channels = in.readInt();
    List<String> labels = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        labels.add(in.readString());
      }
    }
    List<Box> boxes = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        float x0 = in.readFloat();
        float y0 = in.readFloat();
        float x1 = in.readFloat();
        float y1 = in.readFloat();
        String label = in.readString();
        boxes.add(new Box(x0, y0, x1, y1, label, in.readInt()));
      }
    }
    String path = in.readString();
    long size = in.readLong();
    String format = in.readString();
    String colourModel = in.readString();
    int bitDepth = in.readInt();
    String icc;
    int branch = in.readIndex();
    if (branch == 0) {
      in.readNull();
      icc = null;
    } else if (branch == 1) {
      icc = in.readString();
    } else {
      throw new IOException("icc_profile union branch " + branch + " (the schema has 2)");
    }
    int orientation = in.readInt();
    int sourceWidth = in.readInt();
    int sourceHeight = in.readInt();
    int frames = in.readInt();
    SourceInfo source =
        new SourceInfo(
            path,
            size,
            format,
            colourModel,
            bitDepth,
            icc,
            orientation,
            sourceWidth,
            sourceHeight,
            frames);
    String contentHash = in.readString();
    return new Sample(
        key,
        image,
        encoding,
        width,
        height,
        channels,
        labels,
        boxes,
        source,
        contentHash,
        readLabelFields(in));
  }

  private static byte[] copyOf(ByteBuffer buf) {
    byte[] bytes = new byte[buf.remaining()];
    buf.duplicate().get(bytes);
    return bytes;
  }

  /**
   * The length of the image in a record, read from its first two fields (the key, then the image's
   * length) without reading the rest: how a sample is measured for shard sizing while its record
   * stays where it is. {@code record}'s position is left unchanged.
   *
   * @throws IllegalArgumentException if the bytes do not start like a sample record
   */
  public static int imageLength(ByteBuffer record) {
    return imageLength(record, record.remaining());
  }

  /**
   * As {@link #imageLength(ByteBuffer)}, from the first bytes of a record of {@code recordLength}
   * bytes ({@link #imageLengthEnd} of them, or the whole record if shorter): the image length of a
   * record that stays where it is costs a read of a few bytes, not of the record.
   *
   * @throws IllegalArgumentException if the bytes do not start like a sample record of that length
   */
  public static int imageLength(ByteBuffer recordStart, int recordLength) {
    ByteBuffer b = recordStart.duplicate();
    int start = b.position();
    try {
      long keyLength = readVarLong(b);
      if (keyLength < 0 || keyLength > b.remaining()) {
        throw new IllegalArgumentException("key length " + keyLength);
      }
      b.position(b.position() + (int) keyLength);
      long imageLength = readVarLong(b);
      if (imageLength < 0 || imageLength > recordLength - (b.position() - start)) {
        throw new IllegalArgumentException("image length " + imageLength);
      }
      return (int) imageLength;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("not a valid Kiln sample record: truncated", e);
    }
  }

  /** How many bytes Avro's variable-length zig-zag encoding of {@code n} takes. */
  private static int varLongSize(long n) {
    long z = (n << 1) ^ (n >> 63);
    int size = 1;
    while ((z & ~0x7FL) != 0) {
      z >>>= 7;
      size++;
    }
    return size;
  }

  /**
   * An Avro {@code long}: a zig-zag variable-length integer (the Avro specification's encoding).
   */
  private static long readVarLong(ByteBuffer b) {
    long n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b.get();
      n |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new IllegalArgumentException(
        "not a valid Kiln sample record: varint longer than 10 bytes");
  }

  /** The sample as an Avro generic record under {@link #schema()}. */
  public static GenericRecord toRecord(Sample s) {
    GenericRecord r = new GenericData.Record(Parsed.SCHEMA);
    r.put("key", s.key());
    r.put("image", ByteBuffer.wrap(s.image()));
    r.put("encoding", s.encoding());
    r.put("width", s.width());
    r.put("height", s.height());
    r.put("channels", s.channels());
    r.put("labels", new ArrayList<CharSequence>(s.labels()));
    r.put("boxes", boxRecords(s.boxes(), Parsed.BOX));
    SourceInfo src = s.source();
    GenericRecord sr = new GenericData.Record(Parsed.SOURCE);
    sr.put("path", src.path());
    sr.put("size", src.size());
    sr.put("format", src.format());
    sr.put("colour_model", src.colourModel());
    sr.put("bit_depth", src.bitDepth());
    sr.put("icc_profile", src.iccProfile());
    sr.put("orientation", src.orientation());
    sr.put("width", src.width());
    sr.put("height", src.height());
    sr.put("frames", src.frames());
    r.put("source", sr);
    r.put("content_hash", s.contentHash());
    r.put("label", s.label());
    r.put("class_name", s.className());
    r.put("caption", s.caption());
    // Avro's generic writer picks a union branch by the value's type; lists must be Lists.
    r.put("extra", new LinkedHashMap<>(s.labelFields().extra()));
    return r;
  }

  /**
   * Boxes as Avro records of {@code boxSchema}, any record schema with the fields x0, y0, x1, y1
   * (float), label (string) and category_id (int), as the sample and catalog schemas have.
   */
  public static List<GenericRecord> boxRecords(List<Box> boxes, Schema boxSchema) {
    List<GenericRecord> records = new ArrayList<>(boxes.size());
    for (Box b : boxes) {
      GenericRecord br = new GenericData.Record(boxSchema);
      br.put("x0", b.x0());
      br.put("y0", b.y0());
      br.put("x1", b.x1());
      br.put("y1", b.y1());
      br.put("label", b.label());
      br.put("category_id", b.categoryId());
      records.add(br);
    }
    return records;
  }

  /** The boxes that Avro records of a {@link #boxRecords} schema hold, in their order. */
  public static List<Box> boxesOf(List<?> records) {
    List<Box> boxes = new ArrayList<>(records.size());
    for (Object o : records) {
      GenericRecord b = (GenericRecord) o;
      boxes.add(
          new Box(
              (Float) b.get("x0"),
              (Float) b.get("y0"),
              (Float) b.get("x1"),
              (Float) b.get("y1"),
              b.get("label").toString(),
              (Integer) b.get("category_id")));
    }
    return boxes;
  }

  /** The sample held by an Avro generic record under {@link #schema()}. */
  public static Sample fromRecord(GenericRecord r) {
    ByteBuffer buf = (ByteBuffer) r.get("image");
    byte[] image = new byte[buf.remaining()];
    buf.duplicate().get(image);
    List<String> labels = new ArrayList<>();
    for (Object o : (List<?>) r.get("labels")) {
      labels.add(o.toString());
    }
    List<Box> boxes = boxesOf((List<?>) r.get("boxes"));
    GenericRecord sr = (GenericRecord) r.get("source");
    Object icc = sr.get("icc_profile");
    SourceInfo source =
        new SourceInfo(
            sr.get("path").toString(),
            (Long) sr.get("size"),
            sr.get("format").toString(),
            sr.get("colour_model").toString(),
            (Integer) sr.get("bit_depth"),
            icc == null ? null : icc.toString(),
            (Integer) sr.get("orientation"),
            (Integer) sr.get("width"),
            (Integer) sr.get("height"),
            (Integer) sr.get("frames"));
    return new Sample(
        r.get("key").toString(),
        image,
        r.get("encoding").toString(),
        (Integer) r.get("width"),
        (Integer) r.get("height"),
        (Integer) r.get("channels"),
        labels,
        boxes,
        source,
        r.get("content_hash").toString(),
        labelFieldsOf(r));
  }

  /** The label fields of a generic record (none when its schema predates them). */
  private static LabelFields labelFieldsOf(GenericRecord r) {
    if (r.getSchema().getField("label") == null) {
      return LabelFields.NONE;
    }
    Object label = r.get("label");
    Object className = r.get("class_name");
    Object caption = r.get("caption");
    Map<String, Object> extra = new LinkedHashMap<>();
    Object map = r.get("extra");
    if (map instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        extra.put(e.getKey().toString(), genericValue(e.getValue()));
      }
    }
    LabelFields f =
        new LabelFields(
            (Integer) label,
            className == null ? null : className.toString(),
            caption == null ? null : caption.toString(),
            extra);
    return f.isEmpty() ? LabelFields.NONE : f;
  }

  private static Object genericValue(Object v) {
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(genericValue(item));
      }
      return items;
    }
    return v;
  }
}
