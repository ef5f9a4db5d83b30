package dev.kiln.transforms.image;

import java.util.function.DoubleUnaryOperator;

/**
 * How {@link WideLanczos} turns 8-bit colour samples into its 16-bit working values and back: two
 * lookup tables, 256 entries in and 65536 out, each entry the exact formula rounded.
 *
 * <p>Why 16 bits: in linear light the 8-bit sRGB codes crowd into the bright end (codes 0..10 span
 * only linear 0..0.003), so an 8-bit linear intermediate would merge the darks into a few bands. At
 * 16 bits adjacent sRGB codes stay at least 19 steps apart, and every code maps back to itself (a
 * flat area stays exactly flat).
 */
final class WideTransfer {
  /** Largest working value: 1.0. */
  static final int MAX = 65535;

  /**
   * The stored (sRGB-encoded) values, only widened: {@code v * 257}. For alpha without linear
   * light.
   */
  static final WideTransfer STORED = new WideTransfer(v -> v, v -> v);

  /** sRGB to linear light (IEC 61966-2-1) and back. */
  static final WideTransfer LINEAR =
      new WideTransfer(WideTransfer::srgbToLinear, WideTransfer::linearToSrgb);

  private final int[] widen = new int[256];
  private final byte[] narrow = new byte[MAX + 1];

  private WideTransfer(DoubleUnaryOperator in, DoubleUnaryOperator out) {
    for (int c = 0; c < 256; c++) {
      widen[c] = (int) Math.round(in.applyAsDouble(c / 255.0) * MAX);
    }
    for (int v = 0; v <= MAX; v++) {
      narrow[v] = (byte) Math.round(out.applyAsDouble((double) v / MAX) * 255);
    }
  }

  /** 8-bit colour code to working value 0..{@link #MAX}. */
  int widen(int code) {
    return widen[code];
  }

  /** Working value (clamped to 0..{@link #MAX}) to the nearest 8-bit colour code. */
  int narrow(long value) {
    return narrow[(int) Math.max(0, Math.min(MAX, value))] & 0xFF;
  }

  static double srgbToLinear(double v) {
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  static double linearToSrgb(double v) {
    return v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
  }
}
