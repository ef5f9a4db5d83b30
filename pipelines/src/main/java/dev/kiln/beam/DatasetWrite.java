package dev.kiln.beam;

import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Locations;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.pipelines.DirectorySwap;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.pipelines.WriteRejects;
import dev.kiln.pipelines.WriteShards;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * A sink that writes {@link Sample}s as a Kiln dataset directory: deterministic shards (a salted
 * hash of each key picks its shard and its place in it, so the same samples give the same bytes on
 * every runner and parallelism), {@code index.kidx} for kiln shards, {@code catalog.parquet},
 * {@code inputs.jsonl}, {@code rejects/rejects.jsonl} and {@code manifest.json}, written last.
 * Everything is written into a hidden staging directory beside the target and renamed into place
 * when complete, so a reader never sees a partial dataset; an existing target is refused unless
 * {@link #withOverwrite()}.
 *
 * <p>Made by {@link KilnIO#write()} (kiln shards, one aligned read per sample) and {@link
 * WebDatasetIO#write()} (tar shards). Its output is the published directory's path, once, when the
 * dataset is complete.
 *
 * <pre>{@code
 * samples.apply("Write dataset", KilnIO.write()
 *     .to("/data/datasets/photos-128")
 *     .withShardSize(256L << 20)
 *     .withRejects(prepared.rejects()));
 * }</pre>
 *
 * <p>The target must be on a filesystem every worker and the finishing worker share (a local disk
 * for the DirectRunner or an embedded Flink; a shared mount for a cluster).
 */
public final class DatasetWrite extends PTransform<PCollection<Sample>, PCollection<String>> {
  private final ShardFormat format;
  private final String location;
  private final ShardOptions shards;
  private final PCollection<Rejection> rejects;
  private final boolean overwrite;
  private final boolean staged;

  private DatasetWrite(
      ShardFormat format,
      String location,
      ShardOptions shards,
      PCollection<Rejection> rejects,
      boolean overwrite,
      boolean staged) {
    this.format = format;
    this.location = location;
    this.shards = shards;
    this.rejects = rejects;
    this.overwrite = overwrite;
    this.staged = staged;
  }

  static DatasetWrite of(ShardFormat format) {
    return of(format, ShardOptions.of(256L << 20));
  }

  /** A write of {@code format} with every shard option at once (what {@code kiln prepare} sets). */
  @Internal
  public static DatasetWrite of(ShardFormat format, ShardOptions shards) {
    return new DatasetWrite(format, null, shards, null, false, false);
  }

  /** The dataset directory to publish. */
  public DatasetWrite to(String directory) {
    return new DatasetWrite(format, directory, shards, rejects, overwrite, staged);
  }

  /**
   * Target shard size in bytes (default 256 MiB); the shard count is {@code ceil(total sample bytes
   * / size)}.
   */
  public DatasetWrite withShardSize(long bytes) {
    return new DatasetWrite(
        format,
        location,
        new ShardOptions(bytes, shards.align(), shards.parquetRowGroupBytes()),
        rejects,
        overwrite,
        staged);
  }

  /** Record alignment of kiln shards: a power of two, default 4096; 0 packs records. */
  public DatasetWrite withAlignment(int align) {
    return new DatasetWrite(
        format,
        location,
        new ShardOptions(shards.targetBytes(), align, shards.parquetRowGroupBytes()),
        rejects,
        overwrite,
        staged);
  }

  /**
   * The dead-letter collection of the steps before, written to {@code rejects/rejects.jsonl} and
   * counted by reason in the manifest.
   */
  public DatasetWrite withRejects(PCollection<Rejection> rejected) {
    return new DatasetWrite(format, location, shards, rejected, overwrite, staged);
  }

  /** Replaces an existing dataset at the target (after the new one is complete). */
  public DatasetWrite withOverwrite() {
    return new DatasetWrite(format, location, shards, rejects, true, staged);
  }

  /**
   * Writes the shards and rejects into the target as a staging directory and leaves finishing and
   * publishing to the caller ({@link StagedDataset#finish}): what {@code kiln prepare} does, which
   * publishes into versioned roots under a lock after the job.
   */
  public DatasetWrite staged() {
    return new DatasetWrite(format, location, shards, rejects, overwrite, true);
  }

  @Override
  public PCollection<String> expand(PCollection<Sample> samples) {
    if (location == null) {
      throw new IllegalArgumentException("a dataset write needs .to(directory)");
    }
    if (staged && Locations.isRemote(location)) {
      // An object-store prefix the workers upload into (kiln prepare on a cluster without a
      // shared filesystem); no Path can name it.
      return writeStaged(samples, location);
    }
    Path target = Path.of(location).toAbsolutePath().normalize();
    // Chosen once, when the pipeline is built, so every worker writes into the same directory.
    String staging =
        staged
            ? target.toString()
            : DirectorySwap.stagingFor(target, UUID.randomUUID().toString()).toString();
    if (staged) {
      return writeStaged(samples, staging);
    }
    return written(samples, staging)
        .apply(
            "Finish and publish",
            ParDo.of(new FinishFn(format, staging, target.toString(), overwrite)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Writes into {@code staging} and emits it once the shards and rejects are written. */
  private PCollection<String> writeStaged(PCollection<Sample> samples, String staging) {
    return written(samples, staging)
        .apply("Staged", MapElements.into(TypeDescriptors.strings()).via(n -> staging))
        .setCoder(StringUtf8Coder.of());
  }

  /** The shards and rejects written into {@code staging}: one element once all are. */
  private PCollection<Long> written(PCollection<Sample> samples, String staging) {
    PCollection<Long> written =
        samples
            .apply("Write shards", new WriteShards(format, shards, staging))
            .apply("Count shards", Count.globally());
    if (rejects != null) {
      PCollection<Long> rejectsWritten = rejects.apply("Write rejects", new WriteRejects(staging));
      written = written.apply("After rejects", Wait.on(rejectsWritten));
    }
    return written;
  }

  /** Runs once, after every shard and the rejects are written. */
  private static final class FinishFn extends DoFn<Long, String> {
    private final ShardFormat format;
    private final String staging;
    private final String target;
    private final boolean overwrite;

    FinishFn(ShardFormat format, String staging, String target, boolean overwrite) {
      this.format = format;
      this.staging = staging;
      this.target = target;
      this.overwrite = overwrite;
    }

    @ProcessElement
    public void process(OutputReceiver<String> out) throws IOException {
      Path dir = Path.of(staging);
      try {
        // No sample and no reject: no worker made the directory, and the dataset is empty.
        Files.createDirectories(dir);
        StagedDataset.finishUnlisted(
            dir, format, Map.of("format", format.flagValue()), KilnVersion.get());
        out.output(DirectorySwap.publish(dir, Path.of(target), overwrite).toString());
      } catch (IOException | RuntimeException e) {
        FileTrees.delete(dir);
        throw e;
      }
    }
  }
}
