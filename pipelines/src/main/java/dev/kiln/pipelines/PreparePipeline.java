package dev.kiln.pipelines;

import dev.kiln.beam.DatasetWrite;
import dev.kiln.beam.ListImages;
import dev.kiln.beam.NormalizeImages;
import dev.kiln.beam.WithRejects;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.transforms.beam.CarryOverFn;
import dev.kiln.transforms.beam.RejectionCoder;
import dev.kiln.transforms.beam.SampleCoder;
import dev.kiln.transforms.labels.Labeller;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The {@code prepare} job: match input files, key them, decode and normalize each image, and write
 * shards and rejects into a staging directory ({@link PrepareOptions#getOutput()}). {@link
 * StagedDataset#finish} then turns the staging directory into a dataset.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  /** The Direct runner's class, named so that this module needs the runner only in its tests. */
  private static final String DIRECT_RUNNER = "org.apache.beam.runners.direct.DirectRunner";

  /**
   * How many groups the inputs are keyed into (and checked for duplicate keys in); each group's
   * images are then prepared by the worker that got the group. The Direct runner makes every group
   * a bundle of its own, with a spill file and the steps' per-bundle work, so it gets 8 a worker
   * (64 a worker made a 10,000-image run ~2 s slower, 19.4-19.5 s against 16.8-17.8 s). Flink
   * hashes the groups onto its workers, so with few groups one worker gets far more images than
   * another and finishes alone: with 16 groups on 2 workers a 10,000-image {@code flink-local} run
   * ended on one core for its last ~4 s (20.6-22.3 s); with 64 a worker, 18.4-18.8 s.
   */
  public static int inputGroups(PipelineOptions options, int parallelism) {
    boolean bundlePerGroup = options.getRunner().getName().equals(DIRECT_RUNNER);
    return (bundlePerGroup ? 8 : 64) * Math.max(1, parallelism);
  }

  /**
   * Adds {@code job}'s steps to {@code pipeline}.
   *
   * @param staging directory the workers write into (must be visible to every worker)
   * @param parallelism the number of parallel workers the runner uses (a hint for grouping)
   */
  public static void build(Pipeline pipeline, PrepareJob job, String staging, int parallelism) {
    Labeller labeller = job.labeller();
    WithRejects<KV<String, FileIO.ReadableFile>> listed =
        pipeline.apply(
            "List images",
            ListImages.of(job.inputs())
                .withDuplicateBuckets(inputGroups(pipeline.getOptions(), parallelism))
                .recordingListingIn(staging));
    PCollection<KV<String, FileIO.ReadableFile>> opened = listed.output();

    PCollectionList<Sample> carried = PCollectionList.empty(pipeline);
    if (job.previousVersion() != null) {
      PCollectionTuple split =
          opened.apply(
              "Carry over unchanged samples",
              ParDo.of(new CarryOverFn(job.previousVersion(), labeller))
                  .withOutputTags(CarryOverFn.TO_PREPARE, TupleTagList.of(CarryOverFn.CARRIED)));
      carried = carried.and(split.get(CarryOverFn.CARRIED).setCoder(SampleCoder.of()));
      opened =
          split
              .get(CarryOverFn.TO_PREPARE)
              .setCoder(KvCoder.of(StringUtf8Coder.of(), ReadableFileCoder.of()));
    }

    WithRejects<Sample> prepared =
        opened.apply(
            "Normalize images",
            NormalizeImages.fromFiles()
                .withSettings(job.settings())
                .withLimits(job.limits())
                .withFraming(job.framing())
                .withLabeller(labeller));

    PCollection<Sample> samples =
        carried
            .and(prepared.output())
            .apply("All samples", Flatten.pCollections())
            .setCoder(SampleCoder.of());
    PCollection<Rejection> rejects =
        PCollectionList.of(listed.rejects())
            .and(prepared.rejects())
            .apply("All rejects", Flatten.pCollections())
            .setCoder(RejectionCoder.of());
    samples.apply(
        "Write dataset",
        DatasetWrite.of(job.format(), job.shards()).to(staging).withRejects(rejects).staged());
  }
}
