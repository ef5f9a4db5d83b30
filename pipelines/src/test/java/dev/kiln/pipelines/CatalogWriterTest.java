package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog.parquet: Parquet readers must read from it the very rows, schema and Avro schema they
 * read from a file Beam's ParquetIO writes from generic records of the catalog schema built here,
 * field by field, independently of {@link CatalogWriter#record}.
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
        boxes.add(
            new Box(b * 0.5f, -b, 100.25f + b, Float.MAX_VALUE, b == 2 ? "" : "obj" + b, b - 1));
      }
      entries.add(
          new CatalogEntry(
              "k/" + i,
              "shard-0000" + i % 3 + ".kiln",
              4096L * (i + 1),
              1000 + i,
              labels,
              256,
              192 + i % 2,
              boxes,
              "/in/" + i + (i % 5 == 0 ? "/ü.jpg" : ".png"),
              String.format("%064x", i),
              labelFields(i)));
    }
    return entries;
  }

  /** Every combination of present and absent class, caption and extra fields over 16 rows. */
  private static LabelFields labelFields(int i) {
    Map<String, Object> extra = new LinkedHashMap<>();
    if ((i & 8) != 0) {
      extra.put("score", i / 4.0);
      extra.put("tags", List.of("a,b", "\"ü\""));
      extra.put("n", (long) i);
      extra.put("empty", null);
    }
    return new LabelFields(
        (i & 1) != 0 ? i : null,
        (i & 2) != 0 ? "class " + i : null,
        (i & 4) != 0 ? "a caption, \"quoted\" 猫" : null,
        extra);
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
        LabelFields f = e.labelFields();
        r.put("label", f.label());
        r.put("class_name", f.className());
        r.put("caption", f.caption());
        r.put("extra", f.extra().isEmpty() ? null : f.extraJson());
        sink.write(r);
      }
      sink.flush();
    }
  }

  /** The rows of a Parquet file as parquet-avro reads them, each page's CRC checked. */
  static List<GenericRecord> readRows(Path file) throws IOException {
    Configuration conf = new Configuration(false);
    conf.setBoolean("parquet.page.verify-checksum.enabled", true);
    List<GenericRecord> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf))
            .withConf(conf)
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        rows.add(r);
      }
    }
    return rows;
  }

  static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))) {
      return reader.getFooter();
    }
  }

  private Path writeCatalog(String name, List<CatalogEntry> entries, int rowsPerGroup)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    CatalogWriter.write(dir, entries, null, rowsPerGroup);
    try (var left = Files.list(dir)) {
      assertEquals(
          List.of(dir.resolve(CatalogWriter.FILE_NAME)), left.toList(), "no temporary file left");
    }
    return dir.resolve(CatalogWriter.FILE_NAME);
  }

  @Test
  void fileHasTheConvertedAvroSchemaAndTheAvroSchemaInItsFooter() throws IOException {
    // SCHEMA_JSON is catalog.avsc written compactly, never parsed by Avro: that is Avro's own text
    // only while the file keeps Avro's order of keys. Reorder the file if this fails.
    assertEquals(CatalogWriter.schema().toString(), CatalogWriter.SCHEMA_JSON);
    ParquetMetadata footer =
        footer(writeCatalog("schema", entries(3), CatalogWriter.ROWS_PER_GROUP));
    assertEquals(
        new AvroSchemaConverter().convert(CatalogWriter.schema()),
        footer.getFileMetaData().getSchema());
    assertEquals(
        CatalogWriter.SCHEMA_JSON,
        footer.getFileMetaData().getKeyValueMetaData().get("parquet.avro.schema"));
    assertEquals(3, footer.getBlocks().get(0).getRowCount());
  }

  @Test
  void avroReadersReadTheRowsParquetIoWroteFromGenericRecords() throws IOException {
    for (int n : new int[] {0, 1, 37, 3000}) {
      List<CatalogEntry> entries = entries(n);
      Path written = writeCatalog("n" + n, entries, CatalogWriter.ROWS_PER_GROUP);
      Path reference = tmp.resolve("reference-" + n + ".parquet");
      writeWithParquetIo(reference, entries);
      List<GenericRecord> expected = readRows(reference);
      assertEquals(n, expected.size());
      assertEquals(expected, readRows(written), n + " rows");
    }
  }

  @Test
  void manyRowsSpanPagesAndRowGroups() throws IOException {
    // 40,000 rows: a group of 2,048 rows each, and in groups of 40,000 each string column's
    // values pass the 1 MiB at which a page ends.
    List<CatalogEntry> entries = entries(40_000);
    Path file = writeCatalog("many", entries, CatalogWriter.ROWS_PER_GROUP);
    ParquetMetadata footer = footer(file);
    assertEquals(20, footer.getBlocks().size());
    assertEquals(1088, footer.getBlocks().get(19).getRowCount());
    assertEquals(40_000, footer.getBlocks().stream().mapToLong(b -> b.getRowCount()).sum());
    List<GenericRecord> rows = readRows(file);
    assertEquals(entries.size(), rows.size());
    for (int i = 0; i < entries.size(); i++) {
      assertRow(entries.get(i), rows.get(i));
    }
    Path onePerGroup = writeCatalog("big-groups", entries, 40_000);
    assertEquals(1, footer(onePerGroup).getBlocks().size());
    assertTrue(
        footer(onePerGroup).getBlocks().get(0).getColumns().get(14).getTotalUncompressedSize()
            > 2 << 20,
        "content_hash (2.7 MB) spans several 1 MiB pages");
    assertEquals(rows, readRows(onePerGroup));
  }

  @Test
  void sharedVersionCopiesTheRowGroupsWhoseRowsItKeepsAndEncodesTheRest() throws IOException {
    List<CatalogEntry> before = entries(10_000); // groups of 2048, 2048, 2048, 2048, 1808
    Path previous = writeCatalog("previous", before, CatalogWriter.ROWS_PER_GROUP);
    List<CatalogEntry> now = new ArrayList<>(before);
    now.remove(5000); // in the third group
    now.remove(100); // in the first
    List<CatalogEntry> added = entries(10_030).subList(10_000, 10_030);
    now.addAll(added);

    Path dir = Files.createDirectories(tmp.resolve("shared"));
    CatalogWriter.write(dir, now, PreviousCatalog.read(previous.getParent(), before));
    Path shared = dir.resolve(CatalogWriter.FILE_NAME);

    ParquetMetadata was = footer(previous);
    ParquetMetadata is = footer(shared);
    assertEquals(
        List.of(2047L, 2048L, 2047L, 2048L, 1808L, 30L),
        is.getBlocks().stream().map(b -> b.getRowCount()).toList());
    for (int[] copied : new int[][] {{1, 1}, {3, 3}, {4, 4}}) {
      var from = was.getBlocks().get(copied[0]);
      var to = is.getBlocks().get(copied[1]);
      assertEquals(from.getCompressedSize(), to.getCompressedSize(), "group copied as encoded");
      assertEquals(
          from.getColumns().get(0).getStatistics(), to.getColumns().get(0).getStatistics());
    }
    List<GenericRecord> rows = readRows(shared);
    assertEquals(now.size(), rows.size());
    for (int i = 0; i < now.size(); i++) {
      assertRow(now.get(i), rows.get(i));
    }
    // The same rows written as a full run writes them: other groups, the same rows.
    assertEquals(readRows(writeCatalog("canonical", now, CatalogWriter.ROWS_PER_GROUP)), rows);
  }

  @Test
  void previousCatalogOfOtherRowsIsNotUsed() throws IOException {
    List<CatalogEntry> before = entries(100);
    Path previous = writeCatalog("other", before, CatalogWriter.ROWS_PER_GROUP);
    assertEquals(null, PreviousCatalog.read(previous.getParent(), before.subList(0, 99)));
    assertEquals(null, PreviousCatalog.read(tmp.resolve("no-catalog"), before));
    List<CatalogEntry> changed = new ArrayList<>(before);
    changed.set(0, before.get(0).at("shard-00009.kiln", 0, 1));
    Path dir = Files.createDirectories(tmp.resolve("changed"));
    CatalogWriter.write(dir, changed, PreviousCatalog.read(previous.getParent(), before));
    assertEquals(
        changed.get(0).shard(),
        readRows(dir.resolve(CatalogWriter.FILE_NAME)).get(0).get("shard").toString());
  }

  @Test
  void sameRowsGiveTheSameBytes() throws IOException {
    // Three groups, encoded at once on as many threads: the file is the same every time.
    List<CatalogEntry> entries = entries(5_000);
    assertArrayEquals(
        Files.readAllBytes(writeCatalog("a", entries, CatalogWriter.ROWS_PER_GROUP)),
        Files.readAllBytes(writeCatalog("b", entries, CatalogWriter.ROWS_PER_GROUP)));
  }

  private static void assertRow(CatalogEntry e, GenericRecord r) {
    assertEquals(e.key(), r.get("key").toString());
    assertEquals(e.shard(), r.get("shard").toString());
    assertEquals(e.offset(), r.get("offset"));
    assertEquals(e.length(), r.get("length"));
    assertEquals(e.labels(), ((List<?>) r.get("labels")).stream().map(Object::toString).toList());
    assertEquals(e.width(), r.get("width"));
    assertEquals(e.height(), r.get("height"));
    List<?> boxes = (List<?>) r.get("boxes");
    assertEquals(e.boxes().size(), boxes.size());
    for (int b = 0; b < boxes.size(); b++) {
      GenericRecord box = (GenericRecord) boxes.get(b);
      Box expected = e.boxes().get(b);
      assertEquals(expected.x0(), box.get("x0"));
      assertEquals(expected.y0(), box.get("y0"));
      assertEquals(expected.x1(), box.get("x1"));
      assertEquals(expected.y1(), box.get("y1"));
      assertEquals(expected.label(), box.get("label").toString());
      assertEquals(expected.categoryId(), box.get("category_id"));
    }
    assertEquals(e.sourcePath(), r.get("source_path").toString());
    assertEquals(e.contentHash(), r.get("content_hash").toString());
    LabelFields f = e.labelFields();
    assertEquals(f.label(), r.get("label"));
    assertEquals(
        f.className(), r.get("class_name") == null ? null : r.get("class_name").toString());
    assertEquals(f.caption(), r.get("caption") == null ? null : r.get("caption").toString());
    Object extra = r.get("extra");
    assertEquals(f.extra(), extra == null ? Map.of() : LabelFields.parseExtra(extra.toString()));
  }
}
