package dev.kiln.transforms.image;

import java.awt.color.ColorSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Packed RGB to an 8-bit truecolour PNG, or RGBA to truecolour with alpha (colour type 6, straight
 * alpha as PNG defines it); lossless and deterministic for the same pixels.
 */
final class PngEncoder implements SampleEncoder {
  /** Takes a writer from ImageIO for every image: PNG output is not the hot path JPEG is. */
  @Override
  public byte[] encode(RgbImage img) throws IOException {
    ImageWriter writer = KilnImageIO.writer("png");
    if (writer == null) {
      throw new IOException("no PNG writer installed");
    }
    try {
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream(Math.max(1024, img.width() * img.height()));
      var image = ColourConverter.wrap(img, ColorSpace.getInstance(ColorSpace.CS_sRGB));
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), writer.getDefaultWriteParam());
      }
      return bytes.toByteArray();
    } finally {
      writer.dispose();
    }
  }
}
