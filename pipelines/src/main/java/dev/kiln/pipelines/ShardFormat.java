package dev.kiln.pipelines;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.avro.AvroShardWriter;
import dev.kiln.formats.kiln.IndexEntry;
import dev.kiln.formats.kiln.KilnShardWriter;
import dev.kiln.formats.kiln.ShardSummary;
import dev.kiln.formats.webdataset.WebDatasetShardWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The output formats whose shards {@link WriteShards} writes, each with its file writer. Every
 * format stores the same {@link Sample} fields; they differ in how a reader reaches a sample.
 */
public enum ShardFormat {
  /** Kiln's native shards: aligned records, footer index, checksums (formats/FORMAT.md). */
  KILN("kiln") {
    @Override
    ShardSink open(Path file, ShardOptions options) throws IOException {
      KilnShardWriter writer = KilnShardWriter.open(file, options.align());
      return new ShardSink() {
        @Override
        public long[] write(EncodedSample sample) throws IOException {
          // The record is stored as it is: no decoding and encoding again.
          IndexEntry e = writer.write(sample);
          return new long[] {e.offset(), e.length()};
        }

        @Override
        public WrittenShard finish() throws IOException {
          ShardSummary summary = writer.close();
          return new WrittenShard(
              new ShardFile(
                  summary.fileName(), summary.recordCount(), summary.bytes(), writer.sha256()),
              Integer.toUnsignedLong(summary.fileCrc32c()));
        }

        @Override
        public void abort() {
          writer.abort();
        }
      };
    }
  },

  /** POSIX tar of {@code <key>.jpg} + {@code <key>.json} per sample, read by WebDataset loaders. */
  WEBDATASET("tar") {
    @Override
    ShardSink open(Path file, ShardOptions options) throws IOException {
      WebDatasetShardWriter writer = WebDatasetShardWriter.open(file);
      return new ShardSink() {
        @Override
        public long[] write(EncodedSample encoded) throws IOException {
          return writer.write(encoded.sample());
        }

        @Override
        public WrittenShard finish() throws IOException {
          writer.close();
          return new WrittenShard(writer.summary(), WrittenShard.NO_CRC);
        }

        @Override
        public void abort() {
          writer.abort();
        }
      };
    }
  },

  /** Avro object container files of samples; any Avro reader streams them. */
  AVRO("avro") {
    @Override
    ShardSink open(Path file, ShardOptions options) throws IOException {
      AvroShardWriter writer = AvroShardWriter.open(file);
      return new UnaddressedSink() {
        @Override
        public long[] write(EncodedSample sample) throws IOException {
          writer.write(sample.sample());
          count++;
          return unaddressed();
        }

        @Override
        public WrittenShard finish() throws IOException {
          return new WrittenShard(writer.close(), WrittenShard.NO_CRC);
        }

        @Override
        public void abort() {
          writer.abort();
        }
      };
    }
  },

  /**
   * Parquet files of samples, in row groups of {@link ShardOptions#parquetRowGroupBytes()} so a
   * reader selecting a few samples reads a few row groups, not the file.
   */
  PARQUET("parquet") {
    @Override
    ShardSink open(Path file, ShardOptions options) throws IOException {
      Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
      FileChannel channel =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
      ParquetIO.Sink sink =
          ParquetIO.sink(SampleCodec.schema())
              .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
              .withRowGroupSize(options.parquetRowGroupBytes());
      sink.open(channel);
      return new UnaddressedSink() {
        @Override
        public long[] write(EncodedSample sample) throws IOException {
          sink.write(SampleCodec.toRecord(sample.sample()));
          count++;
          return unaddressed();
        }

        @Override
        public WrittenShard finish() throws IOException {
          sink.flush();
          channel.close();
          ParquetFooter.sortEncodings(temporary);
          Files.move(
              temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          return new WrittenShard(
              new ShardFile(
                  file.getFileName().toString(), count, Files.size(file), FileDigest.sha256(file)),
              WrittenShard.NO_CRC);
        }

        @Override
        public void abort() {
          try {
            channel.close();
            Files.deleteIfExists(temporary);
          } catch (IOException ignored) {
            // Best effort: a hidden .tmp file never looks like a shard.
          }
        }
      };
    }
  };

  private final String extension;

  ShardFormat(String extension) {
    this.extension = extension;
  }

  /** File name extension of this format's shards. */
  public String extension() {
    return extension;
  }

  /** The name used on the command line and in manifests. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  abstract ShardSink open(Path file, ShardOptions options) throws IOException;

  /** Parses {@code --format}. */
  public static ShardFormat parse(String value) {
    for (ShardFormat f : values()) {
      if (f.flagValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--format="
            + value
            + ": must be one of "
            + Arrays.stream(values())
                .map(ShardFormat::flagValue)
                .collect(Collectors.joining(", ")));
  }

  /** An open shard file: samples are appended in their final order. */
  interface ShardSink {
    /**
     * Appends a sample: kiln shards store its record bytes; other formats its decoded fields.
     *
     * @return where it lies in the file, {offset, length}; {-1, -1} when not addressable
     */
    long[] write(EncodedSample sample) throws IOException;

    /** Completes the file and reports it. */
    WrittenShard finish() throws IOException;

    void abort();
  }

  /** A shard whose format has no per-sample byte range (a reader must scan it). */
  abstract static class UnaddressedSink implements ShardSink {
    long count;

    static long[] unaddressed() {
      return new long[] {-1, -1};
    }
  }

  /**
   * A completed shard file.
   *
   * @param fileCrc32c the whole file's CRC32C (unsigned) when the writer computed it (kiln shards,
   *     for the dataset index), else {@link #NO_CRC}
   */
  record WrittenShard(ShardFile file, long fileCrc32c) {
    static final long NO_CRC = -1;
  }
}
