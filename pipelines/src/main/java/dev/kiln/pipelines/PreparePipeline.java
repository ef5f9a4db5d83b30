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
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.prepare.InputLimits;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
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

  /**
   * Adds the prepare steps to {@code pipeline}.
   *
   * @param staging directory the workers write into (must be visible to every worker)
   * @param parallelism the number of parallel workers the runner uses (a hint for grouping)
   * @param previousVersion for an incremental run, the dataset version whose unchanged samples are
   *     carried over instead of decoded again; null for a full run
   */
  public static void build(
      Pipeline pipeline,
      InputFiles inputs,
      PrepareSettings settings,
      InputLimits limits,
      ShardFormat format,
      ShardOptions shards,
      String staging,
      int parallelism,
      String previousVersion) {
    build(
        pipeline,
        inputs,
        settings,
        limits,
        format,
        shards,
        staging,
        parallelism,
        previousVersion,
        Framing.none());
  }

  /**
   * Adds the prepare steps to {@code pipeline}, with object annotations and framing.
   *
   * @param staging directory the workers write into (must be visible to every worker)
   * @param parallelism the number of parallel workers the runner uses (a hint for grouping)
   * @param previousVersion for an incremental run, the dataset version whose unchanged samples are
   *     carried over instead of decoded again; null for a full run
   * @param framing where boxes come from and what samples an image becomes ({@code --framing})
   */
  public static void build(
      Pipeline pipeline,
      InputFiles inputs,
      PrepareSettings settings,
      InputLimits limits,
      ShardFormat format,
      ShardOptions shards,
      String staging,
      int parallelism,
      String previousVersion,
      Framing framing) {
    build(
        pipeline,
        inputs,
        settings,
        limits,
        format,
        shards,
        staging,
        parallelism,
        previousVersion,
        framing,
        Labeller.none());
  }

  /**
   * Adds the prepare steps to {@code pipeline}, with object annotations, framing and labels.
   *
   * @param labeller each input's class, caption and extra fields ({@code --labels}, {@code
   *     --metadata}); also applied to samples carried over
   */
  public static void build(
      Pipeline pipeline,
      InputFiles inputs,
      PrepareSettings settings,
      InputLimits limits,
      ShardFormat format,
      ShardOptions shards,
      String staging,
      int parallelism,
      String previousVersion,
      Framing framing,
      Labeller labeller) {
    WithRejects<KV<String, FileIO.ReadableFile>> listed =
        pipeline.apply(
            "List images",
            ListImages.of(inputs)
                .withDuplicateBuckets(8 * Math.max(1, parallelism))
                .recordingListingIn(staging));
    PCollection<KV<String, FileIO.ReadableFile>> opened = listed.output();

    PCollectionList<Sample> carried = PCollectionList.empty(pipeline);
    if (previousVersion != null) {
      PCollectionTuple split =
          opened.apply(
              "Carry over unchanged samples",
              ParDo.of(new CarryOverFn(previousVersion, labeller))
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
                .withSettings(settings)
                .withLimits(limits)
                .withFraming(framing)
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
        "Write dataset", DatasetWrite.of(format, shards).to(staging).withRejects(rejects).staged());
  }
}
