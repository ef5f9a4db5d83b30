package dev.kiln.transforms.image;

/**
 * The orient stage: EXIF orientation (tag 0x0112) applied to pixels, points and rectangles. {@link
 * ExifOrientation} reads it from the file.
 *
 * <p>Values follow the EXIF/TIFF definition of where the stored 0th row and column belong when
 * displayed: 1 as stored, 2 mirrored horizontally, 3 rotated 180°, 4 mirrored vertically, 5
 * transposed, 6 needs a 90° clockwise rotation, 7 transverse, 8 needs a 90° counter-clockwise
 * rotation. Orientations 5..8 swap width and height.
 */
final class Orientation {
  private Orientation() {}

  /** Whether the orientation swaps the axes (5..8). */
  static boolean transposes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /** Clamps unknown values to 1, as viewers do. */
  static int sanitize(int orientation) {
    return orientation >= 1 && orientation <= 8 ? orientation : 1;
  }

  /**
   * Maps a continuous point of the stored image ({@code w x h}) to the displayed (oriented) image.
   * Continuous means pixel edges are at integers, so the mapping of {@code (0,0)} is a corner.
   */
  static float[] mapPoint(int orientation, int w, int h, float x, float y) {
    switch (orientation) {
      case 2:
        return new float[] {w - x, y};
      case 3:
        return new float[] {w - x, h - y};
      case 4:
        return new float[] {x, h - y};
      case 5:
        return new float[] {y, x};
      case 6:
        return new float[] {h - y, x};
      case 7:
        return new float[] {h - y, w - x};
      case 8:
        return new float[] {y, w - x};
      default:
        return new float[] {x, y};
    }
  }

  /**
   * Inverse of {@link #mapPoint}: a continuous point of the oriented image back to the stored one
   * ({@code w x h} are the STORED dimensions).
   */
  static double[] unmapPoint(int orientation, int w, int h, double u, double v) {
    switch (orientation) {
      case 2:
        return new double[] {w - u, v};
      case 3:
        return new double[] {w - u, h - v};
      case 4:
        return new double[] {u, h - v};
      case 5:
        return new double[] {v, u};
      case 6:
        return new double[] {v, h - u};
      case 7:
        return new double[] {w - v, h - u};
      case 8:
        return new double[] {w - v, u};
      default:
        return new double[] {u, v};
    }
  }

  /**
   * Rectangle {@code {x, y, width, height}} of the oriented image expressed in stored coordinates.
   * Resizing happens in stored orientation (so only the small result is rotated), which needs this.
   */
  static double[] unmapRect(
      int orientation, int w, int h, double x, double y, double rw, double rh) {
    double[] a = unmapPoint(orientation, w, h, x, y);
    double[] b = unmapPoint(orientation, w, h, x + rw, y + rh);
    double x0 = Math.min(a[0], b[0]);
    double y0 = Math.min(a[1], b[1]);
    return new double[] {x0, y0, Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])};
  }

  /**
   * Returns the image as it should be displayed. Orientation 1 returns the same instance; otherwise
   * one pass over the pixels with a source index that advances by constant strides.
   */
  static RgbImage apply(RgbImage src, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return src;
    }
    int w = src.width();
    int h = src.height();
    int ow = transposes(orientation) ? h : w;
    int oh = transposes(orientation) ? w : h;
    // Source pixel of output (u, v) is an affine function of u and v: find base and strides
    // from the discrete inverse mapping of (0,0), (1,0), (0,1).
    int ch = src.channels();
    int base = storedIndex(orientation, w, h, 0, 0) * ch;
    int du = ow > 1 ? storedIndex(orientation, w, h, 1, 0) * ch - base : 0;
    int dv = oh > 1 ? storedIndex(orientation, w, h, 0, 1) * ch - base : 0;
    byte[] in = src.rgb();
    byte[] out = new byte[in.length];
    int o = 0;
    for (int v = 0; v < oh; v++) {
      int s = base + v * dv;
      for (int u = 0; u < ow; u++) {
        for (int c = 0; c < ch; c++) {
          out[o + c] = in[s + c];
        }
        o += ch;
        s += du;
      }
    }
    return new RgbImage(ow, oh, ch, out);
  }

  /** Pixel index in the stored image of the pixel shown at discrete oriented position (u, v). */
  private static int storedIndex(int orientation, int w, int h, int u, int v) {
    // Discrete version of unmapPoint: pixel centres, so "w - u" becomes "w - 1 - u".
    double[] p = unmapPoint(orientation, w, h, u + 0.5, v + 0.5);
    int x = (int) Math.floor(p[0]);
    int y = (int) Math.floor(p[1]);
    return y * w + x;
  }
}
