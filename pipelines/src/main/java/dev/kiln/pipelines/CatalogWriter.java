package dev.kiln.pipelines;

import dev.kiln.formats.AvroSchemaText;
import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.parquet.ColumnWriter;
import dev.kiln.formats.parquet.ParquetSchema;
import dev.kiln.formats.parquet.ParquetTableWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Writes {@code catalog.parquet}: one row per sample (key, shard, offset, length, labels, width,
 * height, boxes, source path, content hash, class id and name, caption, and the extra fields as
 * one JSON object) in shard order, so a dataset can be queried from
 * DuckDB, Spark or pandas without opening its shards.
 *
 * <p>Avro readers read it as parquet-avro's files of rows of {@link #schema()}: its Parquet
 * schema is that schema's conversion and its footer holds the Avro schema. It is written by
 * Kiln's own {@link ParquetTableWriter} (Snappy, 128 MB row groups), not parquet-mr's: for a
 * nightly run's catalog, loading and warming parquet-mr and Hadoop took longer than writing the
 * rows and all the rest of finishing the dataset.
 */
public final class CatalogWriter implements AutoCloseable {
  public static final String FILE_NAME = "catalog.parquet";

  /**
   * The catalog's row schema's JSON as Avro writes it ({@code catalog.avsc}, read without Avro's
   * parser: {@link AvroSchemaText}), which parquet-avro keeps in the footer for its readers.
   */
  static final String SCHEMA_JSON = AvroSchemaText.of(CatalogWriter.class, "catalog.avsc");

  /** The catalog's row schema as parquet-avro readers see the file; parsed on first use. */
  public static Schema schema() {
    return AvroSchemas.ROW;
  }

  /** The schema of a box in {@link #schema()}'s {@code boxes}. */
  static Schema boxSchema() {
    return AvroSchemas.BOX;
  }

  /**
   * The Avro schemas, parsed only when asked for: writing a catalog needs neither (Avro's schema
   * class loads Jackson's object mapper, ~550 classes a nightly run would load for nothing).
   */
  private static final class AvroSchemas {
    static final Schema ROW = new Schema.Parser().parse(SCHEMA_JSON);
    static final Schema BOX = ROW.getField("boxes").schema().getElementType();
  }

  /**
   * The catalog's Parquet schema: {@link #schema()} as parquet-avro converts it (Parquet's
   * two-level lists; {@code CatalogWriterTest} checks it against the conversion).
   */
  static final ParquetSchema PARQUET_SCHEMA =
      new ParquetSchema(
          "dev.kiln.CatalogRow",
          List.of(
              ParquetSchema.string("key"),
              ParquetSchema.string("shard"),
              ParquetSchema.required("offset", ParquetSchema.Type.INT64),
              ParquetSchema.required("length", ParquetSchema.Type.INT64),
              ParquetSchema.stringList("labels"),
              ParquetSchema.required("width", ParquetSchema.Type.INT32),
              ParquetSchema.required("height", ParquetSchema.Type.INT32),
              ParquetSchema.groupList(
                  "boxes",
                  List.of(
                      ParquetSchema.required("x0", ParquetSchema.Type.FLOAT),
                      ParquetSchema.required("y0", ParquetSchema.Type.FLOAT),
                      ParquetSchema.required("x1", ParquetSchema.Type.FLOAT),
                      ParquetSchema.required("y1", ParquetSchema.Type.FLOAT),
                      ParquetSchema.string("label"),
                      ParquetSchema.required("category_id", ParquetSchema.Type.INT32))),
              ParquetSchema.string("source_path"),
              ParquetSchema.string("content_hash"),
              ParquetSchema.optional("label", ParquetSchema.Type.INT32),
              ParquetSchema.optionalString("class_name"),
              ParquetSchema.optionalString("caption"),
              ParquetSchema.optionalString("extra")));

