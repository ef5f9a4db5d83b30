package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code linearLight}: resampling in 16-bit linear light; everything else as without it. */
class LinearLightTest {
  private static final PrepareSettings RAW = PrepareSettings.defaults().withEncoding(Encoding.RAW);

  /** An RGB PNG of a 1-pixel black/white checkerboard. */
  static byte[] checkerboard(int n) {
    byte[] rows = new byte[n * n * 3];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        java.util.Arrays.fill(
            rows, (y * n + x) * 3, (y * n + x) * 3 + 3, (byte) (((x + y) & 1) == 0 ? 255 : 0));
      }
    }
    return TestImages.png(n, n, 8, 2, n * 3, rows);
  }

  /** {min, max} of every sample away from the border (the clamped edge legitimately differs). */
  static int[] interiorRange(PreparedImage p, int border) {
    int min = 255;
    int max = 0;
    for (int y = border; y < p.height() - border; y++) {
      for (int x = border; x < p.width() - border; x++) {
        for (int c = 0; c < 3; c++) {
          int v = p.bytes()[(y * p.width() + x) * 3 + c] & 0xFF;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return new int[] {min, max};
  }

  @Test
  void checkerboardHalvedIs188InLinearLightAnd128Without() throws Exception {
    // 50% linear light is sRGB 0.735 = 187.5; the average of the codes is 127.5 (22% light).
    for (int n : new int[] {64, 384}) { // 384 -> 64 also runs the box pre-reduction
      int target = n == 64 ? 32 : 64;
      byte[] png = checkerboard(n);
      PrepareSettings s = RAW.withResize(ResizeMode.STRETCH, target, target);
      int[] linear = interiorRange(new ImagePreparer(s.withLinearLight(true)).prepare(png), 4);
      int[] encoded = interiorRange(new ImagePreparer(s).prepare(png), 4);
      assertTrue(
          linear[0] >= 186 && linear[1] <= 190,
          n + " linear light: " + linear[0] + ".." + linear[1]);
      assertTrue(
          encoded[0] >= 125 && encoded[1] <= 131,
          n + " encoded: " + encoded[0] + ".." + encoded[1]);
    }
  }

  @Test
  void flatColourStaysExactlyFlat() throws Exception {
    int w = 97;
    int h = 61;
    int[][] targets = {{40, 25}, {13, 7}, {150, 100}, {96, 61}};
    for (int colour :
        new int[] {0x000000, 0x010203, 0x102030, 0x7F8081, 0xC8285A, 0xFEFFFD, 0xFFFFFF}) {
      byte[] rows = new byte[w * h * 3];
      for (int i = 0; i < rows.length; i += 3) {
        rows[i] = (byte) (colour >> 16);
        rows[i + 1] = (byte) (colour >> 8);
        rows[i + 2] = (byte) colour;
      }
      byte[] png = TestImages.png(w, h, 8, 2, w * 3, rows);
      for (int[] t : targets) {
        PreparedImage p =
            new ImagePreparer(RAW.withResize(ResizeMode.STRETCH, t[0], t[1]).withLinearLight(true))
                .prepare(png);
        RgbImage out = new RgbImage(p.width(), p.height(), p.bytes());
        for (int y = 0; y < out.height(); y++) {
          for (int x = 0; x < out.width(); x++) {
            assertEquals(
                colour,
                out.pixel(x, y),
                Integer.toHexString(colour) + " to " + t[0] + "x" + t[1] + " at " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void everyCodeSurvivesTheSixteenBitRoundTripAndDarksStayApart() {
    for (int c = 0; c < 256; c++) {
      assertEquals(c, WideTransfer.LINEAR.narrow(WideTransfer.LINEAR.widen(c)), "linear " + c);
      assertEquals(c, WideTransfer.STORED.narrow(WideTransfer.STORED.widen(c)), "stored " + c);
      assertEquals(c * 257, WideTransfer.STORED.widen(c));
    }
    // In 8-bit linear, codes 0..17 would all be 0 or 1; at 16 bits each keeps its own level.
    for (int c = 1; c < 256; c++) {
      int gap = WideTransfer.LINEAR.widen(c) - WideTransfer.LINEAR.widen(c - 1);
      assertTrue(gap >= 19, "linear gap between codes " + (c - 1) + " and " + c + ": " + gap);
    }
    assertEquals(0, WideTransfer.LINEAR.widen(0));
    assertEquals(65535, WideTransfer.LINEAR.widen(255));
    assertEquals(188, WideTransfer.LINEAR.narrow(32768));
  }

  @Test
  void onlyTheResamplingChanges() throws Exception {
    // A real photo stored rotated (EXIF 6): geometry, orientation and metadata must not move.
    byte[] jpeg = TestImages.read(Path.of("../samples/images/animals/chelsea-exif-rotated.jpg"));
    PreparedImage encoded = new ImagePreparer(RAW).prepare(jpeg);
    PreparedImage linear = new ImagePreparer(RAW.withLinearLight(true)).prepare(jpeg);
    assertEquals(encoded.width(), linear.width());
    assertEquals(encoded.height(), linear.height());
    assertEquals(encoded.mapping(), linear.mapping());
    assertEquals(encoded.info(), linear.info());
    assertEquals(3, linear.channels());
    double[] diff = meanAndMaxDifference(encoded.bytes(), linear.bytes());
    assertTrue(diff[0] > 0.05, "linear light changes some pixels: mean difference " + diff[0]);
    assertTrue(diff[0] < 4, "but the picture is the same: mean difference " + diff[0]);

    // Without resampling (--resize=none) nothing changes at all.
    PrepareSettings none = RAW.withResize(ResizeMode.NONE, 1, 1);
    assertArrayEquals(
        new ImagePreparer(none).prepare(jpeg).bytes(),
        new ImagePreparer(none.withLinearLight(true)).prepare(jpeg).bytes());

    // JPEG and PNG encoding of the linear-light pixels work as usual.
    PreparedImage asJpeg =
        new ImagePreparer(PrepareSettings.defaults().withLinearLight(true)).prepare(jpeg);
    assertEquals(256, TestImages.decode(asJpeg.bytes()).width());
  }

  private static double[] meanAndMaxDifference(byte[] a, byte[] b) {
    assertEquals(a.length, b.length);
    long sum = 0;
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      int d = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
      sum += d;
      max = Math.max(max, d);
    }
    return new double[] {(double) sum / a.length, max};
  }
}
