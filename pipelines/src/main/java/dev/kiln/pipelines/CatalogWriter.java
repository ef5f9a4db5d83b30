package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;

/**
 * Writes {@code catalog.parquet}: one row per sample (key, shard, offset, length, labels, width,
 * height, boxes, source path, content hash) in shard order, so a dataset can be queried from
 * DuckDB, Spark or pandas without opening its shards.
 */
public final class CatalogWriter implements AutoCloseable {
  public static final String FILE_NAME = "catalog.parquet";

  static final Schema BOX =
      SchemaBuilder.record("CatalogBox").namespace("dev.kiln").fields()
          .requiredFloat("x0").requiredFloat("y0").requiredFloat("x1").requiredFloat("y1")
          .requiredString("label").requiredInt("category_id")
          .endRecord();

  /** The catalog's row schema. */
  public static final Schema SCHEMA =
      SchemaBuilder.record("CatalogRow").namespace("dev.kiln").fields()
          .requiredString("key")
          .requiredString("shard")
          .requiredLong("offset")
          .requiredLong("length")
          .name("labels").type().array().items().stringType().noDefault()
          .requiredInt("width")
          .requiredInt("height")
          .name("boxes").type().array().items(BOX).noDefault()
          .requiredString("source_path")
          .requiredString("content_hash")
          .endRecord();

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final ParquetIO.Sink sink;

  private CatalogWriter(Path datasetDir) throws IOException {
    this.target = datasetDir.resolve(FILE_NAME);
    this.temporary = datasetDir.resolve("." + FILE_NAME + ".tmp");
    this.channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    this.sink = ParquetIO.sink(SCHEMA);
    sink.open(channel);
  }

  public static CatalogWriter open(Path datasetDir) throws IOException {
    return new CatalogWriter(datasetDir);
  }

  public void write(CatalogEntry e) throws IOException {
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("key", e.key());
    r.put("shard", e.shard());
    r.put("offset", e.offset());
    r.put("length", e.length());
    r.put("labels", new ArrayList<CharSequence>(e.labels()));
    r.put("width", e.width());
    r.put("height", e.height());
    r.put("boxes", SampleCodec.boxRecords(e.boxes(), BOX));
    r.put("source_path", e.sourcePath());
    r.put("content_hash", e.contentHash());
    sink.write(r);
  }

  /** Finishes the file and moves it into place. */
  @Override
  public void close() throws IOException {
    sink.flush();
    channel.close();
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
