package dev.kiln.transforms.image;

import java.util.Arrays;
import java.util.Random;

/**
 * Randomised row-kernel cases checked against the {@link RowKernel} formula written out directly:
 * random and edge lengths (around every vector, packing and chunk width: 0, 1, 3, 4, 5, 7, 8, 9,
 * ..., 31, 32, 33, 63, 64, 65, ..., 2047, 2048, 2049, ...), offsets, strides (including 0 and rows
 * that overlap), tap counts up to 40, and weights from realistic (summing to {@code 1 <<
 * PRECISION}) to extreme ints whose sums wrap around. Bytes outside {@code [outOff, outOff + len)}
 * must stay untouched. Shared by {@link ResamplerKernelTest} (scalar kernel) and {@link
 * VectorKernelCheck} (the Vector API kernel, in a child JVM with the module).
 */
final class RowKernelCases {
  /**
   * Lengths around 4 (scalar packing), 8/16 (int lanes), 32/64 (AVX2/AVX-512 byte vectors), 2048
   * (the scalar kernel's chunk) and beyond.
   */
  static final int[] EDGE_LENGTHS = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 35, 36, 47, 48,
    49, 63, 64, 65, 95, 96, 97, 127, 128, 129, 255, 256, 257, 768, 1131, 1500, 2047, 2048, 2049,
    2052, 4099, 6150
  };

  private static final int[] EXTREME_WEIGHTS = {
    Integer.MIN_VALUE,
    Integer.MAX_VALUE,
    -1,
    0,
    1,
    1 << 14,
    -(1 << 14),
    (1 << 14) + 1,
    65535,
    -65536,
    1 << 23,
    -(1 << 23),
    8421504,
    -8421504
  };

  private RowKernelCases() {}

  /** The {@link RowKernel} contract, sample by sample, in Java int arithmetic. */
  static void formula(
      byte[] in,
      int inOff,
      int inStride,
      int[] weights,
      int wOff,
      int taps,
      byte[] out,
      int outOff,
      int len) {
    for (int x = 0; x < len; x++) {
      int acc = 1 << (RowKernel.PRECISION - 1);
      for (int k = 0; k < taps; k++) {
        acc += (in[inOff + x + k * inStride] & 0xFF) * weights[wOff + k];
      }
      out[outOff + x] = (byte) Math.max(0, Math.min(255, acc >> RowKernel.PRECISION));
    }
  }

  /**
   * Runs every edge length with a few tap counts, then {@code randomCases} random cases, through
   * {@code kernel} and (if not null) {@code reference}, comparing both with {@link #formula}.
   *
   * @return null when all agree, else a description of the first disagreement
   */
  static String check(RowKernel kernel, RowKernel reference, long seed, int randomCases) {
    Random rnd = new Random(seed);
    int n = 0;
    for (int len : EDGE_LENGTHS) {
      for (int taps : new int[] {1, 2, 3, 6, 9, 12, 30}) {
        for (int kind = 0; kind < 4; kind++) {
          String r = one(kernel, reference, rnd, len, taps, kind, n++);
          if (r != null) {
            return r;
          }
        }
      }
    }
    for (int i = 0; i < randomCases; i++) {
      int len =
          switch (rnd.nextInt(8)) {
            case 0, 1 -> rnd.nextInt(40);
            case 2, 3, 4 -> rnd.nextInt(300);
            case 5, 6 -> rnd.nextInt(2000);
            default -> rnd.nextInt(7000);
          };
      int taps = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(40) : rnd.nextInt(12));
      String r = one(kernel, reference, rnd, len, taps, rnd.nextInt(4), n++);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  private static String one(
      RowKernel kernel,
      RowKernel reference,
      Random rnd,
      int len,
      int taps,
      int weightKind,
      int caseNo) {
    int inOff = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100);
    int inStride =
        switch (rnd.nextInt(6)) {
          case 0 -> len; // contiguous rows
          case 1 -> rnd.nextInt(len + 1); // overlapping rows (0 = every tap reads the same row)
          default -> len + rnd.nextInt(64);
        };
    int wOff = rnd.nextInt(5);
    int tail = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(50); // 0: the last row ends at the array's end
    byte[] in = new byte[inOff + (taps - 1) * inStride + len + tail];
    switch (rnd.nextInt(5)) {
      case 0 -> Arrays.fill(in, (byte) 0xFF);
      case 1 -> {
        for (int i = 0; i < in.length; i++) {
          in[i] = (byte) (rnd.nextBoolean() ? 0x80 : 0x7F); // both sides of the sign bit
        }
      }
      default -> rnd.nextBytes(in);
    }
    int[] weights = new int[wOff + taps + rnd.nextInt(3)];
    for (int k = 0; k < taps; k++) {
      weights[wOff + k] =
          switch (weightKind) {
            case 0 -> rnd.nextInt(15000) - 3000;
            case 1 -> rnd.nextInt(1 << 16) - (1 << 15);
            case 2 -> rnd.nextInt();
            default -> EXTREME_WEIGHTS[rnd.nextInt(EXTREME_WEIGHTS.length)];
          };
    }
    if (weightKind == 0) { // realistic: exact sum ONE, as Lanczos makes them
      int sum = 0;
      for (int k = 0; k < taps - 1; k++) {
        sum += weights[wOff + k];
      }
      weights[wOff + taps - 1] = (1 << RowKernel.PRECISION) - sum;
    }
    int outOff = rnd.nextInt(40);
    int outLen = outOff + len + rnd.nextInt(40);
    byte[] expected = new byte[outLen];
    Arrays.fill(expected, (byte) 0x5A);
    byte[] actual = expected.clone();
    byte[] ref = expected.clone();
    formula(in, inOff, inStride, weights, wOff, taps, expected, outOff, len);
    kernel.row(in, inOff, inStride, weights, wOff, taps, actual, outOff, len);
    String what =
        "case "
            + caseNo
            + ": len "
            + len
            + " taps "
            + taps
            + " inOff "
            + inOff
            + " inStride "
            + inStride
            + " outOff "
            + outOff
            + " weights "
            + Arrays.toString(Arrays.copyOfRange(weights, wOff, wOff + taps));
    if (!Arrays.equals(expected, actual)) {
      return kernel.name()
          + " differs from the formula at index "
          + Arrays.mismatch(expected, actual)
          + ", "
          + what;
    }
    if (reference != null) {
      reference.row(in, inOff, inStride, weights, wOff, taps, ref, outOff, len);
      if (!Arrays.equals(expected, ref)) {
        return reference.name()
            + " differs from the formula at index "
            + Arrays.mismatch(expected, ref)
            + ", "
            + what;
      }
    }
    return null;
  }
}
