package dev.kiln.transforms.image;

import java.util.Arrays;

/**
 * Child-JVM half of {@link ResamplerKernelTest}: reports which kernel {@link Lanczos} chose,
 * whether it gives exactly the scalar kernel's pixels on photo-like images of awkward sizes (odd
 * widths exercise the vector tail block), and whether it and the scalar kernel match the formula on
 * {@link RowKernelCases}' random and edge shapes (three rounds, so that the later ones run
 * C2-compiled code).
 */
public final class VectorKernelCheck {
  private VectorKernelCheck() {}

  /**
   * Prints {@code kernel=NAME warm=BOOLEAN identical=BOOLEAN random=PASS} (or {@code FAIL details},
   * or {@code SKIP} for the scalar kernel).
   */
  public static void main(String[] args) throws InterruptedException {
    RowKernel scalar = new ScalarRowKernel();
    // The vector kernel serves rows once its warm-up has got it compiled: check that one. The
    // warm-up starts after enough rows went through the scalar kernel, so resize until it is done.
    boolean warm = !(Lanczos.kernel() instanceof WarmingKernel);
    RgbImage busy = TestImages.photoLike(400, 300, 1);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!warm && System.nanoTime() < deadline) {
      Lanczos.lanczos(busy, 0, 0, 400, 300, 256, 192, Lanczos.kernel());
      warm = ((WarmingKernel) Lanczos.kernel()).warm();
    }
    boolean identical = true;
    int[][] cases = {
      {517, 389, 256, 256}, {1201, 803, 300, 200}, {97, 61, 256, 171}, {640, 480, 33, 17}
    };
    for (int[] c : cases) {
      RgbImage photo = TestImages.photoLike(c[0], c[1], c[0]);
      double side = Math.min(c[0], c[1]);
      byte[] a = Lanczos.lanczos(photo, 0.5, 0.25, side - 1, side - 0.5, c[2], c[3], scalar).rgb();
      byte[] b =
          Lanczos.lanczos(photo, 0.5, 0.25, side - 1, side - 0.5, c[2], c[3], Lanczos.kernel())
              .rgb();
      identical &= Arrays.equals(a, b);
    }
    String random = "SKIP"; // the scalar kernel's cases run in the test JVM
    if (Lanczos.kernel() != scalar && !"scalar".equals(Lanczos.kernel().name())) {
      random = null;
      for (int round = 0; round < 3 && random == null; round++) {
        random = RowKernelCases.check(Lanczos.kernel(), scalar, 100 + round, 2000);
      }
      random = random == null ? "PASS" : "FAIL " + random;
    }
    System.out.println(
        "kernel="
            + Lanczos.kernel().name()
            + " warm="
            + warm
            + " identical="
            + identical
            + " random="
            + random);
  }
}
