package dev.kiln.runners.report;

import dev.kiln.formats.Sample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Small images for the report, as data URIs: a sample's own encoded image when it is small enough
 * to embed as it is (a 256-pixel JPEG), otherwise a downscaled JPEG; and what part of a rejected
 * input decodes, for the rejects' examples.
 */
final class Thumbnails {
  /** A sample image embedded as it is up to this size; larger ones are downscaled. */
  static final int EMBED_AS_IS_BYTES = 48 * 1024;

  /** The longest side of a downscaled thumbnail. */
  static final int SIDE = 240;

  /** A rejected input's thumbnail is shown smaller: this side, at most this size. */
  static final int REJECT_SIDE = 160;

  static final int REJECT_BYTES = 16 * 1024;

  /** Rejected inputs larger than this are not opened for a thumbnail. */
  private static final long MAX_REJECT_BYTES = 64L << 20;

  /** Nor those whose header declares more pixels than this. */
  private static final long MAX_REJECT_PIXELS = 400_000_000L;

  /** A thumbnail: its data URI and size in pixels. */
  record Thumbnail(String dataUri, int width, int height) {}

  private Thumbnails() {}

  /** The sample's image as a thumbnail; null when it cannot be decoded. */
  static Thumbnail of(Sample s) throws IOException {
    byte[] image = s.image();
    String mime =
        switch (s.encoding()) {
          case "jpeg" -> "image/jpeg";
          case "png" -> "image/png";
          default -> null;
        };
    if (mime != null && image.length <= EMBED_AS_IS_BYTES) {
      return new Thumbnail(dataUri(mime, image), s.width(), s.height());
    }
    BufferedImage decoded =
        mime == null ? fromRaw(s) : ImageIO.read(new ByteArrayInputStream(image));
    return decoded == null ? null : jpeg(scaled(decoded, SIDE), EMBED_AS_IS_BYTES);
  }

  /** Raw samples: uint8 HWC, RGB or RGBA. */
  private static BufferedImage fromRaw(Sample s) {
    int c = s.channels();
    byte[] px = s.image();
    if ((c != 3 && c != 4) || (long) s.width() * s.height() * c != px.length) {
      return null;
    }
    BufferedImage img = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0, i = 0; y < s.height(); y++) {
      for (int x = 0; x < s.width(); x++, i += c) {
        int a = c == 4 ? px[i + 3] & 0xff : 0xff;
        img.setRGB(
            x, y, a << 24 | (px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff));
      }
    }
    return img;
  }

  /**
   * What decodes of a rejected input: the decoder writes into an image given to it, so when it
   * stops at damage the rows before are kept. Null when the file is gone, too large, not an image
   * format ImageIO reads, or nothing of it decodes (the image stays all zero).
   */
  static Thumbnail ofDamaged(Path file) {
    try {
      if (!Files.isRegularFile(file)
          || Files.size(file) > MAX_REJECT_BYTES
          || Files.size(file) == 0) {
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
          return null;
        }
        ImageReader reader = readers.next();
        try {
          reader.setInput(in);
          int w = reader.getWidth(0);
          int h = reader.getHeight(0);
          if (w <= 0 || h <= 0 || (long) w * h > MAX_REJECT_PIXELS) {
            return null;
          }
          // Decode at most ~2 thumbnails' worth of pixels: subsample while reading.
          int step = Math.max(1, Math.max(w, h) / (2 * SIDE));
          ImageReadParam param = reader.getDefaultReadParam();
          param.setSourceSubsampling(step, step, 0, 0);
          Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
          if (!types.hasNext()) {
            return null;
          }
          BufferedImage into =
              types.next().createBufferedImage((w + step - 1) / step, (h + step - 1) / step);
          param.setDestination(into);
          BufferedImage read;
          try {
            read = reader.read(0, param);
          } catch (IOException | RuntimeException e) {
            read = into; // the damage stopped it: keep what it wrote before
          }
          return anythingDecoded(read) ? jpeg(scaled(read, REJECT_SIDE), REJECT_BYTES) : null;
        } finally {
          reader.dispose();
        }
      }
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return null;
    }
  }

  private static boolean anythingDecoded(BufferedImage img) {
    var raster = img.getRaster();
    int[] row = null;
    for (int y = 0; y < img.getHeight(); y++) {
      row = raster.getPixels(0, y, img.getWidth(), 1, row);
      for (int v : row) {
        if (v != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The image scaled so its longest side is at most {@code side}, over white, as RGB. */
  static BufferedImage scaled(BufferedImage src, int side) {
    BufferedImage current = src;
    int w = src.getWidth();
    int h = src.getHeight();
    double f = Math.min(1.0, (double) side / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * f));
    int th = Math.max(1, (int) Math.round(h * f));
    // Halving steps, then one bilinear step: bilinear alone would skip most pixels of a large
    // image and alias.
    while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return draw(current, tw, th);
  }

  private static BufferedImage draw(BufferedImage src, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * The image as a JPEG of at most {@code maxBytes}: lower qualities, then smaller sizes, until it
   * fits (noise and fine texture compress badly; the page's size must not depend on them).
   */
  static Thumbnail jpeg(BufferedImage img, int maxBytes) throws IOException {
    BufferedImage current = img;
    while (true) {
      for (float quality : new float[] {0.8f, 0.6f, 0.4f}) {
        byte[] bytes = jpegBytes(current, quality);
        if (bytes.length <= maxBytes || Math.max(current.getWidth(), current.getHeight()) <= 16) {
          return new Thumbnail(
              dataUri("image/jpeg", bytes), current.getWidth(), current.getHeight());
        }
      }
      current = scaled(current, Math.max(current.getWidth(), current.getHeight()) * 3 / 4);
    }
  }

  private static byte[] jpegBytes(BufferedImage img, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static String dataUri(String mime, byte[] bytes) {
    return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }
}
