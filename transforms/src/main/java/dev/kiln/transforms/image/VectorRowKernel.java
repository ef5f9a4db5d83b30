package dev.kiln.transforms.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on the incubating Vector API: widens one vector of bytes to ints, multiplies
 * and accumulates all taps in a register, then narrows with clamping; about 8x the scalar kernel
 * with AVX2. Results are bit-identical to {@link ScalarRowKernel} (same integer arithmetic).
 *
 * <p>Only ever loaded reflectively by {@link Resampler} after checking that the
 * {@code jdk.incubator.vector} module is in the boot layer: referencing this class on a JVM
 * without {@code --add-modules jdk.incubator.vector} would fail with {@code NoClassDefFoundError}.
 */
final class VectorRowKernel implements RowKernel {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /**
     * As many byte lanes as int lanes, so one byte load widens to exactly one int vector (the
     * smallest byte shape is 64 bits; narrower int vectors are rejected by {@link #usable}).
     */
    private static final VectorSpecies<Byte> BYTES =
            ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Math.max(64, INTS.length() * 8)));
    private static final int HALF = 1 << (PRECISION - 1);

    /** Whether the platform's preferred int vector has 8+ lanes (AVX2 or wider); else scalar is as good. */
    static boolean usable() {
        return INTS.length() >= 8;
    }

    @Override
    public void row(byte[] in, int inOff, int inStride, int[] weights, int wOff, int taps, byte[] out, int outOff, int len) {
        int lanes = INTS.length();
        int x = 0;
        int bound = len - lanes;
        for (; x <= bound; x += lanes) {
            IntVector acc = IntVector.broadcast(INTS, HALF);
            int p = inOff + x;
            for (int k = 0; k < taps; k++, p += inStride) {
                IntVector v = (IntVector) ByteVector.fromArray(BYTES, in, p).convertShape(VectorOperators.B2I, INTS, 0);
                acc = acc.add(v.and(0xFF).mul(weights[wOff + k]));
            }
            ((ByteVector) acc.lanewise(VectorOperators.ASHR, PRECISION).max(0).min(255)
                    .convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, outOff + x);
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
        return "vector" + INTS.vectorBitSize();
    }
}
