package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keepAlpha}: RGBA in, RGBA out, resampled premultiplied, transparent padding; RGB stays
 * RGB.
 */
class KeepAlphaTest {
  /**
   * 408x376 RGBA photo cut-out: ~26% fully transparent (RGB 0 there), soft partly transparent
   * edges.
   */
  static final Path CUTOUT = Path.of("../samples/images/misc/coffee-cutout-alpha.png");

  static final Path COFFEE_JPEG = Path.of("../samples/images/food/coffee.jpg");

  private static final PrepareSettings RAW_NONE =
      PrepareSettings.defaults()
          .withResize(ResizeMode.NONE, 1, 1)
          .withEncoding(Encoding.RAW)
          .withKeepAlpha(true);

  /** Decodes PNG bytes keeping alpha (Kiln's own reader registry). */
  static RgbImage decodeKeepingAlpha(byte[] encoded) throws ImageRejectedException {
    return ColourConverter.toRgb(
            new ImageDecoder(Long.MAX_VALUE).decode(encoded).image(), 0xFFFFFF, true)
        .image();
  }

  static int pngColourType(byte[] png) {
    return png[25];
  }

  @Test
  void cutoutKeepsItsTransparentAndOpaqueRegionsAfterADownscale() throws Exception {
    byte[] input = TestImages.read(CUTOUT);
    RgbImage src = decodeKeepingAlpha(input);
    assertEquals(4, src.channels());

    PrepareSettings third =
        PrepareSettings.defaults()
            .withResize(ResizeMode.LONGER_SIDE, 136, 136)
            .withEncoding(Encoding.PNG)
            .withKeepAlpha(true);
    PreparedImage p = new ImagePreparer(third).prepare(input);
    assertEquals(136, p.width());
    assertEquals(125, p.height());
    assertEquals(4, p.channels());
    assertEquals(6, pngColourType(p.bytes()), "RGBA PNG");
    assertEquals("rgba", p.info().colourModel(), "the source's metadata still says it had alpha");
    RgbImage out = decodeKeepingAlpha(p.bytes());

    // The same image composited (RGB path) to compare the colour of opaque parts.
    PreparedImage rgb = new ImagePreparer(third.withKeepAlpha(false)).prepare(input);
    assertEquals(3, rgb.channels());
    RgbImage composited = TestImages.decode(rgb.bytes());

    double sx = 408.0 / 136;
    double sy = 376.0 / 125;
    int transparent = 0;
    int opaque = 0;
    int near = 0;
    for (int y = 0; y < out.height(); y++) {
      for (int x = 0; x < out.width(); x++) {
        // Every source pixel the Lanczos taps (3 output pixels each side) can reach.
        int[] range = alphaRange(src, (x + 0.5) * sx, (y + 0.5) * sy, 3.5 * sx, 3.5 * sy);
        if (range[1] == 0) {
          assertEquals(0, out.alpha(x, y), "transparent at " + x + "," + y);
          transparent++;
        } else if (range[0] == 255) {
          assertEquals(255, out.alpha(x, y), "opaque at " + x + "," + y);
          opaque++;
          boolean close = true;
          for (int s = 0; s <= 16; s += 8) {
            close &=
                Math.abs((out.pixel(x, y) >> s & 0xFF) - (composited.pixel(x, y) >> s & 0xFF)) <= 1;
          }
          near += close ? 1 : 0;
        }
      }
    }
    assertTrue(transparent > 1500, "transparent pixels checked: " + transparent);
    assertTrue(opaque > 4000, "opaque pixels checked: " + opaque);
    // Opaque areas resample to what the RGB path gives. Not always exactly: the byte kernels
    // round and clamp to 8 bits between their two passes, the 16-bit path does not, which moves
    // a few pixels at highlights by several levels.
    assertTrue(
        near >= opaque * 0.98,
        near + " of " + opaque + " opaque pixels within one level of the RGB path");
  }

  /** {min, max} alpha of the source pixels whose centres lie within (rx, ry) of (cx, cy). */
  private static int[] alphaRange(RgbImage src, double cx, double cy, double rx, double ry) {
    int min = 255;
    int max = 0;
    for (int y = Math.max(0, (int) (cy - ry));
        y < Math.min(src.height(), (int) Math.ceil(cy + ry));
        y++) {
      for (int x = Math.max(0, (int) (cx - rx));
          x < Math.min(src.width(), (int) Math.ceil(cx + rx));
          x++) {
        int a = src.alpha(x, y);
        min = Math.min(min, a);
        max = Math.max(max, a);
      }
    }
    return new int[] {min, max};
  }

