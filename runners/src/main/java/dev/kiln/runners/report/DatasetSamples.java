package dev.kiln.runners.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Box;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.SourceInfo;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The first samples of a dataset in its order, whatever its format. A dataset's order is a salted
 * hash of the keys (the same in every format), so its first samples are a deterministic
 * pseudo-random sample of all of them: what the report's contact sheet shows and its input
 * statistics are drawn from. Reads only as far as it needs: the first shards, not the dataset.
 */
final class DatasetSamples {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatasetSamples() {}

  /**
   * Hands the first {@code limit} samples of the dataset in {@code dir} to {@code each}, in dataset
   * order; returns how many it handed. Samples {@code wantsImage} refuses (given the sample without
   * its image) may come without their image: a kiln dataset's are then read without it (the fields
   * after the image only), the other formats' are read whole anyway.
   */
  static int forFirst(
      Path dir, Manifest manifest, int limit, Predicate<Sample> wantsImage, Consumer<Sample> each)
      throws IOException {
    if (limit <= 0) {
      return 0;
    }
    return switch (manifest.format()) {
      case "kiln" -> kiln(dir, limit, wantsImage, each);
      case "webdataset" -> webDataset(dir, manifest, limit, each);
      case "avro" -> avro(dir, manifest, limit, each);
      case "parquet" -> parquet(dir, manifest, limit, each);
      default ->
          throw new IOException(dir + ": unknown dataset format '" + manifest.format() + "'");
    };
  }

  private static int kiln(Path dir, int limit, Predicate<Sample> wantsImage, Consumer<Sample> each)
      throws IOException {
    try (KilnDataset ds = KilnDataset.open(dir)) {
      int n = Math.min(limit, ds.size());
      for (int i = 0; i < n; i++) {
        Sample withoutImage = withoutImage(ds, i);
        each.accept(wantsImage.test(withoutImage) ? ds.get(i) : withoutImage);
      }
      return n;
    }
  }

  /**
   * Sample {@code i} without its image: two small reads (the image's length, the fields after the
   * image) instead of the whole record, most of which is the image.
   */
  private static Sample withoutImage(KilnDataset ds, int i) {
    String key = ds.key(i);
    int length = ds.index().length(i);
    int fields = SampleCodec.fieldsAfterImage(key, ds.imageLength(i));
    if (fields > length) {
      throw new IllegalStateException(
          "sample " + key + ": its record of " + length + " bytes is shorter than its image");
    }
    return ds.readRecordPart(
        i, fields, length - fields, tail -> SampleCodec.decodeAfterImage(key, tail));
  }

  private static int webDataset(Path dir, Manifest manifest, int limit, Consumer<Sample> each)
      throws IOException {
    int n = 0;
    for (ShardFile shard : manifest.shards()) {
      Path file = dir.resolve(shard.name());
      try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
          TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
        // Each sample is its image member, then its <key>.json.
        byte[] image = null;
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          byte[] bytes = tar.readAllBytes();
          if (!e.getName().endsWith(".json")) {
            image = bytes;
            continue;
          }
          if (image == null) {
            throw new IOException(file + ": " + e.getName() + " has no image member before it");
          }
          each.accept(fromMetadata(JSON.readTree(bytes), image));
          image = null;
          if (++n == limit) {
            return n;
          }
        }
      }
    }
    return n;
  }

  /** A sample from its WebDataset metadata ({@code SampleMetadataJson}) and image bytes. */
  static Sample fromMetadata(JsonNode o, byte[] image) {
    List<String> labels = new ArrayList<>();
    o.path("labels").forEach(l -> labels.add(l.asText()));
    List<Box> boxes = new ArrayList<>();
    for (JsonNode b : o.path("boxes")) {
      boxes.add(
          new Box(
              (float) b.path("x0").asDouble(),
              (float) b.path("y0").asDouble(),
              (float) b.path("x1").asDouble(),
              (float) b.path("y1").asDouble(),
              b.path("label").asText(""),
              b.path("category_id").asInt()));
    }
    JsonNode s = o.path("source");
    SourceInfo source =
        new SourceInfo(
            s.path("path").asText(""),
            s.path("size").asLong(-1),
            s.path("format").asText(""),
            s.path("colour_model").asText(""),
            s.path("bit_depth").asInt(),
            s.path("icc_profile").isTextual() ? s.path("icc_profile").asText() : null,
            s.path("orientation").asInt(1),
            s.path("width").asInt(),
            s.path("height").asInt(),
            s.path("frames").asInt(1));
    return new Sample(
        o.path("key").asText(""),
        image,
        o.path("encoding").asText(""),
        o.path("width").asInt(),
        o.path("height").asInt(),
        o.path("channels").asInt(3),
        labels,
        boxes,
        source,
        o.path("content_hash").asText(""));
  }

  private static int avro(Path dir, Manifest manifest, int limit, Consumer<Sample> each)
      throws IOException {
    int n = 0;
    for (ShardFile shard : manifest.shards()) {
      try (InputStream in =
              new BufferedInputStream(Files.newInputStream(dir.resolve(shard.name())));
          DataFileStream<GenericRecord> records =
              new DataFileStream<>(in, new GenericDatumReader<>(SampleCodec.schema()))) {
        while (records.hasNext()) {
          each.accept(SampleCodec.fromRecord(records.next()));
          if (++n == limit) {
            return n;
          }
        }
      }
    }
    return n;
  }

  private static int parquet(Path dir, Manifest manifest, int limit, Consumer<Sample> each)
      throws IOException {
    int n = 0;
    for (ShardFile shard : manifest.shards()) {
      Path file = dir.resolve(shard.name());
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(
                      new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(false)))
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          each.accept(SampleCodec.fromRecord(r));
          if (++n == limit) {
            return n;
          }
        }
      }
    }
    return n;
  }
}
