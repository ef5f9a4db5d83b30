package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import org.junit.jupiter.api.Test;

/**
 * ICC and CMYK handling against references computed once with Pillow 9.4 / LittleCMS ({@code
 * ImageCms.profileToProfile(img, embedded, sRGB)} for the RGB profile, {@code convert("RGB")} for
 * CMYK, which is what TwelveMonkeys does when there is no usable CMYK profile).
 */
class ColourManagementTest {
  private static final PrepareSettings RAW_NONE =
      PrepareSettings.defaults().withResize(ResizeMode.NONE, 1, 1).withEncoding(Encoding.RAW);

  private static RgbImage prepareNone(byte[] input) throws Exception {
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(input);
    return new RgbImage(p.width(), p.height(), p.bytes());
  }

  private static void assertReference(
      String name, double[] means, int[][] pixels, double meanTol, int pixelTol) throws Exception {
    RgbImage img = prepareNone(TestImages.jpegOdd(name));
    for (int c = 0; c < 3; c++) {
      assertEquals(means[c], TestImages.mean(img, c), meanTol, name + " channel " + c + " mean");
    }
    for (int[] p : pixels) {
      ResizeTest.assertNear(
          p[2], img.pixel(p[0], p[1]), pixelTol, name + " pixel " + p[0] + "," + p[1]);
    }
  }

  @Test
  void adobeRgbIsConvertedToSrgb() throws Exception {
    assertReference(
        "cmm-exception-adobe-rgb.jpg",
        new double[] {203.28, 180.62, 168.26},
        new int[][] {
          {156, 19, 0xAB3937},
          {313, 38, 0x64543B},
          {469, 57, 0xC6BFB9},
          {208, 50, 0xF5F2DD},
          {623, 2, 0xE8EAE2}
        },
        0.5,
        2);
    // The decoder leaves the pixels in Adobe RGB so the conversion runs on the small image.
    ImageDecoder.Decoded d =
        new ImageDecoder(Long.MAX_VALUE).decode(TestImages.jpegOdd("cmm-exception-adobe-rgb.jpg"));
    assertNotNull(d.pending(), "Adobe RGB must be converted after resizing");
    assertEquals("Adobe RGB (1998)", d.info().iccProfile());
  }

  @Test
  void adobeRgbConvertedAfterDownscaleMatchesConvertingFirst() throws Exception {
    byte[] jpeg = TestImages.jpegOdd("cmm-exception-adobe-rgb.jpg");
    PrepareSettings s =
        PrepareSettings.defaults()
            .withResize(ResizeMode.LONGER_SIDE, 313, 313)
            .withEncoding(Encoding.RAW);
    PreparedImage ours = new ImagePreparer(s).prepare(jpeg);
    // Reference order: convert at full size, then resize.
    RgbImage full = prepareNone(jpeg);
    RgbImage ref =
        Lanczos.resample(full, 0, 0, full.width(), full.height(), ours.width(), ours.height());
    RgbImage got = new RgbImage(ours.width(), ours.height(), ours.bytes());
    double sum = 0;
    for (int i = 0; i < ref.rgb().length; i++) {
      sum += Math.abs((ref.rgb()[i] & 0xFF) - (got.rgb()[i] & 0xFF));
    }
    assertTrue(sum / ref.rgb().length < 1.0, "mean abs diff " + sum / ref.rgb().length);
  }

  @Test
  void cmykWithAndWithoutProfileMatchReference() throws Exception {
    assertReference(
        "cmyk-sample.jpg",
        new double[] {72.56, 135.13, 155.89},
        new int[][] {
          {40, 56, 0x0D7BAE},
          {80, 113, 0xC8B68A},
          {120, 170, 0x520E0A},
          {53, 151, 0xC8C69E},
          {157, 2, 0x2896D9}
        },
        1.0,
        4);
    assertReference(
        "cmyk-sample-no-icc.jpg",
        new double[] {184.38, 184.38, 184.38},
        new int[][] {
          {28, 49, 0xFFFFFF},
          {57, 99, 0xC0C0C0},
          {85, 149, 0xFEFEFE},
          {38, 132, 0x000000},
          {111, 2, 0xFFFFFF}
        },
        1.0,
        4);
    // Its SWOP profile is rejected by the JDK's LittleCMS ("Couldn't link the profiles"), so
    // TwelveMonkeys ignores it and converts like the no-profile case; Pillow's naive conversion
    // agrees.
    assertReference(
        "warning-embedded-color-profile-invalid-ignored-cmyk.jpg",
        new double[] {159.27, 66.32, 106.91},
        new int[][] {
          {45, 70, 0x6A7C7E},
          {91, 141, 0x707F82},
          {137, 212, 0xD90057},
          {61, 188, 0x68797A},
          {180, 2, 0xA30041}
        },
        1.0,
        4);
  }

  @Test
  void srgbEquivalentProfilesAreRecognised() throws Exception {
    ICC_Profile jdkSrgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB);
    assertTrue(IccProfiles.isSrgbEquivalent(jdkSrgb));
    assertTrue(IccProfiles.isSrgbEquivalent(IccProfiles.parse(jdkSrgb.getData())));
    assertFalse(IccProfiles.isSrgbEquivalent(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)));
    byte[] adobe =
        JpegMarkers.parse(TestImages.jpegOdd("cmm-exception-adobe-rgb.jpg")).iccProfile();
    assertNotNull(adobe);
    assertFalse(IccProfiles.isSrgbEquivalent(IccProfiles.parse(adobe)));
  }

  @Test
  void jpegWithEmbeddedSrgbIsNotConverted() throws Exception {
    RgbImage src = TestImages.photoLike(320, 240, 4);
    byte[] plain = JpegEncoder.encode(src, 90);
    byte[] withSrgb = withIcc(plain, ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
    ImageDecoder.Decoded d = new ImageDecoder(Long.MAX_VALUE).decode(withSrgb);
    assertNull(d.pending(), "sRGB profile needs no conversion");
    assertNotNull(d.info().iccProfile());
    assertTrue(d.info().iccProfile().startsWith("sRGB"), d.info().iccProfile());
    // And the pixels are exactly those of the same JPEG without the profile.
    assertEquals(
        java.util.Arrays.hashCode(prepareNone(plain).rgb()),
        java.util.Arrays.hashCode(prepareNone(withSrgb).rgb()));

    byte[] adobe =
        JpegMarkers.parse(TestImages.jpegOdd("cmm-exception-adobe-rgb.jpg")).iccProfile();
    ImageDecoder.Decoded a = new ImageDecoder(Long.MAX_VALUE).decode(withIcc(plain, adobe));
    assertNotNull(a.pending());
  }

  /** Inserts an APP2 ICC_PROFILE segment (single chunk) right after SOI. */
  static byte[] withIcc(byte[] jpeg, byte[] icc) {
    int len = 2 + 14 + icc.length;
    byte[] seg = new byte[2 + len];
    seg[0] = (byte) 0xFF;
    seg[1] = (byte) 0xE2;
    seg[2] = (byte) (len >> 8);
    seg[3] = (byte) len;
    byte[] id = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    System.arraycopy(id, 0, seg, 4, id.length);
    seg[16] = 1;
    seg[17] = 1;
    System.arraycopy(icc, 0, seg, 18, icc.length);
    return TestImages.concat(
        java.util.Arrays.copyOf(jpeg, 2), seg, java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
  }
}
