package dev.kiln.transforms.image;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-kernel benchmark (not a test): the current kernels against the previous ones, interleaved in
 * one JVM (A, B, A, B, ...) so that a busy machine slows both alike; reports the median ns of
 * thread CPU time per call (one row, or one whole image) of each and the median of the per-round
 * ratios old/new. Shapes: rows of 768 and 1500 bytes with 6, 9, 12 and 30 taps, 1131 bytes with 11,
 * then the whole {@link Lanczos#lanczos} of a 500x400 RGB image to 320x256 and of its 350x350
 * centre to 256x256 (scale 0.73). Also prints bytes allocated per call: 0 for rows, and for whole
 * images only {@code Lanczos}'s own arrays, the same for old and new (a Vector API call that C2 did
 * not intrinsify boxes its vectors on the heap). Checks that old and new give identical bytes.
 *
 * <p>Run from the repository root (the vector pair needs the module; without it only the scalar
 * pair runs):
 *
 * <pre>
 * mvn -B -q -pl transforms -am test-compile
 * java --add-modules jdk.incubator.vector -cp transforms/target/test-classes:transforms/target/classes \
 *     dev.kiln.transforms.image.RowKernelBenchmark [rounds]
 * </pre>
 */
public final class RowKernelBenchmark {
  private static final int HALF = 1 << (RowKernel.PRECISION - 1);
  private static final long ROUND_NANOS = 20_000_000L;
  private static final com.sun.management.ThreadMXBean CPU =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private RowKernelBenchmark() {}

