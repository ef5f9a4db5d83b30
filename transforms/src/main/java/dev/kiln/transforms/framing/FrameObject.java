package dev.kiln.transforms.framing;

import java.util.Locale;

/**
 * Which objects an {@link FramingMode#OBJECT_CROP} crop is built around ({@code --frame-object}).
 */
public enum FrameObject {
  /** The smallest rectangle holding every object of the image. */
  UNION,
  /** The object with the largest box area (the first of equals). */
  LARGEST;

  /** The flag spelling. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the flag spelling.
   *
   * @throws IllegalArgumentException naming {@code --frame-object} and the allowed values
   */
  public static FrameObject parse(String value) {
    for (FrameObject o : values()) {
      if (value != null && o.flag().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return o;
      }
    }
    throw new IllegalArgumentException("--frame-object=" + value + ": must be union or largest");
  }
}
