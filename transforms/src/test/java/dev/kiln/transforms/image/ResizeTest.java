package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Geometry of the modes, antialiasing, centre preservation and determinism. */
class ResizeTest {

  /** 2000x1500: four coloured quadrants with a 300x300 magenta-ish square in the middle. */
  static RgbImage quadrants() {
    int w = 2000;
    int h = 1500;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c;
        if (Math.abs(x - 1000) < 150 && Math.abs(y - 750) < 150) {
          c = 0xC8285A;
        } else if (x < 1000) {
          c = y < 750 ? 0x2040E0 : 0x20A020;
        } else {
          c = y < 750 ? 0xE0E020 : 0x808080;
        }
        int i = (y * w + x) * 3;
        rgb[i] = (byte) (c >> 16);
        rgb[i + 1] = (byte) (c >> 8);
        rgb[i + 2] = (byte) c;
      }
    }
    return new RgbImage(w, h, rgb);
  }

  static void assertNear(int expected, int actual, int tolerance, String what) {
    for (int shift = 0; shift <= 16; shift += 8) {
      int e = expected >> shift & 0xFF;
      int a = actual >> shift & 0xFF;
      assertTrue(
          Math.abs(e - a) <= tolerance,
          what
              + ": expected ~"
              + Integer.toHexString(expected)
              + " got "
              + Integer.toHexString(actual));
    }
  }

  @Test
  void centerCropOfALargeSyntheticImageKeepsTheCentre() throws Exception {
    byte[] jpeg = JpegEncoder.encode(quadrants(), 95);
    PreparedImage out = new ImagePreparer(PrepareSettings.defaults()).prepare(jpeg);
    assertEquals(256, out.width());
    assertEquals(256, out.height());
    RgbImage back = TestImages.decode(out.bytes());
    assertNear(0xC8285A, back.pixel(128, 128), 8, "centre");
    // The crop is the middle 1500x1500, so the corners still show the quadrants.
    assertNear(0x2040E0, back.pixel(5, 5), 10, "top-left");
    assertNear(0x808080, back.pixel(250, 250), 10, "bottom-right");
    // Square spans 300/1500*256 = 51 px around the centre.
    assertNear(0xC8285A, back.pixel(128 + 20, 128 - 20), 10, "inside square");
    assertNear(0xE0E020, back.pixel(128 + 40, 128 - 40), 10, "outside square");
  }

  @Test
  void modesProduceTheDocumentedSizes() throws Exception {
    byte[] png = new PngEncoder().encode(TestImages.photoLike(400, 300, 5));
    int[][] expected = {
      {256, 256}, // CENTER_CROP
      {341, 256}, // SHORTER_SIDE: cover
      {256, 192}, // LONGER_SIDE: fit
      {256, 256}, // LETTERBOX
      {256, 256}, // STRETCH
      {400, 300}, // NONE
    };
    for (ResizeMode m : ResizeMode.values()) {
      PreparedImage p =
          new ImagePreparer(
                  PrepareSettings.defaults().withResize(m, 256, 256).withEncoding(Encoding.RAW))
              .prepare(png);
      assertEquals(expected[m.ordinal()][0], p.width(), m.name());
      assertEquals(expected[m.ordinal()][1], p.height(), m.name());
      assertEquals(p.width() * p.height() * 3, p.bytes().length, m.name());
    }
    // Non-square box.
    PreparedImage r =
        new ImagePreparer(
                PrepareSettings.defaults()
                    .withResize(ResizeMode.LONGER_SIDE, 100, 200)
                    .withEncoding(Encoding.RAW))
            .prepare(png);
    assertEquals(100, r.width());
    assertEquals(75, r.height());
  }

  @Test
  void letterboxPadsWithThePadColour() throws Exception {
    byte[] png = new PngEncoder().encode(TestImages.photoLike(400, 200, 9));
    PrepareSettings s =
        new PrepareSettings(
            ResizeMode.LETTERBOX, 100, 100, Encoding.RAW, 90, 1 << 30, 0xFFFFFF, 0x102030, true);
    PreparedImage p = new ImagePreparer(s).prepare(png);
    RgbImage img = new RgbImage(p.width(), p.height(), p.bytes());
    assertEquals(0x102030, img.pixel(0, 0));
    assertEquals(0x102030, img.pixel(99, 24));
    assertEquals(0x102030, img.pixel(50, 75));
    assertEquals(25, p.mapping().padY());
  }

  @Test
  void noUpscaleKeepsSmallImagesSmall() throws Exception {
    byte[] png = new PngEncoder().encode(TestImages.photoLike(100, 50, 2));
    PrepareSettings s =
        new PrepareSettings(
            ResizeMode.CENTER_CROP, 256, 256, Encoding.RAW, 90, 1 << 30, 0xFFFFFF, 0, false);
    PreparedImage p = new ImagePreparer(s).prepare(png);
    assertEquals(100, p.width());
    assertEquals(50, p.height());
    PreparedImage lb =
        new ImagePreparer(
                new PrepareSettings(
                    ResizeMode.LETTERBOX, 256, 256, Encoding.RAW, 90, 1 << 30, 0, 0, false))
            .prepare(png);
    assertEquals(256, lb.width());
    assertEquals(256, lb.height());
    PreparedImage up =
        new ImagePreparer(s.withResize(ResizeMode.CENTER_CROP, 256, 256).withEncoding(Encoding.RAW))
            .prepare(png);
    assertEquals(100, up.width());
  }

  @Test
  void downscalingAFineCheckerboardGivesMidGray() {
    // 1-pixel checkerboard: point sampling at any integer step returns pure black or pure white.
    int n = 1200;
    byte[] rgb = new byte[n * n * 3];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        byte v = (byte) (((x + y) & 1) == 0 ? 255 : 0);
        int i = (y * n + x) * 3;
        rgb[i] = v;
        rgb[i + 1] = v;
        rgb[i + 2] = v;
      }
    }
    RgbImage src = new RgbImage(n, n, rgb);
    for (int target : new int[] {100, 256, 300, 599}) {
      RgbImage out = Lanczos.resample(src, 0, 0, n, n, target, target);
      int min = 255;
      int max = 0;
      // Interior only: the clamped border legitimately differs a little.
      for (int y = 4; y < target - 4; y++) {
        for (int x = 4; x < target - 4; x++) {
          int v = out.rgb()[(y * target + x) * 3] & 0xFF;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      assertTrue(min >= 120 && max <= 135, "target " + target + ": range " + min + ".." + max);
    }
  }

  @Test
  void flatAreasStayExactlyFlatAndIdentityIsFree() {
    byte[] rgb = new byte[333 * 222 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = 17;
      rgb[i + 1] = (byte) 200;
      rgb[i + 2] = (byte) 255;
    }
    RgbImage flat = new RgbImage(333, 222, rgb);
    for (int[] size : new int[][] {{100, 50}, {333, 100}, {700, 500}, {1, 1}}) {
      RgbImage out = Lanczos.resample(flat, 0, 0, 333, 222, size[0], size[1]);
      for (int i = 0; i < out.rgb().length; i += 3) {
        assertEquals(
            0x11C8FF,
            (out.rgb()[i] & 0xFF) << 16
                | (out.rgb()[i + 1] & 0xFF) << 8
                | (out.rgb()[i + 2] & 0xFF));
      }
    }
    assertSame(flat, Lanczos.resample(flat, 0, 0, 333, 222, 333, 222));
  }

  @Test
  void boxPreReductionStaysCloseToPureLanczos() {
    RgbImage photo = TestImages.photoLike(1600, 1200, 21);
    RgbImage fast = Lanczos.resample(photo, 200, 0, 1200, 1200, 128, 128); // factor 3 box first
    assertTrue(Lanczos.reduceFactor(1200, 128) > 1);
    // Reference: Lanczos alone over the same window, taps spanning the full 9.4x reduction.
    RgbImage ref = Lanczos.lanczos(photo, 200, 0, 1200, 1200, 128, 128);
    double sum = 0;
    for (int i = 0; i < ref.rgb().length; i++) {
      sum += Math.abs((ref.rgb()[i] & 0xFF) - (fast.rgb()[i] & 0xFF));
    }
    assertTrue(sum / ref.rgb().length < 2.0, "mean abs diff " + sum / ref.rgb().length);
  }

  @Test
  void pixelCentresAreMappedCorrectly() {
    // Exact 2x downscale of a 1-D ramp: output i covers source 2i and 2i+1, so its value is their
    // mean.
    int w = 64;
    byte[] rgb = new byte[w * 3];
    for (int x = 0; x < w; x++) {
      rgb[3 * x] = (byte) (x * 4);
      rgb[3 * x + 1] = (byte) (x * 4);
      rgb[3 * x + 2] = (byte) (x * 4);
    }
    RgbImage out = Lanczos.resample(new RgbImage(w, 1, rgb), 0, 0, w, 1, 32, 1);
    for (int i = 4; i < 28; i++) {
      assertEquals(
          (2 * i * 4 + (2 * i + 1) * 4) / 2.0, out.rgb()[3 * i] & 0xFF, 0.51, "output " + i);
    }
  }

  @Test
  void identicalInputGivesIdenticalBytes() throws Exception {
    byte[] jpeg = JpegEncoder.encode(TestImages.photoLike(640, 480, 11), 92);
    for (Encoding enc : Encoding.values()) {
      PrepareSettings s = PrepareSettings.defaults().withEncoding(enc);
      byte[] a = new ImagePreparer(s).prepare(jpeg).bytes();
      ImagePreparer reused = new ImagePreparer(s);
      byte[] b = reused.prepare(jpeg).bytes();
      byte[] c = reused.prepare(jpeg).bytes();
      assertArrayEquals(a, b, enc.flag());
      assertArrayEquals(a, c, enc.flag());
    }
  }

  @Test
  void jpegOutputIsBaselineJfifWithoutThumbnail() throws Exception {
    byte[] out =
        new ImagePreparer(PrepareSettings.defaults())
            .prepare(JpegEncoder.encode(TestImages.photoLike(300, 300, 1), 90))
            .bytes();
    JpegMarkers m = JpegMarkers.parse(out);
    assertEquals(0xC0, m.sofMarker(), "baseline SOF0");
    assertEquals(3, m.components());
    assertEquals(-1, m.exifOffset());
    assertTrue(Bytes.startsWith(out, 6, "JFIF\0"), "JFIF APP0 first");
    // JFIF APP0 thumbnail size bytes (offsets 18,19) are zero.
    assertEquals(0, out[18]);
    assertEquals(0, out[19]);
    // 4:4:4 (see JpegEncoder) — every component's sampling factor is 0x11 in SOF0.
    int sof = indexOf(out, (byte) 0xFF, (byte) 0xC0);
    assertEquals(0x11, out[sof + 11] & 0xFF);
    assertEquals(0x11, out[sof + 14] & 0xFF);
    assertEquals(0x11, out[sof + 17] & 0xFF);
  }

  private static int indexOf(byte[] d, byte a, byte b) {
    for (int i = 0; i + 1 < d.length; i++) {
      if (d[i] == a && d[i + 1] == b) {
        return i;
      }
    }
    return -1;
  }
}
