package dev.kiln.transforms.image;

import java.io.IOException;

/**
 * The encode stage: a resized image to the bytes stored in a sample, one implementation per {@link
 * Encoding} ({@link JpegEncoder}, {@link PngEncoder}, {@link RawEncoder}). An encoder is used by
 * one thread at a time and may keep state between images (the JPEG one keeps its libjpeg object or
 * ImageIO writer); the same pixels always give the same bytes.
 */
interface SampleEncoder extends AutoCloseable {
  /** The sample bytes of {@code img} (packed RGB, or RGBA where the encoding allows it). */
  byte[] encode(RgbImage img) throws IOException;

  /** Frees what the encoder keeps between images; nothing by default. */
  @Override
  default void close() {}

  /** A new encoder for {@code encoding}; {@code quality} (1-100) matters to JPEG only. */
  static SampleEncoder of(Encoding encoding, int quality) throws IOException {
    return switch (encoding) {
      case JPEG -> new JpegEncoder(quality);
      case PNG -> new PngEncoder();
      case RAW -> new RawEncoder();
    };
  }
}
