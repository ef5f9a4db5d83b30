package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rarer formats Kiln decodes through TwelveMonkeys plugins (SGI, PCX, ICNS, IFF, DDS, Radiance
 * HDR). Each fixture in {@code src/test/resources/formats/} is a 64x48 picture of four quadrants
 * (red top left, green top right, blue bottom left, near-white bottom right), so a sample that
 * comes out transposed, mirrored or with its channels swapped fails; the fixtures' names say what
 * they exercise. Every file cut in half is rejected with a reason, never written.
 */
class RareFormatsTest {
  private static final int[][] QUADRANTS = {
    {220, 30, 30}, {30, 200, 40}, {30, 40, 210}, {240, 240, 240}
  };

  private final ImagePreparer preparer =
      new ImagePreparer(
          PrepareSettings.defaults()
              .withResize(ResizeMode.NONE, 256, 256)
              .withEncoding(Encoding.RAW));

  static byte[] fixture(String name) {
    try (InputStream in = RareFormatsTest.class.getResourceAsStream("/formats/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture formats/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "sgi-rgb.sgi, sgi, rgb",
    "sgi-gray.sgi, sgi, gray",
    "pcx-rgb-24bit.pcx, pcx, rgb",
    "pcx-palette-8bit.pcx, pcx, rgb",
    "dds-rgba-uncompressed.dds, dds, rgb",
    "hdr-rgbe-rle.hdr, hdr, rgb",
    "iff-pbm-palette.iff, iff, rgb",
  })
  void decodesWithColoursAndOrientation(String name, String format, String colours)
      throws Exception {
    PreparedImage out = preparer.prepare(fixture(name));
    assertEquals(format, out.info().format(), name);
    assertEquals(64, out.width(), name + " width");
    assertEquals(48, out.height(), name + " height");
    assertEquals(3, out.channels(), name);
    int[][] centres = {{16, 12}, {48, 12}, {16, 36}, {48, 36}};
    for (int q = 0; q < 4; q++) {
      int at = (centres[q][1] * 64 + centres[q][0]) * 3;
      int[] want = QUADRANTS[q];
      if (colours.equals("gray")) {
        int luma = (int) Math.round(0.299 * want[0] + 0.587 * want[1] + 0.114 * want[2]);
        want = new int[] {luma, luma, luma};
      }
      for (int c = 0; c < 3; c++) {
        int got = out.bytes()[at + c] & 0xFF;
        // Lossless formats: exact up to the colour stage's rounding.
        int tolerance = format.equals("hdr") ? 8 : 6; // RGBE keeps 8 bits of mantissa
        assertTrue(
            Math.abs(got - want[c]) <= tolerance,
            name + " quadrant " + q + " channel " + c + ": " + got + ", expected " + want[c]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"icns-rgba-128.icns"})
  void icnsKeepsItsLargestIconOverTheBackground(String name) throws Exception {
    PreparedImage out = preparer.prepare(fixture(name));
    assertEquals("icns", out.info().format());
    assertEquals(128, out.width());
    assertEquals(128, out.height());
    // Transparent rows above the picture are composited over the white background.
    assertEquals(255, out.bytes()[(4 * 128 + 64) * 3] & 0xFF);
    int at = (40 * 128 + 32) * 3; // inside the red quadrant, 16 rows below the top margin
    assertTrue((out.bytes()[at] & 0xFF) > 180 && (out.bytes()[at + 1] & 0xFF) < 80, "red quadrant");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sgi-rgb.sgi",
        "sgi-gray.sgi",
        "pcx-rgb-24bit.pcx",
        "pcx-palette-8bit.pcx",
        "dds-rgba-uncompressed.dds",
        "hdr-rgbe-rle.hdr",
        "iff-pbm-palette.iff",
        "icns-rgba-128.icns"
      })
  void cutInHalfIsRejected(String name) {
    byte[] whole = fixture(name);
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> preparer.prepare(Arrays.copyOf(whole, whole.length / 2)),
            name);
    assertTrue(
        Set.of("truncated", "corrupt", "decode-failed").contains(e.reason().code()),
        name + ": " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg2000-rgb.jp2"})
  void jpeg2000IsRecognisedButUnsupported(String name) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> preparer.prepare(fixture(name)));
    assertEquals("unsupported-format", e.reason().code(), e.getMessage());
  }
}
