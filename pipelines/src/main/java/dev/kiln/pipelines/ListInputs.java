package dev.kiln.pipelines;

import dev.kiln.formats.Rejection;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.transforms.beam.KilnCounters;
import dev.kiln.transforms.beam.RejectionCoder;
import java.io.IOException;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lists every input: local inputs with {@link LocalInputWalker} (which reports symlink loops,
 * dangling links and unreadable directories as rejections instead of looping or dropping them),
 * {@code s3://} objects from the object listing ({@link ObjectStoreListing}), other remote file
 * systems with Beam's {@code FileSystems.match}.
 */
public final class ListInputs extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<MatchResult.Metadata> FILES = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTS = new TupleTag<>() {};

  private final InputFiles inputs;

  public ListInputs(InputFiles inputs) {
    this.inputs = inputs;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    if (!LocalInputWalker.isLocal(inputs.glob())) {
      InputFiles files = inputs;
      // Not FileIO.match(): it hands its matches through a Reshuffle in MetadataCoder, which
      // drops each file's modification time, so a Flink run (whose shuffles encode) recorded 0
      // where the local and direct runners recorded the object's time. As for local trees, one
      // matcher finds every file and KeyedInputs' grouping spreads them.
      PCollection<MatchResult.Metadata> matched =
          begin
              .apply("Input glob", Create.of(inputs.glob()))
              .apply("Match files", ParDo.of(new MatchFn(files)))
              .setCoder(MetadataCoderV2.of())
              .apply("Keep this split", Filter.by(m -> files.inSplit(m.resourceId().toString())))
              .setCoder(MetadataCoderV2.of());
      PCollection<Rejection> none =
          begin.apply("No listing rejects", Create.empty(RejectionCoder.of()));
      return PCollectionTuple.of(FILES, matched).and(REJECTS, none);
    }
    PCollectionTuple listed =
        begin
            .apply("Input root", Create.of(inputs.root()))
            .apply(
                "Walk input tree",
                ParDo.of(new WalkFn(inputs)).withOutputTags(FILES, TupleTagList.of(REJECTS)));
    // One walker finds every file; KeyedInputs' grouping by key bucket then spreads them over
    // the workers (a Reshuffle here would cost the Direct runner a bundle per file).
    PCollection<MatchResult.Metadata> files = listed.get(FILES).setCoder(MetadataCoderV2.of());
    return PCollectionTuple.of(FILES, files)
        .and(REJECTS, listed.get(REJECTS).setCoder(RejectionCoder.of()));
  }

  /**
   * Matches the one glob element (an empty match is no error): the launcher's listing when it
   * handed one over ({@link LauncherListing}), {@code s3://} objects from the listing alone ({@link
   * ObjectStoreListing}), other file systems with Beam's {@code match}.
   */
  static final class MatchFn extends DoFn<String, MatchResult.Metadata> {
    private final InputFiles inputs;

    MatchFn(InputFiles inputs) {
      this.inputs = inputs;
    }

    @ProcessElement
    public void process(
        @Element String glob, OutputReceiver<MatchResult.Metadata> out, PipelineOptions options)
        throws IOException {
      if (inputs.listing() != null) {
        LauncherListing.read(inputs.listing(), out::output);
        return;
      }
      if (S3Location.isS3(glob)) {
        try (S3Objects store = WorkerObjectStore.of(options)) {
          for (MatchResult.Metadata m :
              ObjectStoreListing.list(
                  store,
                  inputs,
                  (bucket, key) ->
                      FileSystems.matchNewResource(
                          S3Location.SCHEME + bucket + "/" + key, false))) {
            out.output(m);
          }
        }
        return;
      }
      for (MatchResult.Metadata m : FileSystems.match(glob, EmptyMatchTreatment.ALLOW).metadata()) {
        out.output(m);
      }
    }
  }

  /** Walks the local input tree from the one root element. */
  static final class WalkFn extends DoFn<String, MatchResult.Metadata> {
    private final InputFiles inputs;

    WalkFn(InputFiles inputs) {
      this.inputs = inputs;
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) throws IOException {
      LocalInputWalker.walk(
          inputs,
          found -> {
            // With --split, the other splits' inputs belong to other datasets.
            if (inputs.inSplit(found.path().toString())) {
              out.get(FILES).output(InputListing.metadataOf(found));
            }
          },
          rejection -> {
            if (inputs.inSplit(rejection.path())) {
              KilnCounters.inputRejected(rejection.reason());
              out.get(REJECTS).output(rejection);
            }
          },
          ignored -> KilnCounters.ignored(ignored.reason()));
    }
  }
}
