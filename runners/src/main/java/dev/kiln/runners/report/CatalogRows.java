package dev.kiln.runners.report;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.SampleFields;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.pipelines.CatalogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Every sample's catalog row, with its encoded image size where the dataset records it. A kiln
 * dataset's rows come from {@code sample-fields.bin} (Kiln's own file, read without Parquet's and
 * Hadoop's classes, which would cost a nightly run more than the rest of its report); other
 * formats' from {@code catalog.parquet}.
 */
final class CatalogRows {
  private CatalogRows() {}

  /** Receives one row. */
  interface Row {
    /**
     * @param encoded encoded image bytes, or -1 when the dataset does not record them per sample
     * @param caption the sample's caption, or null when the catalog has none
     */
    void accept(CatalogEntry row, long encoded, String caption);
  }

  /**
   * Whether a format's catalog says each sample's encoded image size: kiln's (in {@code
   * sample-fields.bin}) and WebDataset's (the image member's length) do; Avro's and Parquet's rows
   * have no address in their shards.
   */
  static boolean recordsImageSizes(String format) {
    return format.equals("kiln") || format.equals("webdataset");
  }

  /** Hands every row of the dataset in {@code dir}, in shard order, to {@code each}. */
  static void forEach(Path dir, String format, Row each) throws IOException {
    Path indexFile = dir.resolve(ShardLayout.INDEX_FILE_NAME);
    if (format.equals("kiln") && Files.isRegularFile(indexFile)) {
      SampleFields fields = SampleFields.readFor(dir, DatasetIndex.read(indexFile));
      if (fields != null) {
        for (int i = 0; i < fields.size(); i++) {
          each.accept(fields.row(i), fields.imageLength(i), null);
        }
        return;
      }
    }
    Path file = dir.resolve(CatalogWriter.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " missing");
    }
    // WebDataset rows address the image member itself: their length is the encoded size (a kiln
    // row's is its record's, which holds more than the image).
    boolean lengthIsImage = format.equals("webdataset");
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        CatalogEntry row = entry(r);
        each.accept(row, lengthIsImage ? row.length() : -1, caption(r));
      }
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a readable catalog: " + e.getMessage(), e);
    }
  }

  /** The catalog row a Parquet record holds. */
  static CatalogEntry entry(GenericRecord r) {
    List<String> labels = new ArrayList<>();
    for (Object o : (List<?>) r.get("labels")) {
      labels.add(o.toString());
    }
    List<Box> boxes = SampleCodec.boxesOf((List<?>) r.get("boxes"));
    return new CatalogEntry(
        r.get("key").toString(),
        r.get("shard").toString(),
        (Long) r.get("offset"),
        (Long) r.get("length"),
        labels,
        (Integer) r.get("width"),
        (Integer) r.get("height"),
        boxes,
        r.get("source_path").toString(),
        r.get("content_hash").toString());
  }

  /** A {@code caption} column's value, for catalogs that have one. */
  private static String caption(GenericRecord r) {
    Schema.Field f = r.getSchema().getField("caption");
    Object v = f == null ? null : r.get(f.pos());
    return v == null ? null : v.toString();
  }
}
