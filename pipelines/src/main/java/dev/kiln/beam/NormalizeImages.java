package dev.kiln.beam;

import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.transforms.beam.InputPreparer;
import dev.kiln.transforms.beam.RejectionCoder;
import dev.kiln.transforms.beam.SampleCoder;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.Encoding;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.ResizeMode;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.prepare.InputLimits;
import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Decodes, normalizes and encodes images into {@link Sample}s: any format Kiln reads, to 8-bit sRGB
 * (ICC profiles, CMYK, gray, 16-bit, alpha and EXIF orientation handled), resized with Lanczos to
 * the box and mode set here, framed around annotated objects when {@link #withFraming} says so,
 * encoded as JPEG, PNG or raw pixels. Inputs that cannot become a sample (not an image, truncated,
 * too many pixels, too large, a decoder that hangs past the time limit) go to {@link
 * WithRejects#rejects()} with the reason; the worker goes on.
 *
 * <p>Settings are set by name and checked when set; the defaults are {@code kiln prepare}'s (center
 * crop to 256x256, JPEG quality 90).
 *
 * <pre>{@code
 * PCollection<KV<String, byte[]>> images = ...;          // key -> the image file's bytes
 * WithRejects<Sample> samples =
 *     images.apply("Normalize", NormalizeImages.fromBytes()
 *         .withSize(128, 128)
 *         .withResize(ResizeMode.CENTER_CROP)
 *         .withQuality(85));
 * }</pre>
 *
 * @param <InputT> what an input is: {@code KV<String, byte[]>} ({@link #fromBytes()}) or {@code
 *     KV<String, FileIO.ReadableFile>} ({@link #fromFiles()})
 */
public final class NormalizeImages<InputT>
    extends PTransform<PCollection<InputT>, WithRejects<Sample>> {
  private static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTS = new TupleTag<>() {};

  private final Input<InputT> input;
  private final PrepareSettings settings;
  private final InputLimits limits;
  private final Framing framing;
  private final Labeller labeller;

  private NormalizeImages(
      Input<InputT> input,
      PrepareSettings settings,
      InputLimits limits,
      Framing framing,
      Labeller labeller) {
    this.input = input;
    this.settings = settings;
    this.limits = limits;
    this.framing = framing;
    this.labeller = labeller;
  }

  /** Images given as their file's bytes, by key; a rejection names the key as the path. */
  public static NormalizeImages<KV<String, byte[]>> fromBytes() {
    return new NormalizeImages<>(
        new BytesInput(),
        PrepareSettings.defaults(),
        InputLimits.defaults(),
        Framing.none(),
        Labeller.none());
  }

  /**
   * Images given as files, by key (what {@link ListImages} gives); a file is read when its turn
   * comes, and one that vanished, changed size since it was listed or cannot be read is rejected.
   */
  public static NormalizeImages<KV<String, FileIO.ReadableFile>> fromFiles() {
    return new NormalizeImages<>(
        new FileInput(),
        PrepareSettings.defaults(),
        InputLimits.defaults(),
        Framing.none(),
        Labeller.none());
  }

  /** Every image setting at once (what {@code kiln prepare}'s flags make). */
  public NormalizeImages<InputT> withSettings(PrepareSettings newSettings) {
    return new NormalizeImages<>(input, newSettings, limits, framing, labeller);
  }

  /** The output box, {@code width} x {@code height} pixels. */
  public NormalizeImages<InputT> withSize(int width, int height) {
    return withSettings(settings.withResize(settings.mode(), width, height));
  }

  /** How an image is fitted to the box (default {@link ResizeMode#CENTER_CROP}). */
  public NormalizeImages<InputT> withResize(ResizeMode mode) {
    return withSettings(settings.withResize(mode, settings.width(), settings.height()));
  }

  /** The sample encoding: {@code jpeg} (default), {@code png} or {@code raw}. */
  public NormalizeImages<InputT> withEncoding(String encoding) {
    return withSettings(settings.withEncoding(Encoding.parse(encoding)));
  }

  /** JPEG quality, 1-100 (default 90). */
  public NormalizeImages<InputT> withQuality(int quality) {
    PrepareSettings s = settings;
    return withSettings(
        new PrepareSettings(
            s.mode(),
            s.width(),
            s.height(),
            s.encoding(),
            quality,
            s.maxPixels(),
            s.background(),
            s.padColor(),
            s.upscale(),
            s.keepAlpha(),
            s.linearLight()));
  }

  /** Images whose header declares more pixels are rejected before decoding (default 100 MP). */
  public NormalizeImages<InputT> withMaxPixels(long maxPixels) {
    PrepareSettings s = settings;
    return withSettings(
        new PrepareSettings(
            s.mode(),
            s.width(),
            s.height(),
            s.encoding(),
            s.quality(),
            maxPixels,
            s.background(),
            s.padColor(),
            s.upscale(),
            s.keepAlpha(),
            s.linearLight()));
  }

  /** File size and decode-time limits (default 512 MiB, 30 s). */
  public NormalizeImages<InputT> withLimits(InputLimits newLimits) {
    return new NormalizeImages<>(input, settings, newLimits, framing, labeller);
  }

  /** Object boxes and what samples an image becomes (default: one sample, no boxes). */
  public NormalizeImages<InputT> withFraming(Framing newFraming) {
    return new NormalizeImages<>(input, settings, limits, newFraming, labeller);
  }

  /**
   * Each input's class, caption and extra fields, from class folders or a metadata table ({@code
   * kiln prepare}'s {@code --labels} and {@code --metadata}); default: none.
   */
  public NormalizeImages<InputT> withLabeller(Labeller newLabeller) {
    return new NormalizeImages<>(input, settings, limits, framing, newLabeller);
  }

  /** The image settings in effect. */
  public PrepareSettings settings() {
    return settings;
  }

  @Override
  public WithRejects<Sample> expand(PCollection<InputT> inputs) {
    PCollectionTuple prepared =
        inputs.apply(
            "Decode, normalize, encode",
            ParDo.of(new PrepareFn<>(input, settings, limits, framing, labeller))
                .withOutputTags(SAMPLES, TupleTagList.of(REJECTS)));
    prepared.get(SAMPLES).setCoder(SampleCoder.of());
    prepared.get(REJECTS).setCoder(RejectionCoder.of());
    return WithRejects.of(prepared, SAMPLES, REJECTS);
  }

  /** How an input gives its key, the path a rejection names, its size and its bytes. */
  private interface Input<T> extends Serializable {
    String key(T input);

    String path(T input);

    long size(T input);

    InputPreparer.InputBytes bytes(T input, InputFileReader files);

    /** Whether reading the input waits on a network (object storage), so it is fetched ahead. */
    boolean remote(T input);
  }

  private static final class BytesInput implements Input<KV<String, byte[]>> {
    @Override
    public String key(KV<String, byte[]> input) {
      return input.getKey();
    }

    @Override
    public String path(KV<String, byte[]> input) {
      return input.getKey();
    }

    @Override
    public long size(KV<String, byte[]> input) {
      return input.getValue().length;
    }

    @Override
    public InputPreparer.InputBytes bytes(KV<String, byte[]> input, InputFileReader files) {
      return input::getValue;
    }

    @Override
    public boolean remote(KV<String, byte[]> input) {
      return false;
    }
  }

  private static final class FileInput implements Input<KV<String, FileIO.ReadableFile>> {
    @Override
    public String key(KV<String, FileIO.ReadableFile> input) {
      return input.getKey();
    }

    @Override
    public String path(KV<String, FileIO.ReadableFile> input) {
      return input.getValue().getMetadata().resourceId().toString();
    }

    @Override
    public long size(KV<String, FileIO.ReadableFile> input) {
      return input.getValue().getMetadata().sizeBytes();
    }

    @Override
    public InputPreparer.InputBytes bytes(
        KV<String, FileIO.ReadableFile> input, InputFileReader files) {
      return () -> files.read(input.getValue());
    }

    @Override
    public boolean remote(KV<String, FileIO.ReadableFile> input) {
      return InputFileReader.isRemote(input.getValue());
    }
  }

  /** One {@link InputPreparer} per worker, which keeps its decoder thread and buffers. */
  private static final class PrepareFn<T> extends DoFn<T, Sample> {
    private final Input<T> input;
    private final PrepareSettings settings;
    private final InputLimits limits;
    private final Framing framing;
    private final Labeller labeller;
    private transient InputPreparer preparer;
    private transient InputFileReader files;
    private transient BundleReadAhead<T> readAhead;

    PrepareFn(
        Input<T> input,
        PrepareSettings settings,
        InputLimits limits,
        Framing framing,
        Labeller labeller) {
      this.input = input;
      this.settings = settings;
      this.limits = limits;
      this.framing = framing;
      this.labeller = labeller;
    }

    @Setup
    public void setup() {
      preparer = new InputPreparer(settings, limits, framing, labeller);
    }

    @StartBundle
    public void startBundle(StartBundleContext context) {
      if (files == null) {
        files = new InputFileReader(context.getPipelineOptions());
      }
    }

    @Teardown
    public void teardown() {
      if (preparer != null) {
        preparer.close();
      }
      if (files != null) {
        files.close();
      }
      if (readAhead != null) {
        readAhead.close();
      }
    }

    @ProcessElement
    public void process(
        @Element T element,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        MultiOutputReceiver out) {
      long size = input.size(element);
      // An input rejected unread for its size is not fetched either.
      if (!input.remote(element) || size > limits.maxFileBytes()) {
        prepare(
            element,
            input.bytes(element, files),
            out.get(SAMPLES)::output,
            out.get(REJECTS)::output);
        return;
      }
      if (readAhead == null) {
        readAhead = new BundleReadAhead<>();
      }
      readAhead.add(element, timestamp, window, size, input.bytes(element, files));
      // In the global window of a batch job, as every Kiln input is, an output's window and
      // time are the same whichever input it came from.
      for (BundleReadAhead.Pending<T> p = readAhead.next(false);
          p != null;
          p = readAhead.next(false)) {
        prepare(p.element(), p.bytes(), out.get(SAMPLES)::output, out.get(REJECTS)::output);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (readAhead == null) {
        return;
      }
      for (BundleReadAhead.Pending<T> p = readAhead.next(true);
          p != null;
          p = readAhead.next(true)) {
        BundleReadAhead.Pending<T> last = p;
        prepare(
            last.element(),
            last.bytes(),
            sample -> context.output(SAMPLES, sample, last.timestamp(), last.window()),
            rejection -> context.output(REJECTS, rejection, last.timestamp(), last.window()));
      }
    }

    private void prepare(
        T element,
        InputPreparer.InputBytes bytes,
        Consumer<Sample> samples,
        Consumer<Rejection> rejects) {
      preparer.prepare(
          input.key(element), input.path(element), input.size(element), bytes, samples, rejects);
    }
  }
}
