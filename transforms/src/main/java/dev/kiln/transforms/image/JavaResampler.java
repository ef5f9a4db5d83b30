package dev.kiln.transforms.image;

/**
 * {@link Resampler} in Java: both Lanczos passes are the same weighted sum of whole rows ({@link
 * RowKernel}): the vertical pass runs on the source rows (only the columns the horizontal taps
 * reach), the result is transposed, the "vertical" pass runs again with the horizontal taps, and
 * the small result is transposed back. Streaming whole contiguous rows is what lets the kernel
 * vectorise; the transposes only touch images of output height.
 *
 * <p>The row kernel is {@link Lanczos#kernel()} (the Vector API one, or the scalar one) or, in
 * tests, a given one; all give identical bytes.
 */
final class JavaResampler implements Resampler {
  private final RowKernel kernel;

  JavaResampler(RowKernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public RgbImage lanczos(
      RgbImage src, Lanczos.Taps hx, Lanczos.Taps vy, int colMin, int cols, int outW, int outH) {
    int sw = src.width();
    byte[] in = src.rgb();
    int rowBytes = sw * 3;

    // Vertical: outH rows of `cols` pixels.
    byte[] mid = new byte[outH * cols * 3];
    for (int j = 0; j < outH; j++) {
      kernel.row(
          in,
          vy.start[j] * rowBytes + colMin * 3,
          rowBytes,
          vy.weights,
          j * vy.stride,
          vy.count[j],
          mid,
          j * cols * 3,
          cols * 3);
    }
    // Horizontal, as a vertical pass over the transpose: outW rows of outH pixels.
    byte[] midT = Lanczos.transpose(mid, cols, outH);
    byte[] outT = new byte[outW * outH * 3];
    int tRowBytes = outH * 3;
    for (int i = 0; i < outW; i++) {
      kernel.row(
          midT,
          (hx.start[i] - colMin) * tRowBytes,
          tRowBytes,
          hx.weights,
          i * hx.stride,
          hx.count[i],
          outT,
          i * tRowBytes,
          tRowBytes);
    }
    return new RgbImage(outW, outH, Lanczos.transpose(outT, outH, outW));
  }

  @Override
  public RgbImage boxReduce(RgbImage src, int rx, int ry, int rw, int rh, int fx, int fy) {
    int sw = src.width();
    int ow = (rw + fx - 1) / fx;
    int oh = (rh + fy - 1) / fy;
    byte[] in = src.rgb();
    byte[] out = new byte[ow * oh * 3];
    int[] acc = new int[ow * 3];
    for (int j = 0; j < oh; j++) {
      java.util.Arrays.fill(acc, 0);
      int yStart = ry + j * fy;
      int yEnd = Math.min(ry + rh, yStart + fy);
      for (int y = yStart; y < yEnd; y++) {
        int p = (y * sw + rx) * 3;
        int x = 0;
        for (int i = 0; i < ow; i++) {
          int xEnd = Math.min(rw, x + fx);
          int r = 0;
          int g = 0;
          int b = 0;
          for (; x < xEnd; x++, p += 3) {
            r += in[p] & 0xFF;
            g += in[p + 1] & 0xFF;
            b += in[p + 2] & 0xFF;
          }
          acc[3 * i] += r;
          acc[3 * i + 1] += g;
          acc[3 * i + 2] += b;
        }
      }
      int rows = yEnd - yStart;
      int o = j * ow * 3;
      for (int i = 0; i < ow; i++) {
        int n = rows * (Math.min(rw, (i + 1) * fx) - i * fx);
        int half = n >> 1;
        out[o++] = (byte) ((acc[3 * i] + half) / n);
        out[o++] = (byte) ((acc[3 * i + 1] + half) / n);
        out[o++] = (byte) ((acc[3 * i + 2] + half) / n);
      }
    }
    return new RgbImage(ow, oh, out);
  }

  @Override
  public String name() {
    return "Java (" + kernel.name() + ")";
  }
}
