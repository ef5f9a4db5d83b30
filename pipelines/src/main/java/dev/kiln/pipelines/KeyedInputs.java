package dev.kiln.pipelines;

import dev.kiln.formats.Rejection;
import dev.kiln.transforms.beam.KilnCounters;
import dev.kiln.transforms.beam.RejectionCoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
 * Matched files to keyed inputs: drops files that are not inputs (hidden, other extensions),
 * keys the rest by relative path, and rejects every input whose key is shared with another
 * ({@code a.jpg} and {@code a.png}) with reason {@code duplicate-key}, so no sample is silently
 * overwritten.
 */
public final class KeyedInputs
    extends PTransform<PCollection<MatchResult.Metadata>, PCollectionTuple> {
  public static final TupleTag<KV<String, MatchResult.Metadata>> UNIQUE = new TupleTag<>() {};
  public static final TupleTag<Rejection> DUPLICATES = new TupleTag<>() {};

  private final InputFiles inputs;

  public KeyedInputs(InputFiles inputs) {
    this.inputs = inputs;
  }

  @Override
  public PCollectionTuple expand(PCollection<MatchResult.Metadata> matched) {
    PCollectionTuple split =
        matched
            .apply("Key by relative path", ParDo.of(new KeyFn(inputs)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), MetadataCoderV2.of()))
            .apply("Group by key", GroupByKey.create())
            .apply(
                "Reject duplicate keys",
                ParDo.of(new SplitDuplicatesFn())
                    .withOutputTags(UNIQUE, TupleTagList.of(DUPLICATES)));
    split.get(UNIQUE).setCoder(KvCoder.of(StringUtf8Coder.of(), MetadataCoderV2.of()));
    split.get(DUPLICATES).setCoder(RejectionCoder.of());
    return split;
  }

  /** Keys each accepted file; counts the ignored ones. */
  static final class KeyFn extends DoFn<MatchResult.Metadata, KV<String, MatchResult.Metadata>> {
    private final InputFiles inputs;

    KeyFn(InputFiles inputs) {
      this.inputs = inputs;
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, OutputReceiver<KV<String, MatchResult.Metadata>> out) {
      String path = file.resourceId().toString();
      if (file.resourceId().isDirectory() || !inputs.accepts(path)) {
        KilnCounters.counter("ignored").inc();
        return;
      }
      out.output(KV.of(inputs.keyOf(path), file));
    }
  }

  /** Passes keys held by one file; rejects every file of a key held by several. */
  static final class SplitDuplicatesFn
      extends DoFn<KV<String, Iterable<MatchResult.Metadata>>, KV<String, MatchResult.Metadata>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<MatchResult.Metadata>> group, MultiOutputReceiver out) {
      List<MatchResult.Metadata> files = new ArrayList<>();
      group.getValue().forEach(files::add);
      if (files.size() == 1) {
        out.get(UNIQUE).output(KV.of(group.getKey(), files.get(0)));
        return;
      }
      files.sort(Comparator.comparing(f -> f.resourceId().toString()));
      List<String> names = files.stream().map(f -> f.resourceId().getFilename()).toList();
      for (MatchResult.Metadata f : files) {
        KilnCounters.counter(KilnCounters.INPUTS).inc();
        KilnCounters.rejected("duplicate-key").inc();
        out.get(DUPLICATES)
            .output(
                new Rejection(
                    group.getKey(),
                    f.resourceId().toString(),
                    "match",
                    "duplicate-key",
                    "key '" + group.getKey() + "' is shared by " + String.join(", ", names),
                    f.sizeBytes()));
      }
    }
  }
}
