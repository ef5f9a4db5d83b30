package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The odd-JPEG corpus: each file decodes with the right stored colour model, or is rejected with a
 * specific reason.
 */
class JpegOddTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "cmm-exception-adobe-rgb.jpg, rgb, 626, 76",
    "cmyk-sample-no-icc.jpg, cmyk, 114, 199",
    "cmyk-sample.jpg, cmyk, 160, 227",
    "corrupted-icc-srgb.jpg, rgb, 1024, 685",
    "exif-jfif-app13-app14ycck-3channel.jpg, rgb, 310, 384",
    "gray-sample.jpg, gray, 386, 396",
    "jfif-16bit-dqt.jpg, rgb, 204, 131",
    "lossless-8.jpg, gray, 800, 535",
    "no-jfif-ycbcr.jpg, rgb, 310, 206",
    "warning-embedded-color-profile-invalid-ignored-cmyk.jpg, ycck, 183, 283",
  })
  void decodes(String name, String colourModel, int width, int height) throws Exception {
    PreparedImage out =
        new ImagePreparer(PrepareSettings.defaults()).prepare(TestImages.jpegOdd(name));
    assertEquals("jpeg", out.info().format());
    assertEquals(colourModel, out.info().colourModel());
    assertEquals(width, out.info().width());
    assertEquals(height, out.info().height());
    assertEquals(256, out.width());
    assertEquals(256, out.height());
    RgbImage back = TestImages.decode(out.bytes());
    // Not a flat fill: real content survived.
    double spread = 0;
    for (int c = 0; c < 3; c++) {
      spread += Math.abs(TestImages.mean(back, c) - 128);
    }
    assertTrue(back.width() == 256 && spread < 3 * 128, name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "broken-bogus-segment-length.jpg, corrupt",
    "broken-sos-before-sof.jpg, corrupt",
  })
  void brokenFilesAreRejected(String name, String reason) {
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> new ImagePreparer(PrepareSettings.defaults()).prepare(TestImages.jpegOdd(name)));
    assertEquals(reason, e.reason().code(), e.getMessage());
  }

  @Test
  void everyFileInTheFolderIsCovered() {
    for (Path p : TestImages.list("jpeg-odd", ".jpg")) {
      String n = p.getFileName().toString();
      assertTrue(KNOWN.containsKey(n), "jpeg-odd has a file this test does not know: " + n);
    }
  }

  private static final Map<String, Boolean> KNOWN =
      Map.ofEntries(
          Map.entry("broken-bogus-segment-length.jpg", false),
          Map.entry("broken-sos-before-sof.jpg", false),
          Map.entry("cmm-exception-adobe-rgb.jpg", true),
          Map.entry("cmyk-sample-no-icc.jpg", true),
          Map.entry("cmyk-sample.jpg", true),
          Map.entry("corrupted-icc-srgb.jpg", true),
          Map.entry("exif-jfif-app13-app14ycck-3channel.jpg", true),
          Map.entry("gray-sample.jpg", true),
          Map.entry("jfif-16bit-dqt.jpg", true),
          Map.entry("lossless-8.jpg", true),
          Map.entry("no-jfif-ycbcr.jpg", true),
          Map.entry("warning-embedded-color-profile-invalid-ignored-cmyk.jpg", true));

  @Test
  void grayStaysGrayWithTheSameMeanBrightness() throws Exception {
    byte[] gray = TestImages.jpegOdd("gray-sample.jpg");
    // Reference: the decoder's own 8-bit samples, averaged straight from the raster.
    ImageDecoder.Decoded d = new ImageDecoder(Long.MAX_VALUE).decode(gray);
    int w = d.image().getWidth();
    int h = d.image().getHeight();
    int[] samples = d.image().getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
    double sourceMean = java.util.Arrays.stream(samples).average().orElseThrow();

    PrepareSettings raw =
        PrepareSettings.defaults().withResize(ResizeMode.NONE, 1, 1).withEncoding(Encoding.RAW);
    RgbImage same = rgbOf(new ImagePreparer(raw).prepare(gray));
    assertGray(same);
    assertEquals(
        sourceMean, TestImages.mean(same, 1), 1e-9, "NONE/raw must copy gray samples exactly");

    RgbImage small =
        rgbOf(new ImagePreparer(raw.withResize(ResizeMode.LONGER_SIDE, 97, 97)).prepare(gray));
    assertGray(small);
    assertEquals(
        sourceMean, TestImages.mean(small, 1), 1.0, "downscaling must not shift brightness");
  }

  static RgbImage rgbOf(PreparedImage p) {
    assertEquals("raw", p.encoding());
    return new RgbImage(p.width(), p.height(), p.bytes());
  }

  static void assertGray(RgbImage img) {
    byte[] d = img.rgb();
    for (int i = 0; i < d.length; i += 3) {
      if (d[i] != d[i + 1] || d[i] != d[i + 2]) {
        throw new AssertionError("pixel " + i / 3 + " is not gray");
      }
    }
  }
}
