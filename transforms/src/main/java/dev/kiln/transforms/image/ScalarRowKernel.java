package dev.kiln.transforms.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link RowKernel} in plain Java, shaped so that C2's auto-vectoriser (superword) does the work;
 * it is the fallback wherever the Vector API module is absent (stock Flink TaskManagers, Maven
 * surefire) or disabled with {@code -Dkiln.resample.scalar=true}. Same integer arithmetic as the
 * formula, so bit-identical results; about 2.3-2.8x the previous byte-at-a-time loop (see {@code
 * RowKernelBenchmark}).
 *
 * <p>JDK 17's C2 does not vectorise byte-to-int widening, so a loop over {@code (in[p + x] & 0xFF)
 * * w} runs one sample per multiply-add. Instead each tap row is first read four samples at a time
 * as little-endian ints (one int load per four bytes), and the multiply-adds run on ints only,
 * which C2 does vectorise: four accumulator rows hold samples {@code 4i}, {@code 4i+1}, {@code
 * 4i+2} and {@code 4i+3}, taken from each packed int by shift and mask (the same layout as {@link
 * VectorRowKernel}). Two taps are added per pass to halve the accumulator traffic. At the end the
 * four results are clamped without branches, packed back into ints and stored four bytes at a time.
 * The last {@code len % 4} samples take a plain per-sample loop.
 *
 * <p>Two details decide whether C2 vectorises the multiply-adds: each loop stores into one row only
 * (a loop updating four arrays is not vectorised), and all work rows are one array at constant
 * offsets ({@link #A0} ... {@link #U}). With separate arrays C2 must assume that an accumulator row
 * may be the same array as an input row, and the multiply-add loops stay scalar (measured: barely
 * faster than the old kernel); with one array and constant offsets it sees that the rows never
 * overlap. {@code -XX:-UseSuperWord} shows the difference: it makes this kernel about 2.5x slower.
 * Rows longer than {@link #CHUNK} quads are done in chunks.
 */
final class ScalarRowKernel implements RowKernel {
  private static final int HALF = 1 << (PRECISION - 1);

  /** Four samples as one int, little-endian: sample {@code 4i + j} is bits {@code 8j..8j+7}. */
  private static final VarHandle QUADS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Quads (4 samples) per chunk: 2048 samples, 12 KiB of work rows. */
  private static final int CHUNK = 512;

  /** Offsets of the work rows in the per-thread array: four accumulators, two packed input rows. */
  private static final int A0 = 0;

  private static final int A1 = CHUNK;
  private static final int A2 = 2 * CHUNK;
  private static final int A3 = 3 * CHUNK;
  private static final int T = 4 * CHUNK;
  private static final int U = 5 * CHUNK;

  /** Per-thread work rows: kernels are shared by all resampling threads. */
  private static final ThreadLocal<int[]> WORK = ThreadLocal.withInitial(() -> new int[6 * CHUNK]);

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
    int quads = len >> 2;
    if (quads > 0) {
      int[] s = WORK.get();
      for (int q = 0; q < quads; q += CHUNK) {
        int n = Math.min(CHUNK, quads - q);
        int p = inOff + 4 * q;
        Arrays.fill(s, A0, A0 + n, HALF);
        Arrays.fill(s, A1, A1 + n, HALF);
        Arrays.fill(s, A2, A2 + n, HALF);
        Arrays.fill(s, A3, A3 + n, HALF);
        int k = 0;
        if ((taps & 1) != 0) {
          load(in, p, s, T, n);
          add(s, weights[wOff], n);
          k = 1;
        }
        for (; k < taps; k += 2) {
          int pk = p + k * inStride;
          load(in, pk, s, T, n);
          load(in, pk + inStride, s, U, n);
          add(s, weights[wOff + k], weights[wOff + k + 1], n);
        }
        store(s, out, outOff + 4 * q, n);
      }
    }
    for (int x = quads << 2; x < len; x++) {
      int acc = HALF;
      int p = inOff + x;
      for (int k = 0; k < taps; k++, p += inStride) {
        acc += (in[p] & 0xFF) * weights[wOff + k];
      }
      out[outOff + x] = (byte) clamp(acc);
    }
  }

  /** {@code n} packed quads of {@code in} from {@code p} into {@code s[at ...]}. */
  private static void load(byte[] in, int p, int[] s, int at, int n) {
    for (int i = 0; i < n; i++) {
      s[at + i] = (int) QUADS.get(in, p + 4 * i);
    }
  }

  /** Adds the tap in row {@link #T} with weight {@code w}. */
  private static void add(int[] s, int w, int n) {
    for (int i = 0; i < n; i++) {
      s[A0 + i] += (s[T + i] & 0xFF) * w;
    }
    for (int i = 0; i < n; i++) {
      s[A1 + i] += ((s[T + i] >>> 8) & 0xFF) * w;
    }
    for (int i = 0; i < n; i++) {
      s[A2 + i] += ((s[T + i] >>> 16) & 0xFF) * w;
    }
    for (int i = 0; i < n; i++) {
      s[A3 + i] += (s[T + i] >>> 24) * w;
    }
  }

  /** Adds the taps in rows {@link #T} and {@link #U} with weights {@code w} and {@code v}. */
  private static void add(int[] s, int w, int v, int n) {
    for (int i = 0; i < n; i++) {
      s[A0 + i] += (s[T + i] & 0xFF) * w + (s[U + i] & 0xFF) * v;
    }
    for (int i = 0; i < n; i++) {
      s[A1 + i] += ((s[T + i] >>> 8) & 0xFF) * w + ((s[U + i] >>> 8) & 0xFF) * v;
    }
    for (int i = 0; i < n; i++) {
      s[A2 + i] += ((s[T + i] >>> 16) & 0xFF) * w + ((s[U + i] >>> 16) & 0xFF) * v;
    }
    for (int i = 0; i < n; i++) {
      s[A3 + i] += (s[T + i] >>> 24) * w + (s[U + i] >>> 24) * v;
    }
  }

  /**
   * Clamps the accumulators, packs them into row {@link #T} and stores that four samples at a time.
   */
  private static void store(int[] s, byte[] out, int o, int n) {
    for (int i = 0; i < n; i++) {
      s[T + i] =
          clamp(s[A0 + i])
              | clamp(s[A1 + i]) << 8
              | clamp(s[A2 + i]) << 16
              | clamp(s[A3 + i]) << 24;
    }
    for (int i = 0; i < n; i++) {
      QUADS.set(out, o + 4 * i, s[T + i]);
    }
  }

  /**
   * {@code acc >> PRECISION} clamped to 0..255, without branches or Math.min/max (which C2 would
   * not vectorise).
   */
  private static int clamp(int acc) {
    int v = acc >> PRECISION;
    v &= ~(v >> 31); // negative -> 0
    return (v | ((255 - v) >> 31)) & 0xFF; // above 255 -> 255
  }

  @Override
  public String name() {
    return "scalar";
  }
}
