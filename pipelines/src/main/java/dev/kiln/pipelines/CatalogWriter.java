package dev.kiln.pipelines;

import dev.kiln.formats.AvroSchemaText;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Writes {@code catalog.parquet}: one row per sample (key, shard, offset, length, labels, width,
 * height, boxes, source path, content hash, class id and name, caption, and the extra fields as one
 * JSON object) in shard order, so a dataset can be queried from DuckDB, Spark or pandas without
 * opening its shards.
 *
 * <p>Rows are encoded by parquet-java's Avro writer (as Beam's {@code ParquetIO.Sink} encodes
 * {@code --format=parquet} shards), Snappy, with the Avro schema in the footer for parquet-avro's
 * readers, 2,048 rows to a row group: each group is encoded on its own and the groups are joined by
 * parquet-java's {@link ParquetFileWriter#appendRowGroups}. Small groups let an incremental run
 * that shares shards copy every row group of the previous catalog whose rows it keeps as they were
 * ({@link PreviousCatalog}): at 198,000 samples a night that deletes 20 encodes at most 20 groups
 * instead of every row. A full run's groups start every 2,048 rows, so the same rows give the same
 * file on every runner; {@link ParquetFooter} makes the footer's bytes the same in every JVM.
 */
public final class CatalogWriter {
  public static final String FILE_NAME = "catalog.parquet";

  /** Rows per row group: small enough that a deleted row costs re-encoding few others. */
  static final int ROWS_PER_GROUP = 2048;

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

  /** The footer of a catalog without rows: its Parquet schema and key-value metadata. */
  private static final class Template {
    static final FileMetaData FOOTER = emptyFooter();

    private static FileMetaData emptyFooter() {
      try {
        return ParquetFileReader.readFooter(
                ParquetBytes.reading(encode(List.of()).bytes()), ParquetMetadataConverter.NO_FILTER)
            .getFileMetaData();
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode an empty catalog in memory", e);
      }
    }
  }

  /** Row groups end at the first row after this many bytes: Parquet's (and ParquetIO's) default. */
  static final long ROW_GROUP_BYTES = 128L << 20;

  /**
   * The configuration of every row group's writer: Hadoop's defaults (no Parquet setting among
   * them) left out, because each writer built with them parses Hadoop's XML files anew, a few
   * milliseconds that a catalog of 100 groups would pay 100 times.
   */
  private static final Configuration CONF = new Configuration(false);

  private CatalogWriter() {}

  /**
   * Loads and sets up parquet-java, Avro and Hadoop's configuration, a few hundred milliseconds of
   * class loading in a short run: a thread with nothing else to do calls this before the rows come.
   */
  static void warmUp() {
    Template.FOOTER.getSchema();
  }

  /**
   * Starts {@link #warmUp} on a thread of its own: a launcher calls this as it starts listing,
   * which leaves a core to spare, so that the catalog's writer finds parquet-java ready when the
   * rows come (at 198,000 samples a nightly run otherwise waited ~0.8 s for it after its last
   * shard).
   */
  public static void warmUpAside() {
    DaemonThreads.named("kiln-catalog-warm-up").newThread(CatalogWriter::warmUp).start();
  }

  /**
   * Writes {@code datasetDir/}{@value #FILE_NAME} (a temporary file, then a rename) with {@code
   * rows} in their order.
   *
   * @param previous the catalog of the version whose shards the dataset shares, whose row groups
   *     are copied where the rows are the same; null for the canonical layout, whose groups start
   *     every 2,048 rows
   */
  static void write(Path datasetDir, List<CatalogEntry> rows, PreviousCatalog previous)
      throws IOException {
    write(datasetDir, rows, previous, ROWS_PER_GROUP);
  }

