package dev.kiln.pipelines;

import dev.kiln.formats.AvroSchemaText;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;

/**
 * Writes {@code catalog.parquet}: one row per sample (key, shard, offset, length, labels, width,
 * height, boxes, source path, content hash, class id and name, caption, and the extra fields as one
 * JSON object) in shard order, so a dataset can be queried from DuckDB, Spark or pandas without
 * opening its shards.
 *
 * <p>Written by parquet-java's Avro writer (through Beam's {@link ParquetIO.Sink}, as {@code
 * --format=parquet} shards are): rows of {@link #schema()}, Snappy, 128 MB row groups, the Avro
 * schema in the footer for parquet-avro's readers; {@link ParquetFooter} makes the footer's bytes
 * the same in every JVM.
 */
public final class CatalogWriter implements AutoCloseable {
  public static final String FILE_NAME = "catalog.parquet";

  /** The catalog's row schema's JSON as Avro writes it ({@code catalog.avsc}). */
  static final String SCHEMA_JSON = AvroSchemaText.of(CatalogWriter.class, "catalog.avsc");

  /** The catalog's row schema as parquet-avro readers see the file; parsed on first use. */
  public static Schema schema() {
    return AvroSchemas.ROW;
  }

  /** The schema of a box in {@link #schema()}'s {@code boxes}. */
  static Schema boxSchema() {
    return AvroSchemas.BOX;
  }

  private static final class AvroSchemas {
    static final Schema ROW = new Schema.Parser().parse(SCHEMA_JSON);
    static final Schema BOX = ROW.getField("boxes").schema().getElementType();
  }

  /** Row groups end at the first row after this many bytes: Parquet's (and ParquetIO's) default. */
  static final long ROW_GROUP_BYTES = 128L << 20;

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final ParquetIO.Sink sink;

  private CatalogWriter(Path datasetDir, long rowGroupBytes) throws IOException {
    this.target = datasetDir.resolve(FILE_NAME);
    this.temporary = datasetDir.resolve("." + FILE_NAME + ".tmp");
    this.channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    try {
      this.sink = ParquetIO.sink(schema()).withRowGroupSize(Math.toIntExact(rowGroupBytes));
      sink.open(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public static CatalogWriter open(Path datasetDir) throws IOException {
    return new CatalogWriter(datasetDir, ROW_GROUP_BYTES);
  }

  /** A catalog whose row groups end after {@code rowGroupBytes}: for tests of many row groups. */
  static CatalogWriter open(Path datasetDir, long rowGroupBytes) throws IOException {
    return new CatalogWriter(datasetDir, rowGroupBytes);
  }

  /** Appends a row. */
  public void write(CatalogEntry e) throws IOException {
    sink.write(record(e));
  }

  /** The row of {@code e} as a record of {@link #schema()}. */
  static GenericRecord record(CatalogEntry e) {
    GenericRecord r = new GenericData.Record(schema());
    r.put("key", e.key());
    r.put("shard", e.shard());
    r.put("offset", e.offset());
    r.put("length", e.length());
    r.put("labels", new ArrayList<CharSequence>(e.labels()));
    r.put("width", e.width());
    r.put("height", e.height());
    r.put("boxes", SampleCodec.boxRecords(e.boxes(), boxSchema()));
    r.put("source_path", e.sourcePath());
    r.put("content_hash", e.contentHash());
    LabelFields f = e.labelFields();
    r.put("label", f.label());
    r.put("class_name", f.className());
    r.put("caption", f.caption());
    // Extra fields differ from table to table; one JSON column keeps the catalog's schema fixed.
    r.put("extra", f.extra().isEmpty() ? null : f.extraJson());
    return r;
  }

  /** Finishes the file and moves it into place. */
  @Override
  public void close() throws IOException {
    try (FileChannel c = channel) {
      sink.flush();
    }
    ParquetFooter.sortEncodings(temporary);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
