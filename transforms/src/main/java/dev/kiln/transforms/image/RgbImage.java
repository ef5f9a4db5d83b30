package dev.kiln.transforms.image;

import java.util.Objects;

/**
 * An 8-bit sRGB image as packed bytes: row-major, 3 bytes per pixel in R, G, B order, or 4 in R, G,
 * B, A order (straight, not premultiplied, alpha) when alpha is kept; no row padding. The array is
 * shared, not copied: this is the currency between the pixel stages and copying megapixel arrays at
 * every hand-over is what we avoid.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final int channels;
  private final byte[] rgb;

  /**
   * An RGB image.
   *
   * @param width pixels per row, {@code > 0}
   * @param height rows, {@code > 0}
   * @param rgb exactly {@code width * height * 3} bytes
   */
  public RgbImage(int width, int height, byte[] rgb) {
    this(width, height, 3, rgb);
  }

  /**
   * An RGB or RGBA image.
   *
   * @param width pixels per row, {@code > 0}
   * @param height rows, {@code > 0}
   * @param channels 3 (R, G, B) or 4 (R, G, B, straight alpha)
   * @param samples exactly {@code width * height * channels} bytes
   */
  public RgbImage(int width, int height, int channels, byte[] samples) {
    Objects.requireNonNull(samples, "samples");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
    }
    if (channels != 3 && channels != 4) {
      throw new IllegalArgumentException("channels must be 3 or 4, got " + channels);
    }
    if ((long) width * height * channels != samples.length) {
      throw new IllegalArgumentException(
          "sample length " + samples.length + " != " + width + "*" + height + "*" + channels);
    }
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.rgb = samples;
  }

  /** Width in pixels. */
  public int width() {
    return width;
  }

  /** Height in pixels. */
  public int height() {
    return height;
  }

  /** Bytes per pixel: 3 for RGB, 4 for RGBA. */
  public int channels() {
    return channels;
  }

  /** Whether the pixels carry alpha (4 channels). */
  public boolean hasAlpha() {
    return channels == 4;
  }

  /** The packed samples, {@link #channels()} per pixel (not a copy). */
  public byte[] rgb() {
    return rgb;
  }

  /** Packed {@code 0xRRGGBB} of one pixel; for tests and diagnostics, not for hot loops. */
  public int pixel(int x, int y) {
    int i = (y * width + x) * channels;
    return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
  }

  /** Alpha of one pixel, 255 when the image has none; for tests and diagnostics. */
  public int alpha(int x, int y) {
    return channels == 4 ? rgb[(y * width + x) * 4 + 3] & 0xFF : 255;
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + (channels == 4 ? ", RGBA" : "") + "]";
  }
}
