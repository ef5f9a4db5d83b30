package dev.kiln.transforms.image;

/**
 * The one hot loop of {@link JavaResampler}: a weighted sum of whole rows.
 *
 * <p>For {@code x} in {@code [0, len)}: {@code out[outOff + x] = clamp((2^13 + sum_k (in[inOff + k
 * * inStride + x] & 0xFF) * weights[wOff + k]) >> 14, 0, 255)}. Exact integer arithmetic, so every
 * implementation gives identical bytes. Both resampling passes are expressed as this (the
 * horizontal one on a transposed image), because it streams contiguous memory and vectorises
 * trivially.
 *
 * <p>Implementations: {@link ScalarRowKernel} (plain Java, always available) and {@code
 * VectorRowKernel} (the incubating Vector API, only when the JVM was started with {@code
 * --add-modules jdk.incubator.vector}); {@link Lanczos} picks one on first use, which a JVM that
 * resamples in C ({@link NativeResampler}) never makes.
 */
interface RowKernel {
  /** Fixed-point precision of the weights: they sum to {@code 1 << PRECISION}. */
  int PRECISION = 14;

  /**
   * Computes one output row of {@code len} bytes from {@code taps} input rows. {@code out} must not
   * overlap the input rows read: implementations may write a sample more than once, or before all
   * inputs are read.
   *
   * @param in input samples
   * @param inOff index of the first sample of the first tap row
   * @param inStride distance between tap rows
   * @param weights fixed-point weights
   * @param wOff index of the first tap's weight
   * @param taps number of rows summed, {@code >= 1}
   * @param out destination
   * @param outOff index of the first output sample
   * @param len samples per row
   */
  void row(
      byte[] in,
      int inOff,
      int inStride,
      int[] weights,
      int wOff,
      int taps,
      byte[] out,
      int outOff,
      int len);

  /** Short name for logs and tests. */
  String name();
}
