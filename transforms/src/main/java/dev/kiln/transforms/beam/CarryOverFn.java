package dev.kiln.transforms.beam;

import dev.kiln.formats.Sample;
import dev.kiln.transforms.labels.Labeller;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * For an incremental run: passes unchanged inputs' samples straight from the previous version
 * ({@link #CARRIED}) and everything else on to decoding (main output). What counts as unchanged is
 * {@link PreviousVersion#carryOver}'s rule.
 */
public final class CarryOverFn
    extends DoFn<KV<String, FileIO.ReadableFile>, KV<String, FileIO.ReadableFile>> {
  public static final TupleTag<KV<String, FileIO.ReadableFile>> TO_PREPARE = new TupleTag<>() {};
  public static final TupleTag<Sample> CARRIED = new TupleTag<>() {};

  private final String previousVersion;
  private final Labeller labeller;

  public CarryOverFn(String previousVersion) {
    this(previousVersion, Labeller.none());
  }

  /** Carries samples over with what {@code labeller} now gives their inputs. */
  public CarryOverFn(String previousVersion, Labeller labeller) {
    this.previousVersion = previousVersion;
    this.labeller = labeller;
  }

  @ProcessElement
  public void process(@Element KV<String, FileIO.ReadableFile> input, MultiOutputReceiver out) {
    MatchResult.Metadata now = input.getValue().getMetadata();
    String path = now.resourceId().toString();
    Labeller.Outcome labelled =
        labeller.label(input.getKey(), InputPreparer.relativePath(input.getKey(), path));
    if (labelled.rejected()) {
      out.get(TO_PREPARE).output(input); // rejected there, with the reason
      return;
    }
    Sample carried =
        PreviousVersion.at(previousVersion)
            .carryOver(
                input.getKey(),
                now.resourceId().toString(),
                now.sizeBytes(),
                now.lastModifiedMillis(),
                input.getValue()::readFullyAsBytes);
    if (carried != null) {
      out.get(CARRIED).output(PreviousVersion.relabel(carried, labelled.fields()));
    } else {
      out.get(TO_PREPARE).output(input);
    }
  }
}
