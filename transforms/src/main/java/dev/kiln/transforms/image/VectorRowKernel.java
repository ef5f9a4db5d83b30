package dev.kiln.transforms.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the incubating Vector API. Results are bit-identical to {@link
 * ScalarRowKernel} (same integer arithmetic, modulo 2^32).
 *
 * <p>Each step loads one full vector of bytes per tap ({@link #BLOCK} samples, 32 with AVX2) and
 * reinterprets it as ints holding four samples each, little-endian. Shifting and masking those ints
 * gives four int vectors with samples {@code 4i}, {@code 4i+1}, {@code 4i+2} and {@code 4i+3} of
 * the block, already zero-extended (JDK 17's byte-to-int cast only sign-extends, and its
 * part-selecting conversions are slow). Four independent accumulators take one multiply-add each
 * per tap; after the last tap the four clamped results are shifted back into their byte positions,
 * OR-ed together and stored as one byte vector, which restores the sample order. Compared with
 * widening 8 bytes per load this needs a quarter of the loads and bounds checks, no cross-lane
 * shuffles, and is about three times faster (see {@code RowKernelBenchmark}).
 *
 * <p>A row that is not a multiple of {@link #BLOCK} ends with one block that overlaps the one
 * before it (recomputing a few samples, which is why {@link RowKernel} forbids {@code out} to
 * overlap the rows read); rows shorter than a block take a plain per-sample loop.
 *
 * <p>{@link #row} is deliberately one method of more than 325 bytecodes (C2's {@code
 * FreqInlineSize}), so that C2 compiles it on its own instead of inlining it into a caller. Inlined
 * into {@code JavaResampler.lanczos}, the expanded Vector API calls hit C2's {@code
 * NodeCountInliningCutoff}, some stay un-intrinsified, and every vector is then boxed on the heap
 * (measured: 3.5 MB of extra allocation per 500x400 resize). The same happens with larger loop
 * bodies (eight accumulators, or two taps per iteration). {@code RowKernelBenchmark} prints the
 * bytes allocated per call, which must stay those of {@code JavaResampler}'s own arrays.
 *
 * <p>Only ever loaded reflectively by {@link Lanczos} after checking that the {@code
 * jdk.incubator.vector} module is in the boot layer: referencing this class on a JVM without {@code
 * --add-modules jdk.incubator.vector} would fail with {@code NoClassDefFoundError}.
 */
final class VectorRowKernel implements RowKernel {
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

  /** Bytes of the same shape: one load fills exactly one int vector, four samples per lane. */
  private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, INTS.vectorShape());

  /** Samples per step: bytes per vector. */
  private static final int BLOCK = BYTES.length();

  private static final int HALF = 1 << (PRECISION - 1);

  /**
   * Whether the platform's preferred int vector has 8+ lanes (AVX2 or wider); else scalar is as
   * good.
   */
  static boolean usable() {
    return INTS.length() >= 8;
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
    if (len < BLOCK) { // rows shorter than one vector (tiny images only)
      for (int x = 0; x < len; x++) {
        int acc = HALF;
        int p = inOff + x;
        for (int k = 0; k < taps; k++, p += inStride) {
          acc += (in[p] & 0xFF) * weights[wOff + k];
        }
        int v = acc >> PRECISION;
        out[outOff + x] = (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
      }
      return;
    }
    for (int x = 0; ; x += BLOCK) {
      if (x > len - BLOCK) {
        if (x == len) {
          break;
        }
        x = len - BLOCK; // last, partial block: overlap the previous one
      }
      IntVector a0 = IntVector.broadcast(INTS, HALF);
      IntVector a1 = a0;
      IntVector a2 = a0;
      IntVector a3 = a0;
      int p = inOff + x;
      for (int k = 0; k < taps; k++, p += inStride) {
        IntVector w = IntVector.broadcast(INTS, weights[wOff + k]);
        IntVector v = ByteVector.fromArray(BYTES, in, p).reinterpretAsInts();
        a0 = a0.add(v.and(0xFF).mul(w));
        a1 = a1.add(v.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(w));
        a2 = a2.add(v.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(w));
        a3 = a3.add(v.lanewise(VectorOperators.LSHR, 24).mul(w));
      }
      clamp(a0)
          .or(clamp(a1).lanewise(VectorOperators.LSHL, 8))
          .or(clamp(a2).lanewise(VectorOperators.LSHL, 16))
          .or(clamp(a3).lanewise(VectorOperators.LSHL, 24))
          .reinterpretAsBytes()
          .intoArray(out, outOff + x);
    }
  }

  private static IntVector clamp(IntVector acc) {
    return acc.lanewise(VectorOperators.ASHR, PRECISION).max(0).min(255);
  }

  @Override
  public String name() {
    return "vector" + INTS.vectorBitSize();
  }
}
