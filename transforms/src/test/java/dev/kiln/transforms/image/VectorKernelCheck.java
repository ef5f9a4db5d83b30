package dev.kiln.transforms.image;

import java.util.Arrays;

/**
 * Child-JVM half of {@link ResamplerKernelTest}: reports which kernel {@link Resampler} chose and
 * whether it gives exactly the scalar kernel's pixels on photo-like images of awkward sizes
 * (odd widths exercise the vector tail loop).
 */
public final class VectorKernelCheck {
    private VectorKernelCheck() {
    }

    /** Prints {@code kernel=NAME identical=BOOLEAN}. */
    public static void main(String[] args) {
        RowKernel scalar = new ScalarRowKernel();
        boolean identical = true;
        int[][] cases = {{517, 389, 256, 256}, {1201, 803, 300, 200}, {97, 61, 256, 171}, {640, 480, 33, 17}};
        for (int[] c : cases) {
            RgbImage photo = TestImages.photoLike(c[0], c[1], c[0]);
            double side = Math.min(c[0], c[1]);
            byte[] a = Resampler.lanczos(photo, 0.5, 0.25, side - 1, side - 0.5, c[2], c[3], scalar).rgb();
            byte[] b = Resampler.lanczos(photo, 0.5, 0.25, side - 1, side - 0.5, c[2], c[3], Resampler.KERNEL).rgb();
            identical &= Arrays.equals(a, b);
        }
        System.out.println("kernel=" + Resampler.KERNEL.name() + " identical=" + identical);
    }
}