  /** As {@link #write(Path, List, PreviousCatalog)}, {@code rowsPerGroup} rows to a group. */
  static void write(
      Path datasetDir, List<CatalogEntry> rows, PreviousCatalog previous, int rowsPerGroup)
      throws IOException {
    FileMetaData template = Template.FOOTER;
    ParquetBytes.Output joined = new ParquetBytes.Output();
    ParquetFileWriter file =
        new ParquetFileWriter(
            joined, template.getSchema(), ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES, 0);
    file.start();
    // Which groups are copied and which encoded, the encoding of all of them started at once:
    // each group is a Parquet file of its own, so they encode on every core, in any order, to the
    // same bytes. A night that deletes 20 rows encodes ~20 groups, each between copied ones.
    List<Piece> pieces = new ArrayList<>();
    List<List<CatalogEntry>> toEncode = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < rows.size(); ) {
      int reused = previous == null ? -1 : previous.groupAt(rows, i);
      if (reused >= 0) {
        planEncoding(rows.subList(from, i), rowsPerGroup, pieces, toEncode);
        pieces.add(new Piece(reused, -1));
        i += (int) previous.group(reused).getRowCount();
        from = i;
      } else {
        i++;
      }
    }
    planEncoding(rows.subList(from, rows.size()), rowsPerGroup, pieces, toEncode);
    List<Future<Encoded>> encoded = encodeAll(toEncode);
    try {
      for (Piece piece : pieces) {
        if (piece.reused() >= 0) {
          append(file, previous.file(), List.of(previous.group(piece.reused())));
        } else {
          Encoded e =
              TaskFailure.await(encoded.get(piece.encoded()), "encoding a catalog row group");
          encoded.set(piece.encoded(), null); // appended: its bytes need not stay
          append(file, e.bytes(), e.footer().getBlocks());
        }
      }
    } finally {
      for (Future<Encoded> f : encoded) {
        if (f != null) {
          f.cancel(true);
        }
      }
    }
    file.end(template.getKeyValueMetaData());

    Path target = datasetDir.resolve(FILE_NAME);
    Path temporary = datasetDir.resolve("." + FILE_NAME + ".tmp");
    Files.write(temporary, joined.toByteArray());
    ParquetFooter.sortEncodings(temporary);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * One row group of the catalog: group {@code reused} of the previous catalog, or (when that is
   * -1) group {@code encoded} of those encoded.
   */
  private record Piece(int reused, int encoded) {}

  /** Plans {@code rows} as groups of {@code rowsPerGroup} to encode. */
  private static void planEncoding(
      List<CatalogEntry> rows,
      int rowsPerGroup,
      List<Piece> pieces,
      List<List<CatalogEntry>> toEncode) {
    for (int from = 0; from < rows.size(); from += rowsPerGroup) {
      pieces.add(new Piece(-1, toEncode.size()));
      toEncode.add(rows.subList(from, Math.min(rows.size(), from + rowsPerGroup)));
    }
  }

  /** Starts encoding each group, on as many threads as there are cores (a single one: here). */
  private static List<Future<Encoded>> encodeAll(List<List<CatalogEntry>> groups) {
    List<Future<Encoded>> encoded = new ArrayList<>(groups.size());
    if (groups.size() <= 1) {
      for (List<CatalogEntry> group : groups) {
        CompletableFuture<Encoded> one = new CompletableFuture<>();
        try {
          one.complete(encode(group));
        } catch (IOException | RuntimeException e) {
          one.completeExceptionally(e);
        }
        encoded.add(one);
      }
      return encoded;
    }
    int threads = Math.min(groups.size(), Runtime.getRuntime().availableProcessors());
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, DaemonThreads.numbered("kiln-catalog-encoder-"));
    try {
      for (List<CatalogEntry> group : groups) {
        encoded.add(pool.submit(() -> encode(group)));
      }
    } finally {
      pool.shutdown(); // its threads end once the queue is done
    }
    return encoded;
  }

  /** Whether a catalog's footer has this writer's schema and Avro schema. */
  static boolean sameSchema(FileMetaData footer) {
    FileMetaData template = Template.FOOTER;
    return footer.getSchema().equals(template.getSchema())
        && footer.getKeyValueMetaData().equals(template.getKeyValueMetaData());
  }

  private static void append(ParquetFileWriter file, byte[] source, List<BlockMetaData> groups)
      throws IOException {
    try (SeekableInputStream in = ParquetBytes.reading(source).newStream()) {
      file.appendRowGroups(in, groups, false);
    }
  }

  /** A Parquet file in memory, and the footer its writer wrote. */
  private record Encoded(byte[] bytes, ParquetMetadata footer) {}

  /** {@code rows} as a Parquet file of their own, in memory. */
  private static Encoded encode(List<CatalogEntry> rows) throws IOException {
    ParquetBytes.Output file = new ParquetBytes.Output();
    ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(file)
            .withSchema(schema())
            .withConf(CONF)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build();
    try (writer) {
      for (CatalogEntry e : rows) {
        writer.write(record(e));
      }
    }
    // The row groups' places as the writer recorded them, not read back from the bytes.
    return new Encoded(file.toByteArray(), writer.getFooter());
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
}
