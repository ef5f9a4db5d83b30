package dev.kiln.transforms.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Turns whatever a decoder produced into packed 8-bit RGB, reading raster samples directly.
 *
 * <p>Rules, and why:
 *
 * <ul>
 *   <li>Gray copies the sample to R=G=B. Java's gray colour space is linear, so {@code getRGB} or a
 *       {@code ColorConvertOp} would lighten it; every other toolkit treats stored gray as
 *       sRGB-encoded.
 *   <li>16-bit samples are rounded ({@code (v*255 + 32767) / 65535}), not truncated.
 *   <li>Alpha is composited over the configured background (in stored values, as other toolkits
 *       do), or, when kept, becomes a fourth channel of straight (not premultiplied) alpha, as PNG
 *       stores it.
 *   <li>RGB samples in a non-sRGB ICC space are passed through unchanged and reported as pending;
 *       {@link #toSrgb} converts them after downscaling, where it costs a fraction.
 * </ul>
 */
final class ColourConverter {

  /** Converted pixels plus the colour space they are still in when that is not sRGB (else null). */
  record Converted(RgbImage image, ColorSpace pending) {}

  private ColourConverter() {}

  /** RGB with alpha composited over {@code background}. */
  static Converted toRgb(BufferedImage img, int background) {
    return toRgb(img, background, false);
  }

  /**
   * RGB, or RGBA when {@code keepAlpha} and the image has alpha (then {@code background} is unused
   * for it); images without alpha are RGB either way.
   */
  static Converted toRgb(BufferedImage img, int background, boolean keepAlpha) {
    ColorModel cm = img.getColorModel();
    WritableRaster raster = img.getRaster();
    int w = img.getWidth();
    int h = img.getHeight();
    if (cm instanceof IndexColorModel) {
      return new Converted(
          fromPalette((IndexColorModel) cm, raster, w, h, background, keepAlpha && cm.hasAlpha()),
          null);
    }
    ColorSpace cs = cm.getColorSpace();
    int csType = cs.getType();
    if (csType == ColorSpace.TYPE_GRAY) {
      return new Converted(fromGray(cm, raster, w, h, background, keepAlpha), null);
    }
    if (csType != ColorSpace.TYPE_RGB || cs.getNumComponents() != 3) {
      // CMYK, YCC, Lab...: let Java2D bring it to sRGB once, then read that.
      BufferedImage tmp =
          new BufferedImage(
              w, h, cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
      new ColorConvertOp(null).filter(img, tmp);
      return toRgb(tmp, background, keepAlpha);
    }
    ColorSpace pending = needsConversion(cs) ? cs : null;
    boolean alpha = keepAlpha && hasAlphaBand(cm, raster, 3);
    int channels = alpha ? 4 : 3;
    byte[] fast = fromInterleavedBytes(cm, raster, w, h, background, alpha);
    if (fast != null) {
      return new Converted(new RgbImage(w, h, channels, fast), pending);
    }
    return new Converted(
        new RgbImage(w, h, channels, fromSamples(cm, raster, w, h, 3, background, alpha)), pending);
  }

  /** Whether the raster has an alpha band after its {@code colours} colour bands. */
  private static boolean hasAlphaBand(ColorModel cm, Raster raster, int colours) {
    return cm.hasAlpha() && raster.getNumBands() > colours;
  }

  /** Whether samples in this RGB colour space must be converted to look right as sRGB. */
  static boolean needsConversion(ColorSpace cs) {
    if (cs.isCS_sRGB()) {
      return false;
    }
    if (cs instanceof ICC_ColorSpace) {
      return !IccProfiles.isSrgbEquivalent(((ICC_ColorSpace) cs).getProfile());
    }
    return true;
  }

  /**
   * Converts packed RGB whose values are in {@code from} to sRGB. Meant for the already downscaled
   * image: the cost is proportional to the pixel count and large per pixel.
   */
  static RgbImage toSrgb(RgbImage img, ColorSpace from) {
    if (img.hasAlpha()) {
      // Alpha is not colour: convert R, G, B alone and put alpha back unchanged.
      return withAlphaOf(img, toSrgb(rgbOnly(img), from));
    }
    int w = img.width();
    int h = img.height();
    BufferedImage src = wrap(img.rgb(), w, h, from);
    byte[] out = new byte[img.rgb().length];
    BufferedImage dst = wrap(out, w, h, ColorSpace.getInstance(ColorSpace.CS_sRGB));
    new ColorConvertOp(from, dst.getColorModel().getColorSpace(), null)
        .filter(src.getRaster(), dst.getRaster());
    return new RgbImage(w, h, out);
  }

  private static RgbImage rgbOnly(RgbImage rgba) {
    byte[] in = rgba.rgb();
    byte[] out = new byte[in.length / 4 * 3];
    for (int i = 0, o = 0; i < in.length; i += 4, o += 3) {
      out[o] = in[i];
      out[o + 1] = in[i + 1];
      out[o + 2] = in[i + 2];
    }
    return new RgbImage(rgba.width(), rgba.height(), out);
  }

  private static RgbImage withAlphaOf(RgbImage rgba, RgbImage rgb) {
    byte[] a = rgba.rgb();
    byte[] c = rgb.rgb();
    byte[] out = new byte[a.length];
    for (int i = 0, o = 0; o < out.length; i += 3, o += 4) {
      out[o] = c[i];
      out[o + 1] = c[i + 1];
      out[o + 2] = c[i + 2];
      out[o + 3] = a[o + 3];
    }
    return new RgbImage(rgba.width(), rgba.height(), 4, out);
  }

  /** A BufferedImage view (no copy) of packed RGB bytes in the given colour space. */
  static BufferedImage wrap(byte[] rgb, int w, int h, ColorSpace cs) {
    return wrap(rgb, w, h, 3, cs);
  }

  /**
   * A BufferedImage view (no copy) of an RGB or RGBA (straight alpha) image in the given colour
   * space.
   */
  static BufferedImage wrap(RgbImage img, ColorSpace cs) {
    return wrap(img.rgb(), img.width(), img.height(), img.channels(), cs);
  }

  private static BufferedImage wrap(byte[] samples, int w, int h, int channels, ColorSpace cs) {
    boolean alpha = channels == 4;
    ComponentColorModel cm =
        new ComponentColorModel(
            cs,
            alpha,
            false,
            alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    int[] bands = alpha ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2};
    PixelInterleavedSampleModel sm =
        new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, w, h, channels, w * channels, bands);
    WritableRaster raster =
        Raster.createWritableRaster(sm, new DataBufferByte(samples, samples.length), null);
    return new BufferedImage(cm, raster, false, null);
  }

  // ------------------------------------------------------------------ paths

  /**
   * Byte-interleaved RGB(A) rasters, by far the common case (JPEG, 8-bit PNG): tight loops, no
   * per-pixel calls. Packed RGB, or RGBA with straight alpha when {@code keepAlpha}.
   */
  private static byte[] fromInterleavedBytes(
      ColorModel cm, WritableRaster raster, int w, int h, int background, boolean keepAlpha) {
    if (!(raster.getDataBuffer() instanceof DataBufferByte)
        || !(raster.getSampleModel() instanceof ComponentSampleModel)
        || raster.getDataBuffer().getNumBanks() != 1) {
      return null;
    }
    ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
    int bands = sm.getNumBands();
    boolean alpha = cm.hasAlpha();
    if (bands != (alpha ? 4 : 3) || cm.getComponentSize(0) != 8) {
      return null;
    }
    byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
    int[] off = sm.getBandOffsets();
    int ps = sm.getPixelStride();
    int ss = sm.getScanlineStride();
    int base =
        raster.getDataBuffer().getOffset()
            - raster.getSampleModelTranslateY() * ss
            - raster.getSampleModelTranslateX() * ps;
    if (!alpha
        && base == 0
        && ps == 3
        && ss == w * 3
        && off[0] == 0
        && off[1] == 1
        && off[2] == 2
        && data.length == w * h * 3) {
      return data; // already packed RGB (our own decode destination): zero copy
    }
    byte[] out = new byte[w * h * 3];
    int r0 = off[0];
    int g0 = off[1];
    int b0 = off[2];
    int o = 0;
    if (!alpha) {
      for (int y = 0; y < h; y++) {
        int p = base + y * ss;
        for (int x = 0; x < w; x++, p += ps) {
          out[o++] = data[p + r0];
          out[o++] = data[p + g0];
          out[o++] = data[p + b0];
        }
      }
      return out;
    }
    int a0 = off[3];
    boolean premultiplied = cm.isAlphaPremultiplied();
    if (keepAlpha) {
      return keepAlpha(data, base, ps, ss, w, h, new int[] {r0, g0, b0, a0}, premultiplied);
    }
    int br = background >> 16 & 0xFF;
    int bg = background >> 8 & 0xFF;
    int bb = background & 0xFF;
    for (int y = 0; y < h; y++) {
      int p = base + y * ss;
      for (int x = 0; x < w; x++, p += ps) {
        int a = data[p + a0] & 0xFF;
        int ia = 255 - a;
        int r = data[p + r0] & 0xFF;
        int g = data[p + g0] & 0xFF;
        int b = data[p + b0] & 0xFF;
        if (premultiplied) {
          out[o++] = (byte) Math.min(255, r + (br * ia + 127) / 255);
          out[o++] = (byte) Math.min(255, g + (bg * ia + 127) / 255);
          out[o++] = (byte) Math.min(255, b + (bb * ia + 127) / 255);
        } else {
          out[o++] = (byte) ((r * a + br * ia + 127) / 255);
          out[o++] = (byte) ((g * a + bg * ia + 127) / 255);
          out[o++] = (byte) ((b * a + bb * ia + 127) / 255);
        }
      }
    }
    return out;
  }

  /** Straight RGBA from interleaved bytes; premultiplied sources are divided by their alpha. */
  private static byte[] keepAlpha(
      byte[] data, int base, int ps, int ss, int w, int h, int[] off, boolean premultiplied) {
    byte[] out = new byte[w * h * 4];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int p = base + y * ss;
      for (int x = 0; x < w; x++, p += ps) {
        int a = data[p + off[3]] & 0xFF;
        for (int c = 0; c < 3; c++) {
          int v = data[p + off[c]] & 0xFF;
          out[o++] =
              (byte) (!premultiplied ? v : a == 0 ? 0 : Math.min(255, (v * 255 + a / 2) / a));
        }
        out[o++] = (byte) a;
      }
    }
    return out;
  }

  /**
   * Palette images: RGB composited over the background, or straight RGBA when {@code keepAlpha}.
   */
  private static RgbImage fromPalette(
      IndexColorModel icm, Raster raster, int w, int h, int background, boolean keepAlpha) {
    int n = icm.getMapSize();
    int ch = keepAlpha ? 4 : 3;
    // Composite each palette entry once, then every pixel is a lookup.
    byte[] lut = new byte[256 * ch];
    int br = background >> 16 & 0xFF;
    int bg = background >> 8 & 0xFF;
    int bb = background & 0xFF;
    for (int i = 0; i < 256; i++) {
      int k = Math.min(i, n - 1);
      int a = icm.getAlpha(k);
      if (keepAlpha) {
        lut[i * 4] = (byte) icm.getRed(k);
        lut[i * 4 + 1] = (byte) icm.getGreen(k);
        lut[i * 4 + 2] = (byte) icm.getBlue(k);
        lut[i * 4 + 3] = (byte) a;
        continue;
      }
      int ia = 255 - a;
      lut[i * 3] = (byte) ((icm.getRed(k) * a + br * ia + 127) / 255);
      lut[i * 3 + 1] = (byte) ((icm.getGreen(k) * a + bg * ia + 127) / 255);
      lut[i * 3 + 2] = (byte) ((icm.getBlue(k) * a + bb * ia + 127) / 255);
    }
    byte[] out = new byte[w * h * ch];
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int k = (row[x] & 0xFF) * ch;
        for (int c = 0; c < ch; c++) {
          out[o++] = lut[k + c];
        }
      }
    }
    return new RgbImage(w, h, ch, out);
  }

  /** Gray (and gray+alpha) as R=G=B, with alpha kept as a fourth channel when asked. */
  private static RgbImage fromGray(
      ColorModel cm, Raster raster, int w, int h, int background, boolean keepAlpha) {
    boolean alpha = keepAlpha && hasAlphaBand(cm, raster, 1);
    byte[] g = fromSamples(cm, raster, w, h, 1, background, alpha);
    int in = alpha ? 2 : 1;
    int ch = alpha ? 4 : 3;
    byte[] out = new byte[w * h * ch];
    for (int i = 0, o = 0; i < g.length; i += in, o += ch) {
      out[o] = g[i];
      out[o + 1] = g[i];
      out[o + 2] = g[i];
      if (alpha) {
        out[o + 3] = g[i + 1];
      }
    }
    return new RgbImage(w, h, ch, out);
  }

  /**
   * Any sample layout (16-bit, packed ints, 1/2/4-bit gray, float): {@code colours} colour bands
   * plus an optional alpha band, normalised per band by its bit size and composited over the
   * background. For gray the background's green channel is its luma stand-in. With {@code
   * keepAlpha} (only when there is an alpha band) the colours are straight and alpha follows them
   * as one more band.
   */
  private static byte[] fromSamples(
      ColorModel cm, Raster raster, int w, int h, int colours, int background, boolean keepAlpha) {
    boolean alpha = hasAlphaBand(cm, raster, colours);
    boolean premultiplied = cm.isAlphaPremultiplied();
    boolean floating =
        raster.getTransferType() == DataBuffer.TYPE_FLOAT
            || raster.getTransferType() == DataBuffer.TYPE_DOUBLE;
    int bands = colours + (alpha ? 1 : 0);
    double[] max = new double[bands];
    for (int b = 0; b < bands; b++) {
      max[b] = floating ? 1.0 : (1L << cm.getComponentSize(b)) - 1;
    }
    double[] bgc =
        colours == 1
            ? new double[] {(background >> 8 & 0xFF) / 255.0}
            : new double[] {
              (background >> 16 & 0xFF) / 255.0,
              (background >> 8 & 0xFF) / 255.0,
              (background & 0xFF) / 255.0
            };
    boolean keep = keepAlpha && alpha;
    byte[] out = new byte[w * h * (keep ? bands : colours)];
    double[][] rows = new double[bands][w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int b = 0; b < bands; b++) {
        raster.getSamples(0, y, w, 1, b, rows[b]);
      }
      for (int x = 0; x < w; x++) {
        double a = alpha ? clamp01(rows[colours][x] / max[colours]) : 1.0;
        for (int c = 0; c < colours; c++) {
          double v = clamp01(rows[c][x] / max[c]);
          double value;
          if (keep) {
            value = !premultiplied ? v : a == 0 ? 0 : Math.min(1, v / a);
          } else {
            value = premultiplied ? v + bgc[c] * (1 - a) : v * a + bgc[c] * (1 - a);
          }
          out[o++] = to8(value);
        }
        if (keep) {
          out[o++] = to8(a);
        }
      }
    }
    return out;
  }

  /** Round half up, identical to {@code (v*255 + 32767) / 65535} for 16-bit samples. */
  private static byte to8(double v01) {
    return (byte) Math.min(255, (int) Math.floor(v01 * 255.0 + 0.5));
  }

  private static double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
