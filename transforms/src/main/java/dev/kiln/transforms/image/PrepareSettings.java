package dev.kiln.transforms.image;

import java.io.Serializable;
import java.util.Objects;

/**
 * What {@link ImagePreparer} produces: geometry, output encoding and the limits it enforces.
 * Immutable and {@link Serializable} because Beam DoFns hold it.
 *
 * @param mode how the image is fitted to {@code width x height}
 * @param width target box width in pixels, {@code > 0}
 * @param height target box height in pixels, {@code > 0}
 * @param encoding how the sample's pixels are stored
 * @param quality JPEG quality 1..100 (validated for every encoding so settings stay portable)
 * @param maxPixels images whose stored {@code width * height} exceeds this are rejected before any
 *     pixel memory is allocated; {@code > 0}
 * @param background {@code 0xRRGGBB} that transparent pixels are composited over (unless kept)
 * @param padColor {@code 0xRRGGBB} used for the {@link ResizeMode#LETTERBOX} bars (RGBA outputs pad
 *     with transparent pixels instead)
 * @param upscale whether images smaller than the box may be enlarged; when false they keep their
 *     size (letterbox still pads to the full box)
 * @param keepAlpha images with alpha keep it (RGBA output, resampled premultiplied) instead of
 *     being composited over the background; needs {@link Encoding#PNG} or {@link Encoding#RAW}
 * @param linearLight resample in linear light (16-bit) instead of on sRGB-encoded values
 */
public record PrepareSettings(
    ResizeMode mode,
    int width,
    int height,
    Encoding encoding,
    int quality,
    long maxPixels,
    int background,
    int padColor,
    boolean upscale,
    boolean keepAlpha,
    boolean linearLight)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates every field; the message names the offending field. */
  public PrepareSettings {
    Objects.requireNonNull(mode, "mode");
    if (width <= 0) {
      throw new IllegalArgumentException("width must be > 0, got " + width);
    }
    if (height <= 0) {
      throw new IllegalArgumentException("height must be > 0, got " + height);
    }
    if (encoding == null) {
      throw new IllegalArgumentException(
          "encoding must be one of " + Encoding.flags() + ", got null");
    }
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality must be in 1..100, got " + quality);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    if ((background & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException(
          "background must be 0xRRGGBB, got 0x" + Integer.toHexString(background));
    }
    if ((padColor & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException(
          "padColor must be 0xRRGGBB, got 0x" + Integer.toHexString(padColor));
    }
    if (keepAlpha && encoding == Encoding.JPEG) {
      throw new IllegalArgumentException(
          "keepAlpha needs encoding png or raw: JPEG has no alpha channel");
    }
  }

  /**
   * Alpha composited over the background and resizing on sRGB-encoded values, as before either
   * option existed.
   */
  public PrepareSettings(
      ResizeMode mode,
      int width,
      int height,
      Encoding encoding,
      int quality,
      long maxPixels,
      int background,
      int padColor,
      boolean upscale) {
    this(
        mode,
        width,
        height,
        encoding,
        quality,
        maxPixels,
        background,
        padColor,
        upscale,
        false,
        false);
  }

  /**
   * CENTER_CROP 256x256, JPEG q90, 100 MP limit, white background, black padding, upscaling
   * allowed, alpha composited, resizing on sRGB-encoded values.
   */
  public static PrepareSettings defaults() {
    return new PrepareSettings(
        ResizeMode.CENTER_CROP,
        256,
        256,
        Encoding.JPEG,
        90,
        100_000_000L,
        0xFFFFFF,
        0x000000,
        true);
  }

  /** Copy with another mode and box. */
  public PrepareSettings withResize(ResizeMode newMode, int newWidth, int newHeight) {
    return new PrepareSettings(
        newMode,
        newWidth,
        newHeight,
        encoding,
        quality,
        maxPixels,
        background,
        padColor,
        upscale,
        keepAlpha,
        linearLight);
  }

  /** Copy with another encoding. */
  public PrepareSettings withEncoding(Encoding newEncoding) {
    return new PrepareSettings(
        mode,
        width,
        height,
        newEncoding,
        quality,
        maxPixels,
        background,
        padColor,
        upscale,
        keepAlpha,
        linearLight);
  }

  /** Copy that keeps (or composites) alpha. */
  public PrepareSettings withKeepAlpha(boolean keep) {
    return new PrepareSettings(
        mode,
        width,
        height,
        encoding,
        quality,
        maxPixels,
        background,
        padColor,
        upscale,
        keep,
        linearLight);
  }

  /** Copy that resamples in linear light (or on encoded values). */
  public PrepareSettings withLinearLight(boolean linear) {
    return new PrepareSettings(
        mode,
        width,
        height,
        encoding,
        quality,
        maxPixels,
        background,
        padColor,
        upscale,
        keepAlpha,
        linear);
  }
}
