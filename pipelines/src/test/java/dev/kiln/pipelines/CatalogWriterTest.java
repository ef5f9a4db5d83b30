package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog.parquet is written field by field, without Avro's generic records: it must be the very
 * file Beam's ParquetIO writes from generic records of the catalog schema, as it always was.
 */
class CatalogWriterTest {
  @TempDir Path tmp;

  static List<CatalogEntry> entries(int n) {
    List<CatalogEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> labels = new ArrayList<>();
      for (int l = 0; l < i % 3; l++) {
        labels.add(l == 1 ? "猫 " + i : "label-" + l);
      }
      List<Box> boxes = new ArrayList<>();
      for (int b = 0; b < i % 4; b++) {
        boxes.add(new Box(b * 0.5f, -b, 100.25f + b, Float.MAX_VALUE, b == 2 ? "" : "obj" + b, b - 1));
      }
      entries.add(
          new CatalogEntry(
              "k/" + i, "shard-0000" + i % 3 + ".kiln", 4096L * (i + 1), 1000 + i, labels, 256,
              192 + i % 2, boxes, "/in/" + i + (i % 5 == 0 ? "/ü.jpg" : ".png"),
              String.format("%064x", i)));
    }
    return entries;
  }

  /** The catalog as Beam's ParquetIO wrote it from generic records. */
  static void writeWithParquetIo(Path file, List<CatalogEntry> entries) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ParquetIO.Sink sink = ParquetIO.sink(CatalogWriter.schema());
      sink.open(channel);
      for (CatalogEntry e : entries) {
        GenericRecord r = new GenericData.Record(CatalogWriter.schema());
        r.put("key", e.key());
        r.put("shard", e.shard());
        r.put("offset", e.offset());
        r.put("length", e.length());
        r.put("labels", new ArrayList<CharSequence>(e.labels()));
        r.put("width", e.width());
        r.put("height", e.height());
        r.put("boxes", SampleCodec.boxRecords(e.boxes(), CatalogWriter.boxSchema()));
        r.put("source_path", e.sourcePath());
        r.put("content_hash", e.contentHash());
        sink.write(r);
      }
      sink.flush();
    }
  }

  @Test
  void writtenOutSchemasAreTheConvertedAvroSchema() {
    assertEquals(
        new AvroSchemaConverter().convert(CatalogWriter.schema()),
        CatalogWriter.CatalogWriteSupport.PARQUET_SCHEMA);
    // SCHEMA_JSON is catalog.avsc written compactly, never parsed by Avro: that is Avro's own text
    // only while the file keeps Avro's order of keys. Reorder the file if this fails.
    assertEquals(CatalogWriter.schema().toString(), CatalogWriter.SCHEMA_JSON);
  }

  @Test
  void writesTheFileParquetIoWritesFromGenericRecords() throws IOException {
    for (int n : new int[] {0, 1, 37, 3000}) {
      List<CatalogEntry> entries = entries(n);
      Path dir = Files.createDirectories(tmp.resolve("n" + n));
      try (CatalogWriter w = CatalogWriter.open(dir)) {
        for (CatalogEntry e : entries) {
          w.write(e);
        }
      }
      Path reference = tmp.resolve("reference-" + n + ".parquet");
      writeWithParquetIo(reference, entries);
      assertArrayEquals(
          Files.readAllBytes(reference), Files.readAllBytes(dir.resolve(CatalogWriter.FILE_NAME)),
          n + " rows");
      try (var left = Files.list(dir)) {
        assertEquals(List.of(dir.resolve(CatalogWriter.FILE_NAME)), left.toList(), "no temporary file left");
      }
    }
  }

  @Test
  void avroReadersReadTheRowsBack() throws IOException {
    List<CatalogEntry> entries = entries(50);
    try (CatalogWriter w = CatalogWriter.open(tmp)) {
      for (CatalogEntry e : entries) {
        w.write(e);
      }
    }
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(tmp.resolve(CatalogWriter.FILE_NAME).toUri());
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(file, new Configuration()))
            .build()) {
      for (CatalogEntry e : entries) {
        GenericRecord r = reader.read();
        assertEquals(e.key(), r.get("key").toString());
        assertEquals(e.offset(), r.get("offset"));
        assertEquals(e.labels(), ((List<?>) r.get("labels")).stream().map(Object::toString).toList());
        List<?> boxes = (List<?>) r.get("boxes");
        assertEquals(e.boxes().size(), boxes.size());
        for (int b = 0; b < boxes.size(); b++) {
          GenericRecord box = (GenericRecord) boxes.get(b);
          assertEquals(e.boxes().get(b).x1(), box.get("x1"));
          assertEquals(e.boxes().get(b).label(), box.get("label").toString());
          assertEquals(e.boxes().get(b).categoryId(), box.get("category_id"));
        }
        assertEquals(e.contentHash(), r.get("content_hash").toString());
      }
    }
  }
}
