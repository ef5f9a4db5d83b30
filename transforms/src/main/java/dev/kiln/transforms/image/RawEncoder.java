package dev.kiln.transforms.image;

/**
 * {@code --encode=raw}: the packed 8-bit samples themselves, row-major RGB or RGBA (the sample's
 * channels say which), without a header or a copy.
 */
final class RawEncoder implements SampleEncoder {
  @Override
  public byte[] encode(RgbImage img) {
    return img.rgb();
  }
}
