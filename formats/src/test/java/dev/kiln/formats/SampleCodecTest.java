package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link SampleCodec} writes and reads the sample fields itself; these tests hold it to Avro's
 * generic writer and reader under {@code sample.avsc}, which any Avro library matches.
 */
class SampleCodecTest {

  /** Samples with every field exercised: empty and long lists, null ICC, non-ASCII text. */
  static List<Sample> samples() {
    Random rnd = new Random(42);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      byte[] image = new byte[i == 0 ? 0 : rnd.nextInt(i < 50 ? 300 : 70_000)];
      rnd.nextBytes(image);
      List<String> labels = new ArrayList<>();
      for (int l = 0; l < i % 4; l++) {
        labels.add("label-" + l + (i % 2 == 0 ? "" : "-é猫"));
      }
      List<Box> boxes = new ArrayList<>();
      // 70 boxes: more than one varint byte of item count.
      for (int b = 0; b < (i == 7 ? 70 : i % 3); b++) {
        boxes.add(new Box(-b - 0.5f, b * 1e-3f, Float.MAX_VALUE, b, "obj" + b, b - 1));
      }
      SourceInfo source =
          new SourceInfo(
              "/in/" + i + (i % 5 == 0 ? "/日本 🐱.jpg" : ".png"),
              i == 3 ? Long.MAX_VALUE : 1000L * i,
              "jpeg",
              i % 2 == 0 ? "rgb" : "gray",
              8 << (i % 2),
              i % 3 == 0 ? null : "sRGB IEC61966-2.1",
              1 + i % 8,
              640 + i,
              480 - i,
              1 + i % 2);
      samples.add(
          new Sample(
              "k/" + i + (i % 6 == 0 ? "/ü" : ""),
              image,
              i % 2 == 0 ? "jpeg" : "png",
              256 + i,
              -i,
              3 + i % 2,
              labels,
              boxes,
              source,
              i % 9 == 0 ? "" : String.format("%064x", i),
              labelFields(i)));
    }
    return samples;
  }

  /** None, or a class, caption and extra fields of every type the schema has. */
  static LabelFields labelFields(int i) {
    if (i % 4 == 0) {
      return LabelFields.NONE;
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("score", i * 0.25);
    extra.put("n", (long) -i);
    extra.put("ok", i % 2 == 0);
    extra.put("note", i % 3 == 0 ? null : "a, \"b\" ü 猫");
    extra.put("tags", i % 3 == 1 ? List.of() : List.of("x", 2L, 0.5, false));
    return new LabelFields(
        i % 3 == 0 ? null : i,
        i % 2 == 0 ? "class " + i : null,
        i % 5 == 0 ? null : "caption 🐱 " + i,
        i == 2 ? Map.of() : extra);
  }

  static byte[] genericEncode(Sample s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(SampleCodec.schema())
        .write(SampleCodec.toRecord(s), encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Test
  void schemaJsonIsAvrosOwnTextOfTheSchemaFile() throws IOException {
    // SCHEMA_JSON is sample.avsc written compactly, never parsed by Avro: that is Avro's own text
    // only while the file keeps Avro's order of keys ("type", "name", "namespace", "doc", "fields";
    // "name", "type", "doc", "default"). Reorder the file if this fails.
    String avsc;
    try (var in = SampleCodec.class.getResourceAsStream("sample.avsc")) {
      avsc = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertEquals(new Schema.Parser().parse(avsc).toString(), SampleCodec.SCHEMA_JSON);
    assertEquals(SampleCodec.schema().toString(), SampleCodec.SCHEMA_JSON);
  }

  @Test
  void encodesTheBytesAvrosGenericWriterWrites() throws IOException {
    for (Sample s : samples()) {
      assertArrayEquals(genericEncode(s), SampleCodec.encode(s), s.key());
    }
  }

  @Test
  void decodesWhatAvrosGenericWriterWritesAndAvroReadsWhatItWrites() throws IOException {
    for (Sample s : samples()) {
      assertEquals(s, SampleCodec.decode(genericEncode(s)), s.key());
      byte[] ours = SampleCodec.encode(s);
      GenericRecord read =
          new GenericDatumReader<GenericRecord>(SampleCodec.schema())
              .read(null, DecoderFactory.get().binaryDecoder(ours, null));
      assertEquals(s, SampleCodec.fromRecord(read), s.key());
      assertEquals(s, SampleCodec.read(new ByteArrayInputStream(ours)), s.key());
      assertEquals(s.source().iccProfile(), SampleCodec.decode(ours).source().iccProfile());
    }
  }

  @Test
  void decodesArraysWrittenInSeveralBlocksWithByteCounts() throws IOException {
    // Avro writers may split an array into blocks, a negative count followed by a byte size.
    Sample s = samples().get(5);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    e.writeString(s.key());
    e.writeBytes(s.image());
    e.writeString(s.encoding());
    e.writeInt(s.width());
    e.writeInt(s.height());
    e.writeInt(s.channels());
    e.writeLong(-1); // labels: one block of one item, with its size
    e.writeLong(2);
    e.writeString("a");
    e.writeLong(1);
    e.writeString("b");
    e.writeLong(0);
    e.writeLong(0); // boxes: none
    SourceInfo src = s.source();
    e.writeString(src.path());
    e.writeLong(src.size());
    e.writeString(src.format());
    e.writeString(src.colourModel());
    e.writeInt(src.bitDepth());
    e.writeIndex(0);
    e.writeInt(src.orientation());
    e.writeInt(src.width());
    e.writeInt(src.height());
    e.writeInt(src.frames());
    e.writeString(s.contentHash());
    e.flush();
    Sample decoded = SampleCodec.decode(out.toByteArray());
    assertEquals(List.of("a", "b"), decoded.labels());
    assertArrayEquals(s.image(), decoded.image());
  }

  @Test
  void encodedSamplesReadTheirFieldsWithoutTheImage() {
    for (Sample s : samples()) {
      byte[] record = SampleCodec.encode(s);
      EncodedSample parsed = EncodedSample.parse(record);
      assertSame(record, parsed.record(), "bytes taken as they are");
      assertEquals(s.key(), parsed.key());
      assertEquals(s.image().length, parsed.imageLength());
      assertEquals(s.image().length, SampleCodec.imageLength(ByteBuffer.wrap(record)));
      assertEquals(s.contentHash(), parsed.contentHash());
      assertEquals(
          CatalogEntry.of(s, "shard-00000.kiln", 4096, record.length),
          parsed.catalogEntry("shard-00000.kiln", 4096, record.length));
      assertEquals(s, parsed.sample());

      EncodedSample encoded = EncodedSample.of(s);
      assertArrayEquals(record, encoded.record());
      assertSame(s, encoded.sample(), "a sample it was made from is not decoded again");
      assertEquals(parsed.catalogEntry("x", 0, 1), encoded.catalogEntry("x", 0, 1));
    }
  }

  @Test
  void imageLengthReadsInPlaceFromAnyPosition() {
    Sample s = samples().get(55);
    byte[] record = SampleCodec.encode(s);
    ByteBuffer view = ByteBuffer.allocateDirect(record.length + 10);
    view.position(10);
    view.put(record).position(10);
    assertEquals(s.image().length, SampleCodec.imageLength(view.asReadOnlyBuffer()));
    assertEquals(10, view.position(), "position unchanged");
  }

  @Test
  void truncatedOrForeignBytesAreRejected() {
    byte[] record = SampleCodec.encode(samples().get(12));
    for (int cut : new int[] {0, 1, 5, record.length / 2, record.length - 1}) {
      byte[] truncated = Arrays.copyOf(record, cut);
      assertThrows(
          IllegalArgumentException.class, () -> SampleCodec.decode(truncated), "cut at " + cut);
      assertThrows(
          IllegalArgumentException.class, () -> EncodedSample.parse(truncated), "cut at " + cut);
    }
    byte[] negativeKeyLength = {0x01, 0x00};
    assertThrows(IllegalArgumentException.class, () -> SampleCodec.decode(negativeKeyLength));
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleCodec.imageLength(ByteBuffer.wrap(negativeKeyLength)));
    byte[] endlessVarint = new byte[12];
    Arrays.fill(endlessVarint, (byte) 0xff);
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleCodec.imageLength(ByteBuffer.wrap(endlessVarint)));
  }
}
