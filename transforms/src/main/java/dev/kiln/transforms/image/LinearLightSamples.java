package dev.kiln.transforms.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferFloat;

/**
 * Floating-point samples that hold linear light (Radiance HDR pictures, which the HDR plugin labels
 * sRGB) encoded in place with the sRGB curve, clipped to [0, 1], so the colour stage reads them as
 * the sRGB values they are labelled as. Done on the decoded floats rather than after downscaling to
 * 8 bits, where the dark tones would have kept only a few levels.
 */
final class LinearLightSamples {
  private static final int STEPS = 1 << 16;

  /** sRGB-encoded value for each of 65536 linear steps in [0, 1]. */
  private static final float[] ENCODED = table();

  private LinearLightSamples() {}

  private static float[] table() {
    float[] t = new float[STEPS];
    for (int i = 0; i < STEPS; i++) {
      double v = i / (double) (STEPS - 1);
      t[i] = (float) (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055);
    }
    return t;
  }

  /** Encodes every float sample of {@code image} as sRGB; other sample types are left alone. */
  static void encodeSrgb(BufferedImage image) {
    DataBuffer buffer = image.getRaster().getDataBuffer();
    if (!(buffer instanceof DataBufferFloat floats)) {
      return;
    }
    for (int bank = 0; bank < floats.getNumBanks(); bank++) {
      float[] samples = floats.getData(bank);
      for (int i = 0; i < samples.length; i++) {
        float v = samples[i];
        // NaN and negative values are black; values above 1 clip to white.
        samples[i] = !(v > 0) ? 0 : v >= 1 ? 1 : ENCODED[(int) (v * (STEPS - 1) + 0.5f)];
      }
    }
  }
}
