package dev.kiln.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The canonical binary form of a {@link Sample}: the Avro binary encoding under {@link #SCHEMA}
 * ({@code sample.avsc}). Any Avro library decodes a record given that schema, which every Kiln
 * dataset carries in its shard headers and manifest.
 */
public final class SampleCodec {
  /** The sample schema, loaded once from {@code dev/kiln/formats/sample.avsc}. */
  public static final Schema SCHEMA = loadSchema();

  private static final Schema BOX = SCHEMA.getField("boxes").schema().getElementType();
  private static final Schema SOURCE = SCHEMA.getField("source").schema();

  private SampleCodec() {}

  private static Schema loadSchema() {
    try (InputStream in = SampleCodec.class.getResourceAsStream("sample.avsc")) {
      if (in == null) {
        throw new IllegalStateException("sample.avsc missing from the kiln-formats jar");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      new GenericDatumWriter<GenericRecord>(SCHEMA).write(toRecord(sample), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes one sample from Avro binary bytes. */
  public static Sample decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes one sample from {@code length} bytes of {@code bytes} starting at {@code offset}. */
  public static Sample decode(byte[] bytes, int offset, int length) {
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, null);
      return fromRecord(new GenericDatumReader<GenericRecord>(SCHEMA).read(null, decoder));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid Kiln sample record: " + e.getMessage(), e);
    }
  }

  /** Decodes one sample from a stream positioned at a record. */
  public static Sample read(InputStream in) throws IOException {
    BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
    return fromRecord(new GenericDatumReader<GenericRecord>(SCHEMA).read(null, decoder));
  }

  /** The sample as an Avro generic record under {@link #SCHEMA}. */
  public static GenericRecord toRecord(Sample s) {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("key", s.key());
    r.put("image", ByteBuffer.wrap(s.image()));
    r.put("encoding", s.encoding());
    r.put("width", s.width());
    r.put("height", s.height());
    r.put("channels", s.channels());
    r.put("labels", new ArrayList<CharSequence>(s.labels()));
    r.put("boxes", boxRecords(s.boxes(), BOX));
    SourceInfo src = s.source();
    GenericRecord sr = new GenericData.Record(SOURCE);
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

  /** The sample held by an Avro generic record under {@link #SCHEMA}. */
  public static Sample fromRecord(GenericRecord r) {
    ByteBuffer buf = (ByteBuffer) r.get("image");
    byte[] image = new byte[buf.remaining()];
    buf.duplicate().get(image);
    List<String> labels = new ArrayList<>();
    for (Object o : (List<?>) r.get("labels")) {
      labels.add(o.toString());
    }
    List<Box> boxes = new ArrayList<>();
    for (Object o : (List<?>) r.get("boxes")) {
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
        r.get("content_hash").toString());
  }
}
