package dev.kiln.transforms.framing;

import java.util.Locale;

/** What samples an annotated image becomes ({@code --framing}). */
public enum FramingMode {
  /** One sample per image, resized as {@code --resize} says; boxes are carried along. */
  NONE,
  /** One sample per image: a crop around its objects (or the plain resize when it has none). */
  OBJECT_CROP,
  /** One sample per object, keyed {@code <image-key>/<n>}; an image without objects is rejected. */
  PER_OBJECT;

  /** The flag spelling, e.g. {@code object-crop}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses the flag spelling.
   *
   * @throws IllegalArgumentException naming {@code --framing} and the allowed values
   */
  public static FramingMode parse(String value) {
    for (FramingMode m : values()) {
      if (value != null && m.flag().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "--framing=" + value + ": must be one of none, object-crop, per-object");
  }
}
