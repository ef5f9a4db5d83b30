package dev.kiln.transforms.beam;

import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.image.PrepareSettings;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Thin Beam wrapper around {@link InputPreparer}: reads one keyed input file and emits either
 * {@link Sample}s (main output) or a {@link Rejection} ({@link #REJECTS}).
 */
public final class PrepareImageFn extends DoFn<KV<String, FileIO.ReadableFile>, Sample> {
  public static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTS = new TupleTag<>() {};

  private final PrepareSettings settings;
  private final InputLimits limits;
  private final Framing framing;
  private final Labeller labeller;
  private transient InputPreparer preparer;

  /** Without annotations or framing: one sample per input. */
  public PrepareImageFn(PrepareSettings settings, InputLimits limits) {
    this(settings, limits, Framing.none());
  }

  /** With the annotations and framing of {@code framing}. */
  public PrepareImageFn(PrepareSettings settings, InputLimits limits, Framing framing) {
    this(settings, limits, framing, Labeller.none());
  }

  /** With the annotations and framing of {@code framing} and the labels of {@code labeller}. */
  public PrepareImageFn(
      PrepareSettings settings, InputLimits limits, Framing framing, Labeller labeller) {
    this.settings = settings;
    this.limits = limits;
    this.framing = framing;
    this.labeller = labeller;
  }

  @Setup
  public void setup() {
    preparer = new InputPreparer(settings, limits, framing, labeller);
  }

  @Teardown
  public void teardown() {
    if (preparer != null) {
      preparer.close();
    }
  }

  @ProcessElement
  public void process(@Element KV<String, FileIO.ReadableFile> input, MultiOutputReceiver out) {
    FileIO.ReadableFile file = input.getValue();
    preparer.prepare(
        input.getKey(),
        file.getMetadata().resourceId().toString(),
        file.getMetadata().sizeBytes(),
        file::readFullyAsBytes,
        out.get(SAMPLES)::output,
        out.get(REJECTS)::output);
  }
}
