package dev.kiln.transforms.image;

/**
 * The resize stage: where an output takes its pixels from ({@link Geometry#plan}), resampling that
 * window to the output size, and padding the result onto the output canvas.
 *
 * <p>8-bit RGB is resampled on its encoded values by {@link Lanczos} (whose passes run on a {@link
 * Resampler}: C, Vector API or scalar Java); linear light ({@code --linear-light}) and RGBA
 * (premultiplied alpha) need more than 8 bits per sample and go through the 16-bit {@link
 * WideLanczos}. Nothing else depends on either option.
 */
final class Resizer {
  private final PrepareSettings settings;

  /**
   * @param settings the target size, resize mode, upscaling, linear light and pad colour
   */
  Resizer(PrepareSettings settings) {
    this.settings = settings;
  }

  /**
   * The settings' resize mode applied to a stored image of {@code storedWidth x storedHeight} shown
   * with EXIF {@code orientation}.
   */
  Geometry.Plan plan(int orientation, int storedWidth, int storedHeight) {
    boolean transposed = Orientation.transposes(orientation);
    return Geometry.plan(
        settings.mode(),
        settings.width(),
        settings.height(),
        settings.upscale(),
        transposed ? storedHeight : storedWidth,
        transposed ? storedWidth : storedHeight);
  }

  /**
   * The window {@code {x, y, w, h}} of {@code src} resampled to {@code w x h}, on the path the
   * settings and pixels need.
   */
  RgbImage resample(RgbImage src, double[] window, int w, int h) {
    if (settings.linearLight() || src.hasAlpha()) {
      // For sources still in another ICC RGB space (converted after resizing) the sRGB curve
      // stands in for theirs; the common ones (Display P3, Adobe RGB) are close to it.
      WideTransfer transfer = settings.linearLight() ? WideTransfer.LINEAR : WideTransfer.STORED;
      return WideLanczos.resample(src, window[0], window[1], window[2], window[3], w, h, transfer);
    }
    return Lanczos.resample(src, window[0], window[1], window[2], window[3], w, h);
  }

  /**
   * {@code img} on the plan's {@code outW x outH} canvas at its pad offset, or {@code img} itself
   * when it already fills the canvas.
   */
  RgbImage pad(RgbImage img, Geometry.Plan plan) {
    if (plan.outW() == img.width() && plan.outH() == img.height()) {
      return img;
    }
    return pad(img, plan.outW(), plan.outH(), plan.padX(), plan.padY(), settings.padColor());
  }

  /**
   * Places {@code img} at (padX, padY) on a {@code w x h} canvas of the pad colour, or, for RGBA,
   * of transparent pixels: an image that keeps its alpha keeps "not part of the picture" as alpha
   * 0, which a training pipeline can tell apart from content of any colour.
   */
  static RgbImage pad(RgbImage img, int w, int h, int padX, int padY, int padColor) {
    int ch = img.channels();
    byte[] out = new byte[w * h * ch]; // zeros: transparent for RGBA
    if (!img.hasAlpha()) {
      byte r = (byte) (padColor >> 16);
      byte g = (byte) (padColor >> 8);
      byte b = (byte) padColor;
      for (int i = 0; i < out.length; i += 3) {
        out[i] = r;
        out[i + 1] = g;
        out[i + 2] = b;
      }
    }
    int rowBytes = img.width() * ch;
    for (int y = 0; y < img.height(); y++) {
      System.arraycopy(img.rgb(), y * rowBytes, out, ((padY + y) * w + padX) * ch, rowBytes);
    }
    return new RgbImage(w, h, ch, out);
  }
}