  /**
   * Half-transparent red next to fully transparent pixels of another colour. Filtering straight
   * RGBA mixes that colour into the edge (pink over white, dark red over black); premultiplied,
   * every pixel that is visible at all stays pure red and only alpha falls off.
   */
  @ParameterizedTest(name = "transparent colour {0}")
  @ValueSource(ints = {0xFFFFFF, 0x000000, 0x00FF00})
  void halfTransparentRedEdgeStaysRed(int transparentColour) throws Exception {
    int w = 60;
    int h = 40;
    byte[] rows = new byte[w * h * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 4;
        boolean red = x < 29;
        int c = red ? 0xFF0000 : transparentColour;
        rows[i] = (byte) (c >> 16);
        rows[i + 1] = (byte) (c >> 8);
        rows[i + 2] = (byte) c;
        rows[i + 3] = (byte) (red ? 128 : 0);
      }
    }
    byte[] png = TestImages.png(w, h, 8, 6, w * 4, rows);
    for (boolean linear : new boolean[] {false, true}) {
      PrepareSettings s = RAW_NONE.withResize(ResizeMode.STRETCH, 23, 17).withLinearLight(linear);
      PreparedImage p = new ImagePreparer(s).prepare(png);
      assertEquals(4, p.channels());
      RgbImage out = new RgbImage(p.width(), p.height(), 4, p.bytes());
      int edge = 0;
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          int a = out.alpha(x, y);
          if (a > 0) {
            assertEquals(
                0xFF0000,
                out.pixel(x, y),
                "linear=" + linear + " pixel " + x + "," + y + " alpha " + a);
          }
          if (a > 0 && a < 120) {
            edge++;
          }
        }
        assertEquals(128, out.alpha(2, y), "inside the red half");
        assertEquals(0, out.alpha(22, y), "inside the transparent half");
      }
      assertTrue(edge >= out.height(), "the edge has partly transparent pixels: " + edge);
    }
  }

  @Test
  void rgbInputsStayRgbAndUnchanged() throws Exception {
    byte[] jpeg = TestImages.read(COFFEE_JPEG);
    for (Encoding encoding : new Encoding[] {Encoding.PNG, Encoding.RAW}) {
      PrepareSettings plain = PrepareSettings.defaults().withEncoding(encoding);
      PreparedImage kept = new ImagePreparer(plain.withKeepAlpha(true)).prepare(jpeg);
      PreparedImage composited = new ImagePreparer(plain).prepare(jpeg);
      assertEquals(3, kept.channels(), encoding.flag());
      assertArrayEquals(
          composited.bytes(),
          kept.bytes(),
          encoding.flag() + ": RGB input, same bytes with or without keepAlpha");
    }
    PreparedImage png =
        new ImagePreparer(PrepareSettings.defaults().withEncoding(Encoding.PNG).withKeepAlpha(true))
            .prepare(jpeg);
    assertEquals(2, pngColourType(png.bytes()), "truecolour PNG without alpha");
  }

  @Test
  void letterboxPaddingIsTransparentForRgbaAndPadColouredForRgb() throws Exception {
    PrepareSettings box =
        new PrepareSettings(
            ResizeMode.LETTERBOX,
            100,
            100,
            Encoding.RAW,
            90,
            1 << 30,
            0xFFFFFF,
            0x102030,
            true,
            true,
            false);
    PreparedImage rgba = new ImagePreparer(box).prepare(TestImages.read(CUTOUT));
    assertEquals(4, rgba.channels());
    assertEquals(100 * 100 * 4, rgba.bytes().length);
    assertEquals(4, rgba.mapping().padY(), "408x376 fits as 100x92");
    RgbImage img = new RgbImage(100, 100, 4, rgba.bytes());
    for (int x = 0; x < 100; x++) {
      for (int y : new int[] {0, 3, 96, 99}) {
        assertEquals(0, img.alpha(x, y), "padding at " + x + "," + y);
        assertEquals(0, img.pixel(x, y));
      }
    }
    assertTrue(img.alpha(50, 50) == 255, "the cup in the middle is opaque");

    PreparedImage rgb = new ImagePreparer(box).prepare(TestImages.read(COFFEE_JPEG));
    assertEquals(3, rgb.channels());
    RgbImage plain = new RgbImage(rgb.width(), rgb.height(), rgb.bytes());
    assertEquals(0x102030, plain.pixel(0, 0), "an image without alpha pads with the pad colour");
  }

  /**
   * PngSuite's alpha files: every pixel's alpha (and for 8-bit RGBA, colour) as the decoder
   * reported it.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "basn6a08",
        "basn6a16",
        "basn4a08",
        "basn4a16",
        "tbrn2c08",
        "tbbn3p08",
        "tp1n3p08",
        "basn2c08",
        "basn3p08",
        "basn0g08"
      })
  void pngSuiteAlphaSurvivesAsDecoded(String name) throws Exception {
    byte[] png = TestImages.read(TestImages.sharedDir("pngsuite").resolve("png_" + name + ".png"));
    BufferedImage decoded = new ImageDecoder(Long.MAX_VALUE).decode(png).image();
    boolean alpha = decoded.getColorModel().hasAlpha();
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(png);
    assertEquals(alpha ? 4 : 3, p.channels(), name);
    assertEquals(p.width() * p.height() * p.channels(), p.bytes().length);
    if (alpha) {
      RgbImage out = new RgbImage(p.width(), p.height(), 4, p.bytes());
      boolean colourExact = name.equals("basn6a08");
      for (int y = 0; y < p.height(); y++) {
        for (int x = 0; x < p.width(); x++) {
          int argb = decoded.getRGB(x, y);
          assertTrue(
              Math.abs((argb >>> 24) - out.alpha(x, y)) <= 1, name + " alpha at " + x + "," + y);
          if (colourExact) {
            assertEquals(argb & 0xFFFFFF, out.pixel(x, y), name + " colour at " + x + "," + y);
          }
        }
      }
    }
    PreparedImage resized =
        new ImagePreparer(PrepareSettings.defaults().withEncoding(Encoding.PNG).withKeepAlpha(true))
            .prepare(png);
    assertEquals(alpha ? 6 : 2, pngColourType(resized.bytes()), name);
  }

  @Test
  void orientationMovesAlphaWithItsPixel() {
    Random rnd = new Random(3);
    byte[] rgba = new byte[5 * 3 * 4];
    rnd.nextBytes(rgba);
    RgbImage img = new RgbImage(5, 3, 4, rgba);
    byte[] colour = new byte[5 * 3 * 3];
    byte[] alpha = new byte[5 * 3 * 3];
    for (int i = 0; i < 15; i++) {
      System.arraycopy(rgba, i * 4, colour, i * 3, 3);
      java.util.Arrays.fill(alpha, i * 3, i * 3 + 3, rgba[i * 4 + 3]);
    }
    for (int o = 1; o <= 8; o++) {
      RgbImage turned = Orientation.apply(img, o);
      RgbImage c = Orientation.apply(new RgbImage(5, 3, colour), o);
      RgbImage a = Orientation.apply(new RgbImage(5, 3, alpha), o);
      assertEquals(4, turned.channels());
      for (int y = 0; y < c.height(); y++) {
        for (int x = 0; x < c.width(); x++) {
          assertEquals(c.pixel(x, y), turned.pixel(x, y), "orientation " + o);
          assertEquals(a.pixel(x, y) & 0xFF, turned.alpha(x, y), "orientation " + o);
        }
      }
    }
  }

  @Test
  void iccConversionOfTheSmallImageLeavesAlphaAlone() {
    Random rnd = new Random(5);
    byte[] rgba = new byte[7 * 4 * 4];
    rnd.nextBytes(rgba);
    RgbImage img = new RgbImage(7, 4, 4, rgba);
    byte[] colour = new byte[7 * 4 * 3];
    for (int i = 0; i < 28; i++) {
      System.arraycopy(rgba, i * 4, colour, i * 3, 3);
    }
    ColorSpace linear = ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB);
    RgbImage converted = ColourConverter.toSrgb(img, linear);
    RgbImage expected = ColourConverter.toSrgb(new RgbImage(7, 4, colour), linear);
    assertEquals(4, converted.channels());
    for (int i = 0; i < 28; i++) {
      int x = i % 7;
      int y = i / 7;
      assertEquals(expected.pixel(x, y), converted.pixel(x, y));
      assertEquals(rgba[i * 4 + 3] & 0xFF, converted.alpha(x, y));
    }
  }

  @Test
  void jpegCannotKeepAlpha() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PrepareSettings.defaults().withKeepAlpha(true));
    assertTrue(e.getMessage().contains("keepAlpha"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> JpegEncoder.encode(new RgbImage(1, 1, 4, new byte[4]), 90));
    assertFalse(PrepareSettings.defaults().keepAlpha());
  }
}
