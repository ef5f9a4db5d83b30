package dev.kiln.transforms.image;

/**
 * The same Lanczos-3 resampling as {@link Lanczos} (same tap tables, same box pre-reduction for
 * large factors), computed on 16-bit working values in plain Java, for the two cases 8 bits cannot
 * serve:
 *
 * <ul>
 *   <li><b>Linear light</b> ({@link WideTransfer#LINEAR}): averaging sRGB-encoded values darkens
 *       fine detail (a black/white checkerboard becomes code 128, which displays as 22% light
 *       instead of 50%); averaging linear values does not. 8-bit linear would band the darks.
 *   <li><b>Alpha</b>: colour is multiplied by alpha before filtering and divided after, so the
 *       colour of transparent pixels (often black or white, meaningless) does not bleed into the
 *       edges of opaque ones. Premultiplied 8-bit colour would keep only a few levels where alpha
 *       is low.
 * </ul>
 *
 * Alpha itself is coverage, already linear: it is only widened ({@code a * 257}), never passed
 * through the transfer curve.
 *
 * <p>Only the window plus the kernel's reach is widened (and box-reduced on the way), so the 16-bit
 * copy is bounded by a few times the output size, never the whole source. Integer weights that sum
 * to exactly one keep flat areas exactly flat. The byte kernels stay untouched: this path is for
 * correctness, not speed.
 */
final class WideLanczos {
  private static final int PRECISION = RowKernel.PRECISION;
  private static final long HALF = 1L << (PRECISION - 1);
  private static final int MAX = WideTransfer.MAX;

  /**
   * Working pixels: {@code channels} ints per pixel, colour premultiplied by alpha when there is
   * alpha.
   */
  private record Wide(int width, int height, int channels, int[] samples) {}

  private WideLanczos() {}

  /**
   * Resamples the window {@code [x0, x0+ww) x [y0, y0+wh)} of {@code src} (fractional allowed) to
   * {@code outW x outH}, through {@code transfer}. An RGBA source gives an RGBA result.
   */
  static RgbImage resample(
      RgbImage src,
      double x0,
      double y0,
      double ww,
      double wh,
      int outW,
      int outH,
      WideTransfer transfer) {
    int sw = src.width();
    int sh = src.height();
    if (x0 == 0 && y0 == 0 && ww == sw && wh == sh && outW == sw && outH == sh) {
      return src; // nothing is resampled, so nothing may change
    }
    int fx = Lanczos.reduceFactor(ww, outW);
    int fy = Lanczos.reduceFactor(wh, outH);
    // Reach of the Lanczos taps in source pixels (support 3 output pixels when reducing, 3
    // source pixels when enlarging), one box and one pixel of rounding beyond the window.
    int mx = (int) Math.ceil(Lanczos.SUPPORT * Math.max(1.0, ww / outW)) + fx + 1;
    int my = (int) Math.ceil(Lanczos.SUPPORT * Math.max(1.0, wh / outH)) + fy + 1;
    int rx0 = Math.max(0, (int) Math.floor(x0) - mx);
    int ry0 = Math.max(0, (int) Math.floor(y0) - my);
    int rx1 = Math.min(sw, (int) Math.ceil(x0 + ww) + mx);
    int ry1 = Math.min(sh, (int) Math.ceil(y0 + wh) + my);
    Wide region = widen(src, rx0, ry0, rx1 - rx0, ry1 - ry0, fx, fy, transfer);
    Wide out = lanczos(region, (x0 - rx0) / fx, (y0 - ry0) / fy, ww / fx, wh / fy, outW, outH);
    return narrow(out, transfer);
  }

