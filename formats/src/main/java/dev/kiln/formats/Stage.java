package dev.kiln.formats;

import java.util.Locale;

/**
 * The steps an input goes through on its way to a sample, in order; a {@link Rejection} names the
 * one that turned the input away ({@link #code()} in {@code rejects.jsonl}).
 */
public enum Stage {
  /** Inputs are keyed and matched; two inputs with one key are both turned away. */
  MATCH,
  /** The file is listed and read. */
  READ,
  /** The format is detected and the header read (size, pixel limit). */
  PROBE,
  /** The pixels are decoded. */
  DECODE,
  /** Converted to 8-bit sRGB (ICC profiles, CMYK, alpha composited). */
  COLOUR,
  /** Turned upright as its EXIF orientation says. */
  ORIENT,
  /** Resampled to the output size and padded. */
  RESIZE,
  /** Cropped around its objects, or one sample per object. */
  FRAME,
  /** Encoded as the sample's {@code --encode}. */
  ENCODE,
  /** Given its class and metadata. */
  LABEL,
  /** Assigned to a split. */
  SPLIT;

  /** The stage as written in {@code rejects.jsonl}: {@code decode}, {@code colour}, ... */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