  /** Runs the benchmark; the optional argument is the number of interleaved rounds (default 15). */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    List<RowKernel[]> pairs = new ArrayList<>();
    if (vector) {
      pairs.add(new RowKernel[] {LegacyVector.create(), vectorKernel()});
    }
    pairs.add(new RowKernel[] {new LegacyScalar(), new ScalarRowKernel()});
    System.out.printf(
        Locale.ROOT,
        "java %s, %d cpus, Lanczos.kernel()=%s, %d rounds%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Lanczos.kernel().name(),
        rounds);
    for (RowKernel[] pair : pairs) {
      warmUp(pair);
      System.out.printf(
          Locale.ROOT, "%n%s (old) vs %s (new), ns per call:%n", pair[0].name(), pair[1].name());
      for (int len : new int[] {768, 1500}) {
        for (int taps : new int[] {6, 9, 12, 30}) {
          rows(pair, len, taps, rounds);
        }
      }
      rows(pair, 1131, 11, rounds); // the shape of the figure in docs/PERFORMANCE.md
      // TestImages only reaches JUnit when a test fails: it loads without JUnit on the path.
      RgbImage photo = TestImages.photoLike(500, 400, 1);
      resample(pair, photo, 0, 0, 500, 400, 320, 256, rounds);
      resample(pair, photo, 75, 25, 350, 350, 256, 256, rounds);
    }
  }

  private static RowKernel vectorKernel() {
    try {
      return (RowKernel)
          Class.forName("dev.kiln.transforms.image.VectorRowKernel")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One output row of {@code len} bytes from {@code taps} rows, cycling over 64 input rows (about
   * what an image has in cache).
   */
  private static void rows(RowKernel[] pair, int len, int taps, int rounds) {
    int stride = len + 48;
    int inRows = 64 + taps;
    byte[] in = new byte[inRows * stride];
    new Random(len * 31L + taps).nextBytes(in);
    int[] weights = lanczosLike(taps);
    byte[][] outs = {new byte[len], new byte[len]};
    int[] next = new int[2];
    Runnable[] work = new Runnable[2];
    for (int v = 0; v < 2; v++) {
      RowKernel k = pair[v];
      byte[] out = outs[v];
      int vv = v;
      work[v] =
          () -> {
            int r = next[vv];
            k.row(in, r * stride, stride, weights, 0, taps, out, 0, len);
            next[vv] = r == 63 ? 0 : r + 1;
          };
    }
    // Same bytes on every start row.
    for (int r = 0; r < 64; r++) {
      work[0].run();
      work[1].run();
      if (!Arrays.equals(outs[0], outs[1])) {
        throw new AssertionError("old and new kernels differ, len " + len + " taps " + taps);
      }
    }
    report(String.format(Locale.ROOT, "row %4d B x %2d taps", len, taps), work, rounds);
  }

  private static void resample(
      RowKernel[] pair,
      RgbImage src,
      double x0,
      double y0,
      double ww,
      double wh,
      int outW,
      int outH,
      int rounds) {
    if (!Arrays.equals(
        Lanczos.lanczos(src, x0, y0, ww, wh, outW, outH, pair[0]).rgb(),
        Lanczos.lanczos(src, x0, y0, ww, wh, outW, outH, pair[1]).rgb())) {
      throw new AssertionError("old and new kernels give different images");
    }
    Runnable[] work = new Runnable[2];
    for (int v = 0; v < 2; v++) {
      RowKernel k = pair[v];
      work[v] = () -> Lanczos.lanczos(src, x0, y0, ww, wh, outW, outH, k);
    }
    report(
        String.format(
            Locale.ROOT,
            "resample %dx%d [%.0fx%.0f] -> %dx%d",
            src.width(),
            src.height(),
            ww,
            wh,
            outW,
            outH),
        work,
        rounds);
  }

  /**
   * Interleaved rounds of about 20 ms each: old, new, old, new, ... after a warm-up of both. Times
   * are this thread's CPU time, so that time spent descheduled on a shared machine does not count.
   */
  private static void report(String label, Runnable[] work, int rounds) {
    long[] batch = new long[2];
    for (int v = 0; v < 2; v++) {
      batch[v] = calibrate(work[v]);
    }
    double[][] ns = new double[2][rounds];
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      for (int v = 0; v < 2; v++) {
        long t0 = CPU.getCurrentThreadCpuTime();
        for (long i = 0; i < batch[v]; i++) {
          work[v].run();
        }
        ns[v][r] = (CPU.getCurrentThreadCpuTime() - t0) / (double) batch[v];
      }
      ratio[r] = ns[0][r] / ns[1][r];
    }
    long[] alloc = new long[2];
    for (int v = 0; v < 2; v++) {
      alloc[v] = allocatedPerCall(work[v]);
    }
    System.out.printf(
        Locale.ROOT,
        "  %-40s old %10.0f  new %10.0f  speed-up x%.2f  (ratio range %.2f-%.2f; alloc B/call old %d new %d)%n",
        label,
        median(ns[0]),
        median(ns[1]),
        median(ratio),
        min(ratio),
        max(ratio),
        alloc[0],
        alloc[1]);
  }

  /**
   * Runs both kernels of the pair for about a second each over a few shapes, so that C2 has
   * compiled them (and the {@code Runnable}s around them) before the first measurement.
   */
  private static void warmUp(RowKernel[] pair) {
    int len = 1500;
    int stride = len + 48;
    byte[] in = new byte[80 * stride];
    byte[] out = new byte[len];
    int[] weights = lanczosLike(30);
    RgbImage photo = TestImages.photoLike(200, 160, 2);
    for (RowKernel k : pair) {
      long end = CPU.getCurrentThreadCpuTime() + 1_000_000_000L;
      for (int i = 0; CPU.getCurrentThreadCpuTime() < end; i++) {
        for (int j = 0; j < 100; j++) {
          int taps = 6 + (i + j) % 25;
          k.row(in, (j & 31) * stride, stride, weights, 0, taps, out, 0, len - (j & 1) * 732);
        }
        Lanczos.lanczos(photo, 0, 0, 200, 160, 80, 64, k);
      }
    }
  }

  /** Warms up (10 rounds' worth) and returns how many calls take about one round. */
  private static long calibrate(Runnable w) {
    long calls = 1;
    long warmEnd = CPU.getCurrentThreadCpuTime() + 10 * ROUND_NANOS;
    while (CPU.getCurrentThreadCpuTime() < warmEnd) {
      w.run();
    }
    while (true) {
      long t0 = CPU.getCurrentThreadCpuTime();
      for (long i = 0; i < calls; i++) {
        w.run();
      }
      long dt = CPU.getCurrentThreadCpuTime() - t0;
      if (dt > ROUND_NANOS / 4) {
        return Math.max(1, calls * ROUND_NANOS / dt);
      }
      calls *= 2;
    }
  }

  private static long allocatedPerCall(Runnable w) {
    long tid = Thread.currentThread().getId();
    int calls = 20;
    long a0 = CPU.getThreadAllocatedBytes(tid);
    for (int i = 0; i < calls; i++) {
      w.run();
    }
    return (CPU.getThreadAllocatedBytes(tid) - a0) / calls;
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElse(Double.NaN);
  }

  private static double max(double[] a) {
    return Arrays.stream(a).max().orElse(Double.NaN);
  }

  /** Lanczos-3 weights over {@code taps} samples, in fixed point summing exactly to one. */
  private static int[] lanczosLike(int taps) {
    double[] w = new double[taps];
    double sum = 0;
    for (int k = 0; k < taps; k++) {
      w[k] = Lanczos.lanczos3((k + 0.5 - taps / 2.0) * 6.0 / taps);
      sum += w[k];
    }
    int[] q = new int[taps];
    int total = 0;
    for (int k = 0; k < taps; k++) {
      q[k] = (int) Math.round(w[k] / sum * (1 << RowKernel.PRECISION));
      total += q[k];
    }
    q[taps / 2] += (1 << RowKernel.PRECISION) - total;
    return q;
  }

  /**
   * The plain-Java kernel before this benchmark's change: one multiply-add per sample, tap by tap
   * into an int row.
   */
  static final class LegacyScalar implements RowKernel {
    private static final ThreadLocal<int[][]> ACC =
        ThreadLocal.withInitial(() -> new int[][] {new int[0]});

    @Override
    public void row(
        byte[] in,
        int inOff,
        int inStride,
        int[] weights,
        int wOff,
        int taps,
        byte[] out,
        int outOff,
        int len) {
      int[][] holder = ACC.get();
      int[] acc = holder[0];
      if (acc.length < len) {
        acc = new int[len];
        holder[0] = acc;
      }
      int w0 = weights[wOff];
      for (int x = 0; x < len; x++) {
        acc[x] = HALF + (in[inOff + x] & 0xFF) * w0;
      }
      for (int k = 1; k < taps; k++) {
        int w = weights[wOff + k];
        int p = inOff + k * inStride;
        for (int x = 0; x < len; x++) {
          acc[x] += (in[p + x] & 0xFF) * w;
        }
      }
      for (int x = 0; x < len; x++) {
        int v = acc[x] >> PRECISION;
        out[outOff + x] = (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
      }
    }

    @Override
    public String name() {
      return "scalar-old";
    }
  }

  /**
   * The Vector API kernel before this benchmark's change: one 8-byte load widened to one int vector
   * per tap.
   */
  static final class LegacyVector implements RowKernel {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES =
        ByteVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(Math.max(64, INTS.length() * 8)));

    static RowKernel create() {
      return new LegacyVector();
    }

    @Override
    public void row(
        byte[] in,
        int inOff,
        int inStride,
        int[] weights,
        int wOff,
        int taps,
        byte[] out,
        int outOff,
        int len) {
      int lanes = INTS.length();
      int x = 0;
      int bound = len - lanes;
      for (; x <= bound; x += lanes) {
        IntVector acc = IntVector.broadcast(INTS, HALF);
        int p = inOff + x;
        for (int k = 0; k < taps; k++, p += inStride) {
          IntVector v =
              (IntVector)
                  ByteVector.fromArray(BYTES, in, p).convertShape(VectorOperators.B2I, INTS, 0);
          acc = acc.add(v.and(0xFF).mul(weights[wOff + k]));
        }
        ((ByteVector)
                acc.lanewise(VectorOperators.ASHR, PRECISION)
                    .max(0)
                    .min(255)
                    .convertShape(VectorOperators.I2B, BYTES, 0))
            .intoArray(out, outOff + x);
      }
      for (; x < len; x++) {
        int acc = HALF;
        int p = inOff + x;
        for (int k = 0; k < taps; k++, p += inStride) {
          acc += (in[p] & 0xFF) * weights[wOff + k];
        }
        int v = acc >> PRECISION;
        out[outOff + x] = (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
      }
    }

    @Override
    public String name() {
      return "vector-old";
    }
  }
}
