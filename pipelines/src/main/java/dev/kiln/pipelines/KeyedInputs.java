package dev.kiln.pipelines;

import dev.kiln.formats.InputRecord;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Stage;
import dev.kiln.transforms.beam.KilnCounters;
import dev.kiln.transforms.beam.RejectionCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Matched files to keyed inputs: drops files that are not inputs (hidden, other extensions), keys
 * the rest by relative path, and rejects every input whose key is shared with another ({@code
 * a.jpg} and {@code a.png}) with reason {@code duplicate-key}, so no sample is silently
 * overwritten.
 *
 * <p>Duplicates are found by grouping on a bucket of the key's hash rather than on the key itself:
 * the Direct runner runs every downstream step once per group, and one group per input made it 10x
 * slower than Flink. How many buckets keep every worker busy depends on the runner ({@link
 * PreparePipeline#inputGroups}).
 */
public final class KeyedInputs
    extends PTransform<PCollection<MatchResult.Metadata>, PCollectionTuple> {
  public static final TupleTag<KV<String, MatchResult.Metadata>> UNIQUE = new TupleTag<>() {};
  public static final TupleTag<Rejection> DUPLICATES = new TupleTag<>() {};

  private final InputFiles inputs;
  private final int buckets;
  private final String staging;

  /**
   * @param buckets how many groups the inputs are checked for duplicates in; each group is then
   *     processed by one worker, so use several per worker
   * @param staging staging directory that receives each bucket's listing ({@code _parts/}), or null
   *     to record none (a pipeline that does not make incremental datasets)
   */
  public KeyedInputs(InputFiles inputs, int buckets, String staging) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be positive: " + buckets);
    }
    this.inputs = inputs;
    this.buckets = buckets;
    this.staging = staging;
  }

  @Override
  public PCollectionTuple expand(PCollection<MatchResult.Metadata> matched) {
    PCollectionTuple split =
        matched
            .apply("Key by relative path", ParDo.of(new KeyFn(inputs, buckets)))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), MetadataCoderV2.of())))
            .apply("Group by key bucket", GroupByKey.create())
            .apply(
                "Reject duplicate keys",
                ParDo.of(new SplitDuplicatesFn(staging))
                    .withOutputTags(UNIQUE, TupleTagList.of(DUPLICATES)));
    split.get(UNIQUE).setCoder(KvCoder.of(StringUtf8Coder.of(), MetadataCoderV2.of()));
    split.get(DUPLICATES).setCoder(RejectionCoder.of());
    return split;
  }

  /** Keys each accepted file and puts it in its key's bucket; counts the ignored ones. */
  static final class KeyFn
      extends DoFn<MatchResult.Metadata, KV<Integer, KV<String, MatchResult.Metadata>>> {
    private final InputFiles inputs;
    private final int buckets;

    KeyFn(InputFiles inputs, int buckets) {
      this.inputs = inputs;
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        OutputReceiver<KV<Integer, KV<String, MatchResult.Metadata>>> out) {
      if (file.resourceId().isDirectory()) {
        return; // not a file: neither an input nor ignored
      }
      String path = file.resourceId().toString();
      String ignoreReason = inputs.ignoreReason(path);
      if (ignoreReason != null) {
        KilnCounters.ignored(ignoreReason);
        return;
      }
      String key = inputs.keyOf(path);
      out.output(KV.of(SampleOrder.shardOf(key, buckets), KV.of(key, file)));
    }
  }

  /** {@link #splitDuplicates} on one key bucket. */
  static final class SplitDuplicatesFn
      extends DoFn<
          KV<Integer, Iterable<KV<String, MatchResult.Metadata>>>,
          KV<String, MatchResult.Metadata>> {
    private final String staging;

    SplitDuplicatesFn(String staging) {
      this.staging = staging;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<String, MatchResult.Metadata>>> bucket,
        MultiOutputReceiver out)
        throws IOException {
      Map<String, List<MatchResult.Metadata>> byKey = new TreeMap<>();
      for (KV<String, MatchResult.Metadata> input : bucket.getValue()) {
        byKey.computeIfAbsent(input.getKey(), k -> new ArrayList<>()).add(input.getValue());
      }
      if (staging == null) {
        splitDuplicates(byKey, out.get(UNIQUE)::output, out.get(DUPLICATES)::output);
      } else {
        Path dir = WorkerStaging.localDir(staging);
        splitDuplicates(
            dir, bucket.getKey(), byKey, out.get(UNIQUE)::output, out.get(DUPLICATES)::output);
        WorkerStaging.deliver(dir, staging);
      }
    }
  }

  /**
   * Passes keys held by one file to {@code unique}; rejects every file of a key held by several
   * into {@code duplicates}. Records the bucket's unique inputs (path, size, modification time) in
   * the staging directory's listing part {@code bucket}, from which the dataset's {@code
   * inputs.jsonl} is made for the next incremental run.
   */
  public static void splitDuplicates(
      Path staging,
      int bucket,
      Map<String, List<MatchResult.Metadata>> byKey,
      Consumer<KV<String, MatchResult.Metadata>> unique,
      Consumer<Rejection> duplicates)
      throws IOException {
    List<InputRecord> listing = splitDuplicates(byKey, unique, duplicates);
    Files.createDirectories(StagingLayout.parts(staging));
    PartFiles.writeListing(StagingLayout.listingPart(staging, bucket), listing);
  }

  /**
   * As {@link #splitDuplicates(Path, int, Map, Consumer, Consumer)}, but returns the listing of the
   * unique inputs instead of staging it: for a runner that hands it to {@link StagedDataset} in
   * memory ({@link StagedParts}).
   */
  public static List<InputRecord> splitDuplicates(
      Map<String, List<MatchResult.Metadata>> byKey,
      Consumer<KV<String, MatchResult.Metadata>> unique,
      Consumer<Rejection> duplicates) {
    List<InputRecord> listing = new ArrayList<>();
    byKey.forEach(
        (key, files) -> {
          if (files.size() == 1) {
            MatchResult.Metadata f = files.get(0);
            listing.add(
                new InputRecord(
                    key,
                    f.resourceId().toString(),
                    f.sizeBytes(),
                    f.lastModifiedMillis(),
                    "",
                    false));
            unique.accept(KV.of(key, f));
          } else {
            rejectAll(key, files, duplicates);
          }
        });
    return listing;
  }

  private static void rejectAll(
      String key, List<MatchResult.Metadata> files, Consumer<Rejection> duplicates) {
    List<MatchResult.Metadata> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(f -> f.resourceId().toString()));
    List<String> names = sorted.stream().map(f -> f.resourceId().getFilename()).toList();
    for (MatchResult.Metadata f : sorted) {
      KilnCounters.inputRejected(RejectReason.DUPLICATE_KEY.code());
      duplicates.accept(
          new Rejection(
              key,
              f.resourceId().toString(),
              Stage.MATCH,
              RejectReason.DUPLICATE_KEY,
              "key '" + key + "' is shared by " + String.join(", ", names),
              f.sizeBytes()));
    }
  }
}
