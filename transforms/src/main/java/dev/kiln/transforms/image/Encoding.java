package dev.kiln.transforms.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a sample's pixels are stored ({@code --encode}): its flag spelling is also the sample's
 * {@code encoding} field. Each has its encoder ({@code SampleEncoder.of}).
 */
public enum Encoding {
  /** Baseline JPEG at the settings' quality (RGB only). */
  JPEG,
  /** Lossless PNG, RGB or RGBA. */
  PNG,
  /** Packed 8-bit samples, row-major: RGB, or RGBA for images that keep alpha. */
  RAW;

  /** The flag spelling, e.g. {@code jpeg}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the flag spelling, ignoring case.
   *
   * @throws IllegalArgumentException naming {@code --encode} and the allowed values
   */
  public static Encoding parse(String value) {
    for (Encoding e : values()) {
      if (value != null && e.flag().equals(value.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException("--encode=" + value + ": must be one of " + flags());
  }

  /** Every encoding's flag spelling, comma-separated, for messages that list them. */
  public static String flags() {
    return Arrays.stream(values()).map(Encoding::flag).collect(Collectors.joining(", "));
  }
}
