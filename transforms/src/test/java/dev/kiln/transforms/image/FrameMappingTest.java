package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A red rectangle's corners, mapped with {@link FrameMapping}, must frame the red pixels of the
 * output.
 */
class FrameMappingTest {
  private static final int RX0 = 100;
  private static final int RY0 = 60;
  private static final int RX1 = 180;
  private static final int RY1 = 140;

  /** 400x300 white, red rectangle [100,180) x [60,140) in stored coordinates. */
  static RgbImage picture() {
    int w = 400;
    int h = 300;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean red = x >= RX0 && x < RX1 && y >= RY0 && y < RY1;
        int i = (y * w + x) * 3;
        rgb[i] = (byte) 255;
        rgb[i + 1] = (byte) (red ? 0 : 255);
        rgb[i + 2] = (byte) (red ? 0 : 255);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  @Test
  void everyModeAndOrientationMapsTheRectangle() throws Exception {
    RgbImage pic = picture();
    for (int o : new int[] {1, 3, 6, 8}) {
      // Stored bytes are the picture as is; the tag makes the displayed image a rotation of it,
      // and the rectangle is given in STORED coordinates, as annotation tools record it.
      byte[] png = OrientationTest.pngWithOrientation(pic, o);
      for (ResizeMode mode : ResizeMode.values()) {
        for (int[] box : new int[][] {{128, 128}, {200, 90}, {600, 500}}) {
          PrepareSettings s =
              new PrepareSettings(
                  mode, box[0], box[1], Encoding.RAW, 90, 1 << 30, 0xFFFFFF, 0x0000FF, true);
          PreparedImage p = new ImagePreparer(s).prepare(png);
          check(p, mode + " " + box[0] + "x" + box[1] + " o=" + o);
        }
      }
    }
  }

  private static void check(PreparedImage p, String what) {
    FrameMapping m = p.mapping();
    assertEquals(p.width(), m.outputWidth(), what);
    assertEquals(p.height(), m.outputHeight(), what);
    float[] a = m.map(RX0, RY0);
    float[] b = m.map(RX1, RY1);
    float x0 = Math.min(a[0], b[0]);
    float x1 = Math.max(a[0], b[0]);
    float y0 = Math.min(a[1], b[1]);
    float y1 = Math.max(a[1], b[1]);
    RgbImage img = new RgbImage(p.width(), p.height(), p.bytes());
    // Margin covers the resampling kernel's reach (at most ~1 output pixel when downscaling,
    // ~2 when upscaling with Lanczos-3).
    float margin = 2.5f;
    int inside = 0;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        float cx = x + 0.5f;
        float cy = y + 0.5f;
        int c = img.pixel(x, y);
        boolean red = (c >> 16 & 0xFF) > 200 && (c >> 8 & 0xFF) < 60 && (c & 0xFF) < 60;
        if (cx > x0 + margin && cx < x1 - margin && cy > y0 + margin && cy < y1 - margin) {
          assertTrue(
              red,
              what + ": pixel " + x + "," + y + " inside mapped box is " + Integer.toHexString(c));
          inside++;
        } else if (cx < x0 - margin || cx > x1 + margin || cy < y0 - margin || cy > y1 + margin) {
          assertTrue(
              (c >> 8 & 0xFF) > 200 || c == 0x0000FF,
              what + ": pixel " + x + "," + y + " outside mapped box is " + Integer.toHexString(c));
        }
      }
    }
    assertTrue(inside > 0, what + ": mapped box has no interior");
  }

  @Test
  void mappingOfKnownCases() {
    // 6 = rotate 90° clockwise: stored top-left corner goes to the top-right.
    FrameMapping rot = new FrameMapping(6, 400, 300, 0, 0, 300, 400, 1, 1, 0, 0, 300, 400);
    float[] p = rot.map(0, 0);
    assertEquals(300f, p[0], 1e-4);
    assertEquals(0f, p[1], 1e-4);
    // Crop, scale and pad compose in that order.
    FrameMapping m = new FrameMapping(1, 400, 300, 50, 0, 300, 300, 0.5f, 0.5f, 3, 7, 156, 164);
    p = m.map(200, 100);
    assertEquals(78f, p[0], 1e-4);
    assertEquals(57f, p[1], 1e-4);
  }
}