  /**
   * The footer's key-value pairs as parquet-avro writes them: the Avro schema its readers read
   * the rows with, and the name of the object model that wrote them.
   */
  private static final Map<String, String> FOOTER_METADATA =
      Map.of("parquet.avro.schema", SCHEMA_JSON, "writer.model.name", "avro");

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final ParquetTableWriter writer;

  /** Row groups end at the first row after this many bytes: Parquet's (and ParquetIO's) default. */
  static final long ROW_GROUP_BYTES = 128L << 20;

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
      this.writer = new ParquetTableWriter(channel, PARQUET_SCHEMA, "kiln", rowGroupBytes);
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

  /** Appends a row: its fields shredded into the file's columns, in schema order. */
  public void write(CatalogEntry e) throws IOException {
    writer.column(KEY).binary(utf8(e.key()));
    writer.column(SHARD).binary(utf8(e.shard()));
    writer.column(OFFSET).int64(e.offset());
    writer.column(LENGTH).int64(e.length());
    ColumnWriter labels = writer.column(LABELS);
    if (e.labels().isEmpty()) {
      labels.empty(0, 0);
    }
    for (int i = 0; i < e.labels().size(); i++) {
      labels.binary(i == 0 ? 0 : 1, 1, utf8(e.labels().get(i)));
    }
    writer.column(WIDTH).int32(e.width());
    writer.column(HEIGHT).int32(e.height());
    List<Box> boxes = e.boxes();
    if (boxes.isEmpty()) {
      for (int c = BOX_X0; c <= BOX_CATEGORY; c++) {
        writer.column(c).empty(0, 0);
      }
    }
    for (int i = 0; i < boxes.size(); i++) {
      Box b = boxes.get(i);
      int repetition = i == 0 ? 0 : 1;
      writer.column(BOX_X0).float32(repetition, 1, b.x0());
      writer.column(BOX_X0 + 1).float32(repetition, 1, b.y0());
      writer.column(BOX_X0 + 2).float32(repetition, 1, b.x1());
      writer.column(BOX_X0 + 3).float32(repetition, 1, b.y1());
      writer.column(BOX_X0 + 4).binary(repetition, 1, utf8(b.label()));
      writer.column(BOX_CATEGORY).int32(repetition, 1, b.categoryId());
    }
    writer.column(SOURCE_PATH).binary(utf8(e.sourcePath()));
    writer.column(CONTENT_HASH).binary(utf8(e.contentHash()));
    LabelFields f = e.labelFields();
    if (f.label() == null) {
      writer.column(LABEL).empty(0, 0);
    } else {
      writer.column(LABEL).int32(0, 1, f.label());
    }
    optionalString(writer.column(CLASS_NAME), f.className());
    optionalString(writer.column(CAPTION), f.caption());
    // Extra fields differ from table to table; one JSON column keeps the catalog's schema fixed.
    optionalString(writer.column(EXTRA), f.extra().isEmpty() ? null : f.extraJson());
    writer.endRow();
  }

  private static void optionalString(ColumnWriter column, String value) {
    if (value == null) {
      column.empty(0, 0);
    } else {
      column.binary(0, 1, utf8(value));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // The leaf columns of PARQUET_SCHEMA, by number.
  private static final int KEY = 0;
  private static final int SHARD = 1;
  private static final int OFFSET = 2;
  private static final int LENGTH = 3;
  private static final int LABELS = 4;
  private static final int WIDTH = 5;
  private static final int HEIGHT = 6;
  private static final int BOX_X0 = 7;
  private static final int BOX_CATEGORY = 12;
  private static final int SOURCE_PATH = 13;
  private static final int CONTENT_HASH = 14;
  private static final int LABEL = 15;
  private static final int CLASS_NAME = 16;
  private static final int CAPTION = 17;
  private static final int EXTRA = 18;

  /** Finishes the file and moves it into place. */
  @Override
  public void close() throws IOException {
    try (FileChannel c = channel) {
      writer.finish(FOOTER_METADATA);
    }
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
