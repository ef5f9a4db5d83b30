package dev.kiln.transforms.image;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns one raw image file into a training-ready sample by composing the stages, each a class of
 * its own: decode ({@link ImageDecoder}, format sniffed from the bytes) → colour to 8-bit sRGB RGB,
 * alpha over the background or kept as RGBA ({@link ColourConverter}) → orient as EXIF says ({@link
 * Orientation}) → resize per settings or per {@link Frame} ({@link Resizer}) → encode ({@link
 * SampleEncoder}, one per {@link Encoding}). Framing around annotated objects ({@code
 * dev.kiln.transforms.framing.Framer}) chooses the {@link Frame}s.
 *
 * <p>Work is ordered for cost, with the same result as that sequence: the resampler reads the
 * stored (unrotated) pixels through the crop window mapped back from oriented coordinates, and only
 * the small result is rotated and, for non-sRGB ICC sources, colour-converted.
 *
 * <p>Every failure is an {@link ImageRejectedException} with a stage and a stable reason; nothing
 * else escapes for bad input. Instances are cheap, hold no pixel buffers between calls and are
 * meant to be used by one thread at a time (one per DoFn instance).
 */
public final class ImagePreparer {
  private final PrepareSettings settings;
  private final ImageDecoder decoder;
  private final Resizer resizer;

  /** Created on first output and kept: the JPEG one reuses its writer and header. */
  private SampleEncoder encoder;

  /**
   * @param settings what to produce
   */
  public ImagePreparer(PrepareSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.decoder = new ImageDecoder(settings.maxPixels());
    this.resizer = new Resizer(settings);
  }

  /**
   * Which JPEG decoder this JVM uses, for {@code kiln --version}: TurboJPEG for plain JPEGs when
   * libturbojpeg loads, else ImageIO for all (same pixels either way, only the speed differs).
   */
  public static String jpegDecoding() {
    return TurboJpeg.available()
        ? "libturbojpeg (plain JPEGs), ImageIO (other JPEGs)"
        : "ImageIO (libturbojpeg not used: " + TurboJpeg.unavailableReason() + ")";
  }

  /**
   * Which JPEG encoder this JVM uses, for {@code kiln --version}: libjpeg called directly where it
   * loads, else ImageIO's writer (the same bytes either way).
   */
  public static String jpegEncoding() {
    return JpegEncoder.describe();
  }

  /**
   * Where the 8-bit resampler's passes run, for {@code kiln --version}: in C where libkilnresample
   * loads, else in Java (the same bytes either way).
   */
  public static String resampling() {
    return NativeResampler.available()
        ? "C (libkilnresample) for 8-bit RGB, Java for the rest"
        : "Java (libkilnresample not used: " + NativeResampler.unavailableReason() + ")";
  }

  /** The settings this preparer applies. */
  public PrepareSettings settings() {
    return settings;
  }

  /**
   * Prepares one image.
   *
   * @param input the complete file bytes
   * @return encoded output with its size, source facts and frame mapping
   * @throws ImageRejectedException if the input cannot become a sample (see its reason codes)
   */
  public PreparedImage prepare(byte[] input) throws ImageRejectedException {
    return prepareEach(input, List.of(resizer::plan)).get(0);
  }

  /**
   * Prepares several framings of one image (object crops), decoding and colour-converting it once.
   * Each {@link Frame} gives one result, in order, filling the settings' target box as {@link
   * Frame} describes; the settings' resize mode does not apply.
   *
   * @param input the complete file bytes
   * @param frames regions to show, in stored pixel coordinates
   * @return one encoded output per frame, each with its own frame mapping
   * @throws ImageRejectedException if the input cannot become a sample (see its reason codes)
   */
  public List<PreparedImage> prepare(byte[] input, List<Frame> frames)
      throws ImageRejectedException {
    Objects.requireNonNull(frames, "frames");
    List<Planner> planners = new ArrayList<>(frames.size());
    for (Frame frame : frames) {
      planners.add(
          (orientation, sw, sh) ->
              frame.plan(
                  orientation, sw, sh, settings.width(), settings.height(), settings.upscale()));
    }
    return prepareEach(input, planners);
  }

  /** Where one output takes its pixels from, given the stored image's orientation and size. */
  private interface Planner {
    Geometry.Plan plan(int orientation, int storedWidth, int storedHeight);
  }

  /**
   * Decodes and colour-converts the input once, then for each plan resamples only the window it
   * takes, converts the small result's colour, rotates, pads and encodes it.
   */
  private List<PreparedImage> prepareEach(byte[] input, List<Planner> planners)
      throws ImageRejectedException {
    ImageDecoder.Decoded decoded = decoder.decode(input);
    ImageInfo info = decoded.info();
    Stage stage = Stage.COLOUR;
    try {
      ColourConverter.Converted converted =
          ColourConverter.toRgb(decoded.image(), settings.background(), settings.keepAlpha());
      decoded = null; // let the decoder's raster go before allocating more
      RgbImage stored = converted.image();
      int orientation = Orientation.sanitize(info.orientation());
      int sw = stored.width();
      int sh = stored.height();
      boolean transposed = Orientation.transposes(orientation);
      List<PreparedImage> results = new ArrayList<>(planners.size());
      for (Planner planner : planners) {
        stage = Stage.RESIZE;
        Geometry.Plan plan = planner.plan(orientation, sw, sh);
        double[] window =
            Orientation.unmapRect(
                orientation, sw, sh, plan.cropX(), plan.cropY(), plan.cropW(), plan.cropH());
        RgbImage small =
            resizer.resample(
                stored,
                window,
                transposed ? plan.scaledH() : plan.scaledW(),
                transposed ? plan.scaledW() : plan.scaledH());
        if (converted.pending() != null) {
          stage = Stage.COLOUR;
          small = ColourConverter.toSrgb(small, converted.pending());
        }
        stage = Stage.ORIENT;
        small = Orientation.apply(small, orientation);
        stage = Stage.RESIZE;
        small = resizer.pad(small, plan);
        stage = Stage.ENCODE;
        byte[] bytes = encode(small);
        FrameMapping mapping =
            new FrameMapping(
                orientation,
                sw,
                sh,
                (float) plan.cropX(),
                (float) plan.cropY(),
                (float) plan.cropW(),
                (float) plan.cropH(),
                (float) plan.scaleX(),
                (float) plan.scaleY(),
                plan.padX(),
                plan.padY(),
                plan.outW(),
                plan.outH());
        results.add(
            new PreparedImage(
                bytes,
                settings.encoding().flag(),
                small.width(),
                small.height(),
                small.channels(),
                info,
                mapping));
      }
      return results;
    } catch (OutOfMemoryError e) {
      throw new ImageRejectedException(
          stage,
          RejectReason.OUT_OF_MEMORY,
          "ran out of memory preparing " + info.width() + "x" + info.height() + " " + info.format(),
          e);
    } catch (IOException e) {
      throw new ImageRejectedException(
          stage, RejectReason.ENCODE_FAILED, "encoder failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      RejectReason reason =
          stage == Stage.ENCODE ? RejectReason.ENCODE_FAILED : RejectReason.DECODE_FAILED;
      throw new ImageRejectedException(
          stage, reason, stage + " failed on " + info.format() + ": " + e, e);
    }
  }

  private byte[] encode(RgbImage img) throws IOException {
    if (encoder == null) {
      encoder = SampleEncoder.of(settings.encoding(), settings.quality());
    }
    return encoder.encode(img);
  }

  @Override
  public String toString() {
    return "ImagePreparer[" + settings + "]";
  }
}
