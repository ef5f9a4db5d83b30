package dev.kiln.transforms.image;

/**
 * Where the passes of 8-bit {@link Lanczos} resampling run: {@link NativeResampler} (C, where
 * {@code libkilnresample.so} loads) or {@link JavaResampler} (Java, on the Vector API row kernel
 * when the JVM has {@code jdk.incubator.vector}, else on the scalar one). {@link Lanczos} plans the
 * work (window, box factor, tap tables) once for all of them; every implementation sums the same
 * integers, so they give identical bytes and only their speed differs.
 */
interface Resampler {
  /**
   * The two Lanczos passes over {@code src}: vertical with {@code vy} on the columns {@code
   * [colMin, colMin + cols)} the horizontal taps read, then horizontal with {@code hx}.
   */
  RgbImage lanczos(
      RgbImage src, Lanczos.Taps hx, Lanczos.Taps vy, int colMin, int cols, int outW, int outH);

  /**
   * Averages {@code fx x fy} boxes of the region {@code [rx, rx+rw) x [ry, ry+rh)}; boxes cut by
   * the region's right/bottom edge average only the pixels they contain. Reduced pixel {@code i}
   * covers source {@code [rx + i*fx, rx + (i+1)*fx)}, so continuous coordinates simply divide by
   * the factor.
   */
  RgbImage boxReduce(RgbImage src, int rx, int ry, int rw, int rh, int fx, int fy);

  /** Short name for {@code kiln --version}, logs and tests. */
  String name();
}
