package dev.kiln.pipelines;

import dev.kiln.formats.Sample;
import dev.kiln.transforms.beam.CarryOverFn;
import dev.kiln.transforms.beam.InputLimits;
import dev.kiln.transforms.beam.PrepareImageFn;
import dev.kiln.transforms.beam.RejectionCoder;
import dev.kiln.transforms.beam.SampleCoder;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.labels.Labeller;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The {@code prepare} job: match input files, key them, decode and normalize each image, and
 * write shards and rejects into a staging directory ({@link PrepareOptions#getOutput()}).
 * {@link StagedDataset#finish} then turns the staging directory into a dataset.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  /**
   * Adds the prepare steps to {@code pipeline}.
   *
   * @param staging directory the workers write into (must be visible to every worker)
   * @param parallelism the number of parallel workers the runner uses (a hint for grouping)
   * @param previousVersion for an incremental run, the dataset version whose unchanged samples
   *     are carried over instead of decoded again; null for a full run
   */
  public static void build(
      Pipeline pipeline, InputFiles inputs, PrepareSettings settings, InputLimits limits,
      ShardFormat format, ShardOptions shards, String staging, int parallelism,
      String previousVersion) {
    build(pipeline, inputs, settings, limits, format, shards, staging, parallelism,
        previousVersion, Framing.none());
  }

  /**
   * Adds the prepare steps to {@code pipeline}, with object annotations and framing.
   *
   * @param staging directory the workers write into (must be visible to every worker)
   * @param parallelism the number of parallel workers the runner uses (a hint for grouping)
   * @param previousVersion for an incremental run, the dataset version whose unchanged samples
   *     are carried over instead of decoded again; null for a full run
   * @param framing where boxes come from and what samples an image becomes ({@code --framing})
   */
  public static void build(
      Pipeline pipeline, InputFiles inputs, PrepareSettings settings, InputLimits limits,
      ShardFormat format, ShardOptions shards, String staging, int parallelism,
      String previousVersion, Framing framing) {
    build(pipeline, inputs, settings, limits, format, shards, staging, parallelism,
        previousVersion, framing, Labeller.none());
  }

  /**
   * Adds the prepare steps to {@code pipeline}, with object annotations, framing and labels.
   *
   * @param labeller each input's class, caption and extra fields ({@code --labels},
   *     {@code --metadata}); also applied to samples carried over
   */
  public static void build(
      Pipeline pipeline, InputFiles inputs, PrepareSettings settings, InputLimits limits,
      ShardFormat format, ShardOptions shards, String staging, int parallelism,
      String previousVersion, Framing framing, Labeller labeller) {
    PCollectionTuple listed = pipeline.apply("List inputs", new ListInputs(inputs));
    PCollectionTuple keyed =
        listed
            .get(ListInputs.FILES)
            .apply("Key inputs", new KeyedInputs(inputs, 8 * Math.max(1, parallelism), staging));

    PCollection<KV<String, FileIO.ReadableFile>> opened =
        keyed
            .get(KeyedInputs.UNIQUE)
            .apply("Drop keys", Values.create())
            .apply("Open files", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
            .apply(
                "Re-key files",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), new TypeDescriptor<FileIO.ReadableFile>() {}))
                    .via(f -> KV.of(inputs.keyOf(f.getMetadata().resourceId().toString()), f)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ReadableFileCoder.of()));

    PCollectionList<Sample> carried = PCollectionList.empty(pipeline);
    if (previousVersion != null) {
      PCollectionTuple split =
          opened.apply(
              "Carry over unchanged samples",
              ParDo.of(new CarryOverFn(previousVersion, labeller))
                  .withOutputTags(CarryOverFn.TO_PREPARE, TupleTagList.of(CarryOverFn.CARRIED)));
      carried = carried.and(split.get(CarryOverFn.CARRIED).setCoder(SampleCoder.of()));
      opened =
          split.get(CarryOverFn.TO_PREPARE).setCoder(KvCoder.of(StringUtf8Coder.of(), ReadableFileCoder.of()));
    }

    PCollectionTuple prepared =
        opened
            .apply(
                "Decode, normalize, encode",
                ParDo.of(new PrepareImageFn(settings, limits, framing, labeller))
                    .withOutputTags(PrepareImageFn.SAMPLES, TupleTagList.of(PrepareImageFn.REJECTS)));

    PCollection<Sample> samples =
        carried
            .and(prepared.get(PrepareImageFn.SAMPLES).setCoder(SampleCoder.of()))
            .apply("All samples", Flatten.pCollections())
            .setCoder(SampleCoder.of());
    samples.apply("Write shards", new WriteShards(format, shards, staging));

    PCollectionList.of(listed.get(ListInputs.REJECTS))
        .and(keyed.get(KeyedInputs.DUPLICATES))
        .and(prepared.get(PrepareImageFn.REJECTS).setCoder(RejectionCoder.of()))
        .apply("All rejects", Flatten.pCollections())
        .setCoder(RejectionCoder.of())
        .apply("Write rejects", new WriteRejects(staging));
  }

}