  /**
   * The region {@code [rx, rx+rw) x [ry, ry+rh)} as working values, averaged over {@code fx x fy}
   * boxes (1 x 1: a plain conversion). Boxes cut by the region's edge average what they contain, as
   * {@link Lanczos#boxReduce} does.
   */
  private static Wide widen(
      RgbImage src, int rx, int ry, int rw, int rh, int fx, int fy, WideTransfer transfer) {
    int ch = src.channels();
    boolean alpha = src.hasAlpha();
    int sw = src.width();
    int ow = (rw + fx - 1) / fx;
    int oh = (rh + fy - 1) / fy;
    byte[] in = src.rgb();
    int[] out = new int[ow * oh * ch];
    long[] acc = new long[ow * ch];
    for (int j = 0; j < oh; j++) {
      java.util.Arrays.fill(acc, 0);
      int yStart = ry + j * fy;
      int yEnd = Math.min(ry + rh, yStart + fy);
      for (int y = yStart; y < yEnd; y++) {
        int p = (y * sw + rx) * ch;
        for (int x = 0; x < rw; x++, p += ch) {
          int o = (x / fx) * ch;
          if (alpha) {
            int a = in[p + 3] & 0xFF;
            // Premultiply: colour * a / 255 keeps the colour's 16-bit scale.
            acc[o] += (transfer.widen(in[p] & 0xFF) * a + 127) / 255;
            acc[o + 1] += (transfer.widen(in[p + 1] & 0xFF) * a + 127) / 255;
            acc[o + 2] += (transfer.widen(in[p + 2] & 0xFF) * a + 127) / 255;
            acc[o + 3] += a * 257;
          } else {
            acc[o] += transfer.widen(in[p] & 0xFF);
            acc[o + 1] += transfer.widen(in[p + 1] & 0xFF);
            acc[o + 2] += transfer.widen(in[p + 2] & 0xFF);
          }
        }
      }
      int rows = yEnd - yStart;
      int o = j * ow * ch;
      for (int i = 0; i < ow; i++) {
        long n = (long) rows * (Math.min(rw, (i + 1) * fx) - i * fx);
        for (int c = 0; c < ch; c++) {
          out[o++] = (int) ((acc[i * ch + c] + n / 2) / n);
        }
      }
    }
    return new Wide(ow, oh, ch, out);
  }

  /**
   * Vertical pass over the columns the horizontal taps read, then the horizontal pass. Values are
   * not clamped between passes: ringing is kept until the colour is divided by alpha, so colour and
   * alpha stay in proportion.
   */
  private static Wide lanczos(
      Wide src, double x0, double y0, double ww, double wh, int outW, int outH) {
    int ch = src.channels();
    int sw = src.width();
    Lanczos.Taps hx = Lanczos.taps(sw, x0, ww, outW);
    Lanczos.Taps vy = Lanczos.taps(src.height(), y0, wh, outH);
    int colMin = Integer.MAX_VALUE;
    int colMax = -1;
    for (int i = 0; i < outW; i++) {
      colMin = Math.min(colMin, hx.start[i]);
      colMax = Math.max(colMax, hx.start[i] + hx.count[i] - 1);
    }
    int rowLen = (colMax - colMin + 1) * ch;
    int[] in = src.samples();
    int[] mid = new int[outH * rowLen];
    long[] acc = new long[rowLen];
    for (int j = 0; j < outH; j++) {
      java.util.Arrays.fill(acc, HALF);
      for (int k = 0; k < vy.count[j]; k++) {
        long w = vy.weights[j * vy.stride + k];
        int p = ((vy.start[j] + k) * sw + colMin) * ch;
        for (int x = 0; x < rowLen; x++) {
          acc[x] += in[p + x] * w;
        }
      }
      for (int x = 0; x < rowLen; x++) {
        mid[j * rowLen + x] = (int) (acc[x] >> PRECISION);
      }
    }
    int[] out = new int[outW * outH * ch];
    for (int j = 0; j < outH; j++) {
      for (int i = 0; i < outW; i++) {
        int base = j * rowLen + (hx.start[i] - colMin) * ch;
        for (int c = 0; c < ch; c++) {
          long sum = HALF;
          for (int k = 0; k < hx.count[i]; k++) {
            sum += (long) mid[base + k * ch + c] * hx.weights[i * hx.stride + k];
          }
          out[(j * outW + i) * ch + c] = (int) (sum >> PRECISION);
        }
      }
    }
    return new Wide(outW, outH, ch, out);
  }

  /**
   * Back to 8 bits: colour divided by alpha (when there is alpha), then through the transfer's
   * inverse.
   */
  private static RgbImage narrow(Wide img, WideTransfer transfer) {
    int ch = img.channels();
    int[] in = img.samples();
    byte[] out = new byte[in.length];
    if (ch == 3) {
      for (int i = 0; i < in.length; i++) {
        out[i] = (byte) transfer.narrow(in[i]);
      }
    } else {
      for (int i = 0; i < in.length; i += 4) {
        long a = in[i + 3];
        for (int c = 0; c < 3; c++) {
          // Fully transparent pixels get colour 0: their colour carries no information.
          out[i + c] = (byte) (a <= 0 ? 0 : transfer.narrow((in[i + c] * (long) MAX + a / 2) / a));
        }
        out[i + 3] = (byte) ((Math.max(0, Math.min(MAX, a)) * 255 + MAX / 2) / MAX);
      }
    }
    return new RgbImage(img.width(), img.height(), ch, out);
  }
}
