package dev.kiln.transforms.image;

/**
 * {@link RowKernel} in plain Java: accumulates tap by tap into an int row so each tap streams one
 * contiguous input row. JDK 17's C2 does not vectorise the byte-to-int widening, so this runs one
 * sample per multiply-add; it is the fallback wherever the Vector API module is absent (stock Flink
 * TaskManagers, Maven surefire) or disabled with {@code -Dkiln.resample.scalar=true}.
 */
final class ScalarRowKernel implements RowKernel {
    private static final int HALF = 1 << (PRECISION - 1);

    /** Per-thread accumulator: kernels are shared by all resampling threads. */
    private static final ThreadLocal<int[][]> ACC = ThreadLocal.withInitial(() -> new int[][] {new int[0]});

    @Override
    public void row(byte[] in, int inOff, int inStride, int[] weights, int wOff, int taps, byte[] out, int outOff, int len) {
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
        return "scalar";
    }
}
