package dev.kiln.pipelines;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Sample;
import dev.kiln.transforms.beam.SampleCoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes samples into deterministic shard files in the staging directory.
 *
 * <p>The shard count is {@code ceil(total bytes / shard size)}, from the measured sizes of all
 * samples; each sample goes to the shard its key hash falls in ({@link SampleOrder#shardOf}) and
 * sits inside it in key-hash order. Nothing depends on which worker saw which sample, so the
 * files are byte-identical on every runner and parallelism. Emits the index of each shard written.
 */
public final class WriteShards extends PTransform<PCollection<Sample>, PCollection<Integer>> {
  /** Tar/JSON framing per sample, so the estimate tracks the file size for small images too. */
  private static final long PER_SAMPLE_OVERHEAD = 2048;

  private final ShardFormat format;
  private final ShardOptions options;
  private final String staging;

  public WriteShards(ShardFormat format, ShardOptions options, String staging) {
    this.format = format;
    this.options = options;
    this.staging = staging;
  }

  @Override
  public PCollection<Integer> expand(PCollection<Sample> samples) {
    PCollectionView<Long> totalBytes =
        samples
            .apply(
                "Measure samples",
                MapElements.into(TypeDescriptors.longs()).via(WriteShards::measure))
            .apply("Sum sample bytes", Sum.longsGlobally())
            .apply("Total bytes", View.asSingleton());
    return samples
        .apply(
            "Assign shards",
            ParDo.of(new AssignShardFn(totalBytes, options.targetBytes())).withSideInputs(totalBytes))
        .setCoder(KvCoder.of(VarIntCoder.of(), SampleCoder.of()))
        .apply("Group by shard", GroupByKey.create())
        .apply("Write shard files", ParDo.of(new WriteShardFn(format, options, staging)));
  }

  static final class AssignShardFn extends DoFn<Sample, KV<Integer, Sample>> {
    private final PCollectionView<Long> totalBytes;
    private final long shardSize;

    AssignShardFn(PCollectionView<Long> totalBytes, long shardSize) {
      this.totalBytes = totalBytes;
      this.shardSize = shardSize;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int shards = shardCount(c.sideInput(totalBytes), shardSize);
      Sample s = c.element();
      c.output(KV.of(SampleOrder.shardOf(s.key(), shards), s));
    }
  }

  static final class WriteShardFn extends DoFn<KV<Integer, Iterable<Sample>>, Integer> {
    private final ShardFormat format;
    private final ShardOptions options;
    private final String staging;

    WriteShardFn(ShardFormat format, ShardOptions options, String staging) {
      this.format = format;
      this.options = options;
      this.staging = staging;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Sample>> shard, OutputReceiver<Integer> out)
        throws IOException {
      List<EncodedSample> samples = new ArrayList<>();
      shard.getValue().forEach(s -> samples.add(EncodedSample.of(s)));
      writeShard(format, options, Path.of(staging), shard.getKey(), samples);
      out.output(shard.getKey());
    }
  }

  /** A sample's share of the shard-size estimate: its image plus the per-sample framing. */
  public static long measure(Sample sample) {
    return measure(sample.image().length);
  }

  /** The share of a sample whose image is {@code imageLength} bytes long. */
  public static long measure(int imageLength) {
    return imageLength + PER_SAMPLE_OVERHEAD;
  }

  /** How many shards samples measuring {@code totalBytes} in all are split into. */
  public static int shardCount(long totalBytes, long shardSize) {
    return (int) Math.max(1, Math.min(99_999, (totalBytes + shardSize - 1) / shardSize));
  }

  /**
   * Writes shard {@code index} of {@code samples} (in any order; they are put in key-hash order)
   * into the staging directory {@code dir}, then its catalog part, then its description.
   */
  public static void writeShard(
      ShardFormat format, ShardOptions options, Path dir, int index, List<EncodedSample> samples)
      throws IOException {
    StagedShard shard = StagedShard.open(format, options, dir, index);
    try {
      for (EncodedSample s : SampleOrder.sorted(samples, EncodedSample::key)) {
        shard.add(s);
      }
      shard.finish();
    } catch (IOException | RuntimeException e) {
      shard.abort();
      throw e;
    }
  }
}
