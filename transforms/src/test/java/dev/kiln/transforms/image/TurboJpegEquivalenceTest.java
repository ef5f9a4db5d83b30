package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TurboJPEG path must be invisible in the output: for every JPEG, decoding with and without it
 * gives the same pixels, the same source facts, and the same rejection. Runs where libturbojpeg is
 * installed ({@code .ci/run} installs it); elsewhere Kiln only ever uses ImageIO, so there is
 * nothing to compare.
 */
class TurboJpegEquivalenceTest {
  private static final long MAX_PIXELS = 100_000_000L;

  @BeforeAll
  static void needsLibrary() {
    assertTrue(
        TurboJpeg.available(),
        "libturbojpeg not loadable (install libturbojpeg0): " + TurboJpeg.unavailableReason());
  }

  @Test
  void samplesAndOddJpegsDecodeIdentically() {
    List<Path> files = new ArrayList<>(jpegsUnder(Path.of("../samples/images")));
    files.addAll(jpegsUnder(TestImages.sharedDir("jpeg-odd")));
    assertTrue(files.size() >= 10, "expected the sample and odd JPEGs, found " + files);
    int fast = 0;
    for (Path f : files) {
      fast += compare(f.toString(), TestImages.read(f)) ? 1 : 0;
    }
    // The plain sample photographs must actually take the fast path, or this test proves nothing.
    assertTrue(
        fast >= 5, "only " + fast + " of " + files.size() + " files took the TurboJPEG path");
  }

  @Test
  void everyChromaLayoutAndOddSizeDecodesIdentically() throws IOException {
    int[][] sizes = {{1, 1}, {17, 13}, {333, 251}, {640, 480}, {15, 200}};
    for (int[] s : sizes) {
      RgbImage img = TestImages.photoLike(s[0], s[1], s[0] * 31L + s[1]);
      for (String layout : List.of("420", "444", "422", "gray", "progressive")) {
        byte[] jpeg = encode(img, layout);
        assertTrue(
            compare(s[0] + "x" + s[1] + " " + layout, jpeg),
            layout + " did not take the fast path");
      }
    }
  }

  @Test
  void truncatedJpegIsRejectedTheSameWay() throws IOException {
    byte[] whole = encode(TestImages.photoLike(300, 200, 5), "420");
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    ImageRejectedException slow =
        assertThrows(
            ImageRejectedException.class, () -> new ImageDecoder(MAX_PIXELS, false).decode(cut));
    ImageRejectedException fast =
        assertThrows(
            ImageRejectedException.class, () -> new ImageDecoder(MAX_PIXELS, true).decode(cut));
    assertEquals(slow.reason().code(), fast.reason().code());
    assertEquals("truncated", fast.reason().code());
  }

  @Test
  void pixelBudgetStillApplies() throws IOException {
    byte[] jpeg = encode(TestImages.photoLike(200, 100, 9), "420");
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class, () -> new ImageDecoder(10_000, true).decode(jpeg));
    assertEquals("too-many-pixels", e.reason().code());
  }

  /** Decodes both ways and asserts equality; returns whether the fast path was taken. */
  private static boolean compare(String name, byte[] input) {
    ImageDecoder withTurbo = new ImageDecoder(MAX_PIXELS, true);
    ImageDecoder.Decoded plain = withTurbo.decodePlainJpeg(input);
    ImageDecoder.Decoded slow;
    try {
      slow = new ImageDecoder(MAX_PIXELS, false).decode(input);
    } catch (ImageRejectedException e) {
      assertEquals(
          null, plain, name + ": fast path decoded what ImageIO rejects (" + e.getMessage() + ")");
      ImageRejectedException f =
          assertThrows(ImageRejectedException.class, () -> withTurbo.decode(input), name);
      assertEquals(e.reason().code(), f.reason().code(), name);
      return false;
    }
    ImageDecoder.Decoded fast;
    try {
      fast = withTurbo.decode(input);
    } catch (ImageRejectedException e) {
      throw new AssertionError(
          name + ": fast path rejected what ImageIO decodes: " + e.getMessage(), e);
    }
    assertEquals(slow.info(), fast.info(), name);
    assertEquals(slow.pending() == null, fast.pending() == null, name);
    RgbImage a = ColourConverter.toRgb(slow.image(), 0xFFFFFF).image();
    RgbImage b = ColourConverter.toRgb(fast.image(), 0xFFFFFF).image();
    assertEquals(a.width(), b.width(), name);
    assertEquals(a.height(), b.height(), name);
    assertArrayEquals(a.rgb(), b.rgb(), name + ": pixels differ");
    return plain != null;
  }

  private static List<Path> jpegsUnder(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("(?i).*\\.jpe?g"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * ImageIO-encoded JPEG of {@code img} with the given chroma layout, gray, or progressive 4:2:0.
   */
  private static byte[] encode(RgbImage img, String layout) throws IOException {
    BufferedImage bi;
    if (layout.equals("gray")) {
      bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < img.height(); y++) {
        for (int x = 0; x < img.width(); x++) {
          bi.getRaster().setSample(x, y, 0, img.pixel(x, y) >> 8 & 0xFF);
        }
      }
    } else {
      bi =
          ColourConverter.wrap(
              img.rgb(), img.width(), img.height(), ColorSpace.getInstance(ColorSpace.CS_sRGB));
    }
    ImageWriter writer = KilnImageIO.writer("jpeg");
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.85f);
      if (layout.equals("progressive")) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      javax.imageio.metadata.IIOMetadata meta = null;
      if (layout.equals("444") || layout.equals("422")) {
        meta =
            writer.getDefaultImageMetadata(
                javax.imageio.ImageTypeSpecifier.createFromRenderedImage(bi), param);
        String fmt = "javax_imageio_jpeg_image_1.0";
        org.w3c.dom.Node root = meta.getAsTree(fmt);
        org.w3c.dom.NodeList comps =
            ((javax.imageio.metadata.IIOMetadataNode) root).getElementsByTagName("componentSpec");
        for (int i = 0; i < comps.getLength(); i++) {
          javax.imageio.metadata.IIOMetadataNode c =
              (javax.imageio.metadata.IIOMetadataNode) comps.item(i);
          boolean luma = i == 0;
          c.setAttribute("HsamplingFactor", luma && layout.equals("422") ? "2" : "1");
          c.setAttribute("VsamplingFactor", "1");
        }
        meta.setFromTree(fmt, root);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
        writer.setOutput(stream);
        writer.write(null, new IIOImage(bi, null, meta), param);
      }
      return out.toByteArray();
    } finally {
      writer.dispose();
    }
  }
}
