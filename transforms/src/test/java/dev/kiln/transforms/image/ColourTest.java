package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Colour stage: alpha over background, 16-bit rounding, palette transparency. */
class ColourTest {
  private static final PrepareSettings RAW_NONE =
      PrepareSettings.defaults().withResize(ResizeMode.NONE, 1, 1).withEncoding(Encoding.RAW);

  private static RgbImage prepare(PrepareSettings s, byte[] input) throws Exception {
    PreparedImage p = new ImagePreparer(s).prepare(input);
    return new RgbImage(p.width(), p.height(), p.bytes());
  }

  @Test
  void alphaIsCompositedOverTheBackground() throws Exception {
    // 4x1 RGBA: opaque red, transparent red, half-transparent blue, transparent black.
    byte[] rows = {
      (byte) 255, 0, 0, (byte) 255, (byte) 255, 0, 0, 0, 0, 0, (byte) 255, (byte) 128, 0, 0, 0, 0
    };
    byte[] png = TestImages.png(4, 1, 8, 6, 16, rows);
    RgbImage white = prepare(RAW_NONE, png);
    assertEquals(0xFF0000, white.pixel(0, 0));
    assertEquals(
        0xFFFFFF,
        white.pixel(1, 0),
        "fully transparent pixel shows the background, not its colour");
    // 255*(1-128/255) = 127 over white for R and G, blue stays 255.
    assertEquals(0x7F7FFF, white.pixel(2, 0));
    assertEquals(0xFFFFFF, white.pixel(3, 0));

    PrepareSettings green =
        new PrepareSettings(ResizeMode.NONE, 1, 1, Encoding.RAW, 90, 1_000_000, 0x00FF00, 0, true);
    RgbImage onGreen = prepare(green, png);
    assertEquals(0x00FF00, onGreen.pixel(1, 0));
    assertEquals(0x007F80, onGreen.pixel(2, 0));
  }

  @Test
  void grayAlphaAndPaletteTransparency() throws Exception {
    // Gray+alpha 8-bit: black at alpha 0 over white -> white.
    byte[] ga = TestImages.png(2, 1, 8, 4, 4, new byte[] {0, 0, 100, (byte) 255});
    RgbImage g = prepare(RAW_NONE, ga);
    assertEquals(0xFFFFFF, g.pixel(0, 0));
    assertEquals(0x646464, g.pixel(1, 0));

    // Palette with tRNS: entry 0 transparent, entry 1 opaque green.
    byte[] plte = TestImages.pngChunk("PLTE", new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0});
    byte[] trns = TestImages.pngChunk("tRNS", new byte[] {0, (byte) 255});
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream dz = new java.util.zip.DeflaterOutputStream(z)) {
      dz.write(new byte[] {0, 0, 1});
    }
    byte[] png =
        TestImages.concat(
            TestImages.PNG_SIGNATURE,
            TestImages.ihdr(2, 1, 8, 3),
            plte,
            trns,
            TestImages.pngChunk("IDAT", z.toByteArray()),
            TestImages.pngChunk("IEND", new byte[0]));
    RgbImage p = prepare(RAW_NONE, png);
    assertEquals(0xFFFFFF, p.pixel(0, 0));
    assertEquals(0x00FF00, p.pixel(1, 0));
  }

  @Test
  void sixteenBitSamplesAreRounded() throws Exception {
    // 257*k is exactly k; +128 is just below k+0.5, +129 just above. Truncation or ">> 8" gives k
    // for both.
    int[] values = {0, 257 * 100 + 128, 257 * 100 + 129, 65535, 257 * 200 - 129, 257 * 7};
    int[] expected = {0, 100, 101, 255, 199, 7};
    byte[] rows = new byte[values.length * 2];
    for (int i = 0; i < values.length; i++) {
      rows[2 * i] = (byte) (values[i] >> 8);
      rows[2 * i + 1] = (byte) values[i];
    }
    RgbImage gray = prepare(RAW_NONE, TestImages.png(values.length, 1, 16, 0, rows.length, rows));
    for (int i = 0; i < values.length; i++) {
      int e = expected[i];
      assertEquals(e << 16 | e << 8 | e, gray.pixel(i, 0), "gray16 value " + values[i]);
    }
    // RGB 16-bit: the same values in R, reversed in B.
    byte[] rgbRows = new byte[values.length * 6];
    for (int i = 0; i < values.length; i++) {
      int r = values[i];
      int b = values[values.length - 1 - i];
      rgbRows[6 * i] = (byte) (r >> 8);
      rgbRows[6 * i + 1] = (byte) r;
      rgbRows[6 * i + 4] = (byte) (b >> 8);
      rgbRows[6 * i + 5] = (byte) b;
    }
    RgbImage rgb =
        prepare(RAW_NONE, TestImages.png(values.length, 1, 16, 2, rgbRows.length, rgbRows));
    for (int i = 0; i < values.length; i++) {
      assertEquals(
          expected[i] << 16 | expected[values.length - 1 - i], rgb.pixel(i, 0), "rgb16 pixel " + i);
    }
  }

  @Test
  void pngSuiteSixteenBitMatchesRoundedSamples() throws Exception {
    // basn0g16: the decoder's 16-bit raster, rounded by hand, must equal the output.
    byte[] png = TestImages.read(pngSuite("basn0g16"));
    ImageDecoder.Decoded d = new ImageDecoder(Long.MAX_VALUE).decode(png);
    int w = d.image().getWidth();
    int h = d.image().getHeight();
    int[] s = d.image().getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
    RgbImage out = prepare(RAW_NONE, png);
    for (int i = 0; i < s.length; i++) {
      int e = (s[i] * 255 + 32767) / 65535;
      assertEquals(e, out.rgb()[i * 3] & 0xFF, "sample " + i);
    }
  }

  static java.nio.file.Path pngSuite(String name) {
    java.nio.file.Path dir = TestImages.sharedDir("pngsuite");
    java.nio.file.Path f = dir.resolve(name + ".png");
    return f.toFile().exists() ? f : dir.resolve("png_" + name + ".png");
  }
}
