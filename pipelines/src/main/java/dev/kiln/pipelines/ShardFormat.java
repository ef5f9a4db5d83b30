package dev.kiln.pipelines;

import dev.kiln.formats.Sample;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.webdataset.WebDatasetShardWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The output formats whose shards {@link WriteShards} writes, each with its file writer. */
public enum ShardFormat {
  WEBDATASET("tar") {
    @Override
    ShardSink open(Path file) throws IOException {
      WebDatasetShardWriter writer = WebDatasetShardWriter.open(file);
      return new ShardSink() {
        @Override
        public void write(Sample sample) throws IOException {
          writer.write(sample);
        }

        @Override
        public ShardFile finish() throws IOException {
          writer.close();
          return writer.summary();
        }

        @Override
        public void abort() {
          writer.abort();
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

  abstract ShardSink open(Path file) throws IOException;

  /** Parses {@code --format}. */
  public static ShardFormat parse(String value) {
    for (ShardFormat f : values()) {
      if (f.flagValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--format=" + value + ": must be one of "
            + Arrays.stream(values()).map(ShardFormat::flagValue).collect(Collectors.joining(", ")));
  }

  /** An open shard file: samples are appended in their final order. */
  interface ShardSink {
    void write(Sample sample) throws IOException;

    ShardFile finish() throws IOException;

    void abort();
  }
}
