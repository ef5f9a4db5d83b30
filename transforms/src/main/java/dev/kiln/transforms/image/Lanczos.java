package dev.kiln.transforms.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Separable Lanczos-3 resampling of packed 8-bit RGB on its stored (sRGB-encoded) values. Linear
 * light and alpha need more than 8 bits per sample and go through {@link WideLanczos}, which shares
 * the tap tables built here.
 *
 * <p>Downscaling stretches the kernel by the scale factor (support {@code 3 / scale} source
 * pixels), which is what makes it antialiased: every source pixel contributes, unlike point
 * sampling. Output pixel {@code i} is centred on source coordinate {@code x0 + (i + 0.5) / scale};
 * taps beyond the image edge are folded onto the edge pixel (clamp), weights are normalised to sum
 * to one in 14-bit fixed point, and results are rounded and clamped to 0..255 after each pass.
 *
 * <p>For reductions beyond {@link #REDUCING_GAP}x an exact box average by an integer factor runs
 * first (antialiased, not point sampling), keeping Lanczos' input at least 3x the output.
 *
 * <p>This class plans the work (window, box factor, tap tables, the columns the vertical pass
 * needs); a {@link Resampler} runs it: {@link NativeResampler} in C where its library loads (a
 * short run then does not wait for the JIT), else {@link JavaResampler} on the Vector API row
 * kernel when the JVM has {@code jdk.incubator.vector} (the launcher adds it), else on the scalar
 * one. All give identical bytes. {@code -Dkiln.resample.scalar=true} forces the scalar kernel and
 * {@code -Dkiln.resample.native=false} the Java passes.
 */
final class Lanczos {
  private static final int ONE = 1 << RowKernel.PRECISION;
  static final double SUPPORT = 3.0;

  /**
   * Box pre-reduction keeps the intermediate at least this many times the output (as Pillow's
   * reducing_gap).
   */
  static final double REDUCING_GAP = 3.0;

  /**
   * Per-output-pixel taps: first source index, tap count, and {@code count} weights from {@code i *
   * stride}. The weights of each output sum to exactly {@code 1 << RowKernel.PRECISION}.
   */
  static final class Taps {
    final int[] start;
    final int[] count;
    final int[] weights;
    final int stride;

    Taps(int n, int stride) {
      this.start = new int[n];
      this.count = new int[n];
      this.weights = new int[n * stride];
      this.stride = stride;
    }
  }

  /**
   * The Java kernel, chosen on first use (once per class loader): a JVM whose resampling runs in C
   * ({@link NativeResampler}) never loads the Vector API's classes for it.
   */
  private static final class ChosenKernel {
    static final RowKernel KERNEL = chooseKernel();
  }

  /** The Java kernel in use. */
  static RowKernel kernel() {
    return ChosenKernel.KERNEL;
  }

  /**
   * Where the passes run, chosen on first use: C where {@link NativeResampler} loads, else Java.
   */
  private static final class ChosenResampler {
    static final Resampler RESAMPLER =
        NativeResampler.available() ? new NativeResampler() : new JavaResampler(kernel());
  }

  /** Where this JVM's passes run. */
  static Resampler resampler() {
    return ChosenResampler.RESAMPLER;
  }

  private Lanczos() {}

  /**
   * The Vector API kernel (once compiled, and once it has agreed with the scalar kernel on a
   * self-test: {@link WarmingKernel}) when its module is in the boot layer and it is not disabled;
   * otherwise the scalar kernel. The vector class is loaded reflectively so that JVMs without the
   * module never link it.
   */
  private static RowKernel chooseKernel() {
    RowKernel scalar = new ScalarRowKernel();
    if (Boolean.getBoolean("kiln.resample.scalar")
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return scalar;
    }
    try {
      Class<?> c =
          Class.forName(
              "dev.kiln.transforms.image.VectorRowKernel", true, Lanczos.class.getClassLoader());
      if (!(Boolean) c.getDeclaredMethod("usable").invoke(null)) {
        return scalar;
      }
      var ctor = c.getDeclaredConstructor();
      RowKernel vector = (RowKernel) ctor.newInstance();
      return new WarmingKernel(scalar, vector);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return scalar;
    }
  }

  /** Both kernels on the same pseudo-random rows, odd lengths included (vector tails). */
  static boolean agrees(RowKernel a, RowKernel b) {
    java.util.Random rnd = new java.util.Random(7);
    byte[] in = new byte[8 * 301];
    rnd.nextBytes(in);
    int[] weights = {-700, 2100, 9000, 6500, -1000, 300, -816};
    for (int len : new int[] {1, 7, 31, 64, 301}) {
      for (int taps = 1; taps <= weights.length; taps++) {
        byte[] oa = new byte[len];
        byte[] ob = new byte[len];
        a.row(in, 0, 301, weights, 0, taps, oa, 0, len);
        b.row(in, 0, 301, weights, 0, taps, ob, 0, len);
        if (!java.util.Arrays.equals(oa, ob)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Resamples the window {@code [x0, x0+ww) x [y0, y0+wh)} of {@code src} (fractional allowed) to
   * {@code outW x outH}.
   */
  static RgbImage resample(
      RgbImage src, double x0, double y0, double ww, double wh, int outW, int outH) {
    if (src.hasAlpha()) {
      // Alpha must be resampled premultiplied; 8-bit premultiplied colour is too coarse where alpha
      // is low.
      throw new IllegalArgumentException("RGBA is resampled by WideLanczos, not the byte kernels");
    }
    int sw = src.width();
    int sh = src.height();
    if (x0 == 0 && y0 == 0 && ww == sw && wh == sh && outW == sw && outH == sh) {
      return src;
    }
    int fx = reduceFactor(ww, outW);
    int fy = reduceFactor(wh, outH);
    if (fx > 1 || fy > 1) {
      // Large reductions: average fx x fy boxes first (one add per source sample), then run
      // Lanczos on an image still >= REDUCING_GAP times the target. This bounds the tap count
      // per output pixel, which otherwise grows with the scale factor (a 12 MP photo to 256
      // would need ~70 taps per pass). Only the window plus the kernel's reach is reduced.
      int mx = (int) Math.ceil(SUPPORT * ww / outW) + fx;
      int my = (int) Math.ceil(SUPPORT * wh / outH) + fy;
      int rx0 = Math.max(0, (int) Math.floor(x0) - mx);
      int ry0 = Math.max(0, (int) Math.floor(y0) - my);
      int rx1 = Math.min(sw, (int) Math.ceil(x0 + ww) + mx);
      int ry1 = Math.min(sh, (int) Math.ceil(y0 + wh) + my);
      RgbImage reduced = resampler().boxReduce(src, rx0, ry0, rx1 - rx0, ry1 - ry0, fx, fy);
      return lanczos(reduced, (x0 - rx0) / fx, (y0 - ry0) / fy, ww / fx, wh / fy, outW, outH);
    }
    return lanczos(src, x0, y0, ww, wh, outW, outH);
  }

  /**
   * Lanczos-3 only, whatever the scale (no box pre-reduction), on {@link #resampler()}: in C where
   * {@link NativeResampler} loaded, else in Java with {@link #kernel()}; the same bytes either way.
   */
  static RgbImage lanczos(
      RgbImage src, double x0, double y0, double ww, double wh, int outW, int outH) {
    return lanczos(src, x0, y0, ww, wh, outW, outH, resampler());
  }

  /**
   * {@link #lanczos(RgbImage, double, double, double, double, int, int)} in Java with a given
   * kernel (tests).
   */
  static RgbImage lanczos(
      RgbImage src,
      double x0,
      double y0,
      double ww,
      double wh,
      int outW,
      int outH,
      RowKernel kernel) {
    return lanczos(src, x0, y0, ww, wh, outW, outH, new JavaResampler(kernel));
  }

  private static RgbImage lanczos(
      RgbImage src,
      double x0,
      double y0,
      double ww,
      double wh,
      int outW,
      int outH,
      Resampler resampler) {
    Taps hx = taps(src.width(), x0, ww, outW);
    Taps vy = taps(src.height(), y0, wh, outH);
    // Columns the horizontal taps read: the vertical pass computes only those.
    int colMin = Integer.MAX_VALUE;
    int colMax = -1;
    for (int i = 0; i < outW; i++) {
      colMin = Math.min(colMin, hx.start[i]);
      colMax = Math.max(colMax, hx.start[i] + hx.count[i] - 1);
    }
    return resampler.lanczos(src, hx, vy, colMin, colMax - colMin + 1, outW, outH);
  }

  /** Little-endian int view of a byte array: one load and one store move a whole RGB pixel. */
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Transposes a {@code w x h} packed RGB image to {@code h x w}.
   *
   * <p>Each pixel moves as one 4-byte load and store instead of three of each (2.4x faster on a
   * 306x256 image): the fourth byte written is the first byte of the next destination pixel, which
   * the loop writes next, so the order below (each destination row front to back) must stay. The
   * last source row takes byte copies, because there the 4-byte load or store would run past the
   * end of the arrays or over a pixel already written.
   */
  static byte[] transpose(byte[] src, int w, int h) {
    byte[] dst = new byte[src.length];
    // Blocks keep both the read and the write side within a few cache lines.
    final int block = 32;
    int rowBytes = w * 3;
    for (int bx = 0; bx < w; bx += block) {
      int xEnd = Math.min(w, bx + block);
      for (int by = 0; by < h; by += block) {
        int yEnd = Math.min(h, by + block);
        int wholeEnd = Math.min(yEnd, h - 1);
        for (int x = bx; x < xEnd; x++) {
          int d = (x * h + by) * 3;
          int s = (by * w + x) * 3;
          for (int y = by; y < wholeEnd; y++, d += 3, s += rowBytes) {
            INT.set(dst, d, (int) INT.get(src, s));
          }
          if (yEnd == h) {
            dst[d] = src[s];
            dst[d + 1] = src[s + 1];
            dst[d + 2] = src[s + 2];
          }
        }
      }
    }
    return dst;
  }

  /**
   * Integer box factor that keeps at least {@link #REDUCING_GAP} x the output size (1 = no
   * reduction).
   */
  static int reduceFactor(double windowLen, int outLen) {
    return Math.max(1, (int) Math.floor(windowLen / (outLen * REDUCING_GAP)));
  }

  static double lanczos3(double x) {
    return lanczos3(x, Math.sin(Math.PI * x), Math.sin(Math.PI * x / SUPPORT));
  }

  /** Lanczos-3 at {@code x} given {@code sin(pi x)} and {@code sin(pi x / 3)}. */
  private static double lanczos3(double x, double sinPx, double sinPx3) {
    if (x == 0) {
      return 1;
    }
    if (x <= -SUPPORT || x >= SUPPORT) {
      return 0;
    }
    double px = Math.PI * x;
    return SUPPORT * sinPx * sinPx3 / (px * px);
  }

  /**
   * Tap table mapping {@code outLen} outputs onto the window {@code [x0, x0+len)} of a {@code
   * srcLen} axis. Tables are kept for reuse ({@link #RECENT_TAPS}): the images of a collection come
   * in a few sizes, and an image's two tables cost ~0.1 ms to compute, a quarter of its resampling.
   * A table is never changed once made, so threads share them.
   */
  static Taps taps(int srcLen, double x0, double len, int outLen) {
    TapKey key =
        new TapKey(srcLen, Double.doubleToLongBits(x0), Double.doubleToLongBits(len), outLen);
    Taps recent = RECENT_TAPS.get(key);
    if (recent != null) {
      return recent;
    }
    Taps taps = computeTaps(srcLen, x0, len, outLen);
    long ints = taps.weights.length + 2L * outLen;
    if (RECENT_TAP_INTS.addAndGet(ints) > MAX_RECENT_TAP_INTS) {
      // Full: start again rather than track use (a collection's common sizes come back at once).
      RECENT_TAPS.clear();
      RECENT_TAP_INTS.set(ints);
    }
    RECENT_TAPS.put(key, taps);
    return taps;
  }

  /** {@link #taps}, computed anew. */
  static Taps computeTaps(int srcLen, double x0, double len, int outLen) {
    TapTable table = new TapTable(srcLen, x0, len, outLen);
    for (int i = 0; i < outLen; i++) {
      table.output(i);
    }
    return table.taps;
  }

  /** What a tap table is computed from, the doubles by their bits. */
  private record TapKey(int srcLen, long x0Bits, long lenBits, int outLen) {}

  /** Tap tables computed recently, by what they were computed from. */
  private static final ConcurrentHashMap<TapKey, Taps> RECENT_TAPS = new ConcurrentHashMap<>();

  /**
   * About how many ints the recent tap tables hold (a thousand 256-pixel tables: 16 MB at most).
   */
  private static final AtomicLong RECENT_TAP_INTS = new AtomicLong();

  private static final long MAX_RECENT_TAP_INTS = 4L << 20;

  /**
   * One tap table, computed an output at a time ({@link #output}). The work per output is a method
   * of its own so that the JIT compiles it within the first image (a few hundred calls); as one
   * loop of {@link #taps}, called twice per image, it stayed in the interpreter for a run of a
   * hundred images (~0.45 ms of an image's ~5 ms of CPU).
   */
  private static final class TapTable {
    final int srcLen;
    final double x0;
    final double scale;
    final double filterScale;
    final double support;
    final Taps taps;

    /** One output's weights before trimming and fixed point. */
    final double[] w;

    // Successive taps are a fixed step apart in kernel coordinates, so their sines follow by
    // rotation from the first tap's: four trigonometric calls per output instead of two per
    // tap (which took ~0.17 ms of a ~2 ms image). The rotation's rounding error (~1e-15) is far
    // below the 14-bit fixed point the weights end in.
    final double sinStep;
    final double cosStep;
    final double sinStep3;
    final double cosStep3;

    TapTable(int srcLen, double x0, double len, int outLen) {
      this.srcLen = srcLen;
      this.x0 = x0;
      this.scale = outLen / len;
      this.filterScale = Math.max(1.0, 1.0 / scale);
      this.support = SUPPORT * filterScale;
      int stride = Math.min(srcLen, (int) Math.ceil(support) * 2 + 3);
      this.taps = new Taps(outLen, stride);
      this.w = new double[(int) Math.ceil(support) * 2 + 3];
      double step = 1.0 / filterScale;
      this.sinStep = Math.sin(Math.PI * step);
      this.cosStep = Math.cos(Math.PI * step);
      this.sinStep3 = Math.sin(Math.PI * step / SUPPORT);
      this.cosStep3 = Math.cos(Math.PI * step / SUPPORT);
    }

    /** Fills output {@code i}'s taps. */
    void output(int i) {
      Taps t = taps;
      int stride = t.stride;
      double centre = x0 + (i + 0.5) / scale;
      int lo = (int) Math.floor(centre - support);
      int hi = (int) Math.ceil(centre + support);
      int first = Math.max(0, Math.min(srcLen - 1, lo));
      int last = Math.max(0, Math.min(srcLen - 1, hi));
      int n = last - first + 1;
      java.util.Arrays.fill(w, 0, n, 0);
      double sum = 0;
      double firstX = (lo + 0.5 - centre) / filterScale;
      double sin1 = Math.sin(Math.PI * firstX);
      double cos1 = Math.cos(Math.PI * firstX);
      double sin3 = Math.sin(Math.PI * firstX / SUPPORT);
      double cos3 = Math.cos(Math.PI * firstX / SUPPORT);
      for (int j = lo; j <= hi; j++) {
        double x = (j + 0.5 - centre) / filterScale;
        double v = lanczos3(x, sin1, sin3);
        double nextSin1 = sin1 * cosStep + cos1 * sinStep;
        cos1 = cos1 * cosStep - sin1 * sinStep;
        sin1 = nextSin1;
        double nextSin3 = sin3 * cosStep3 + cos3 * sinStep3;
        cos3 = cos3 * cosStep3 - sin3 * sinStep3;
        sin3 = nextSin3;
        if (v == 0) {
          continue;
        }
        int k = Math.max(first, Math.min(last, j)) - first; // clamp: fold onto edge pixel
        w[k] += v;
        sum += v;
      }
      // Trim zero-weight ends so the inner loop never multiplies by zero.
      int a = 0;
      int b = n - 1;
      while (a < b && w[a] == 0) {
        a++;
      }
      while (b > a && w[b] == 0) {
        b--;
      }
      int count = b - a + 1;
      if (count > stride) {
        throw new IllegalStateException("tap overflow " + count + " > " + stride);
      }
      t.start[i] = first + a;
      t.count[i] = count;
      // Fixed point with exact sum ONE: the rounding residue goes to the largest weight,
      // so flat areas stay exactly flat.
      int total = 0;
      int big = 0;
      for (int k = 0; k < count; k++) {
        int q = (int) Math.round(w[a + k] / sum * ONE);
        t.weights[i * stride + k] = q;
        total += q;
        if (Math.abs(q) > Math.abs(t.weights[i * stride + big])) {
          big = k;
        }
      }
      t.weights[i * stride + big] += ONE - total;
    }
  }
}
