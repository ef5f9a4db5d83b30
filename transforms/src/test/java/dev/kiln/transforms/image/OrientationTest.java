package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EXIF orientation: the 8 stored variants of one asymmetric picture, each tagged with the
 * orientation that undoes it, must all come out as the same picture.
 */
class OrientationTest {
  private static final PrepareSettings RAW_NONE =
      PrepareSettings.defaults().withResize(ResizeMode.NONE, 1, 1).withEncoding(Encoding.RAW);

  /**
   * The stored pixels that a viewer shows as {@code d} when tagged with {@code o}, written from the
   * EXIF definitions (which stored row/column becomes which displayed side), independently of
   * {@link Orientation}.
   */
  static RgbImage stored(RgbImage d, int o) {
    int wd = d.width();
    int hd = d.height();
    boolean t = o >= 5;
    int ws = t ? hd : wd;
    int hs = t ? wd : hd;
    byte[] out = new byte[ws * hs * 3];
    for (int y = 0; y < hs; y++) {
      for (int x = 0; x < ws; x++) {
        int u;
        int v;
        switch (o) {
          case 2:
            u = wd - 1 - x;
            v = y;
            break; // mirrored: stored column 0 is the right side
          case 3:
            u = wd - 1 - x;
            v = hd - 1 - y;
            break; // upside down
          case 4:
            u = x;
            v = hd - 1 - y;
            break; // stored row 0 is the bottom
          case 5:
            u = y;
            v = x;
            break; // row 0 = left side, column 0 = top
          case 6:
            u = wd - 1 - y;
            v = x;
            break; // row 0 = right side, column 0 = top
          case 7:
            u = wd - 1 - y;
            v = hd - 1 - x;
            break; // row 0 = right side, column 0 = bottom
          case 8:
            u = y;
            v = hd - 1 - x;
            break; // row 0 = left side, column 0 = bottom
          default:
            u = x;
            v = y;
        }
        int s = (v * wd + u) * 3;
        int o3 = (y * ws + x) * 3;
        out[o3] = d.rgb()[s];
        out[o3 + 1] = d.rgb()[s + 1];
        out[o3 + 2] = d.rgb()[s + 2];
      }
    }
    return new RgbImage(ws, hs, out);
  }

  /** Big-endian TIFF with IFD0 holding only the orientation tag. */
  static byte[] exifTiff(int o) {
    return new byte[] {
      'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) o, 0, 0, 0, 0, 0, 0
    };
  }

  static byte[] jpegWithOrientation(RgbImage stored, int o) throws Exception {
    byte[] jpeg = JpegEncoder.encode(stored, 95);
    byte[] tiff = exifTiff(o);
    int len = 2 + 6 + tiff.length;
    byte[] app1 =
        TestImages.concat(
            new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len},
            "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
            tiff);
    return TestImages.concat(
        java.util.Arrays.copyOf(jpeg, 2), app1, java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
  }

  static byte[] pngWithOrientation(RgbImage stored, int o) throws Exception {
    byte[] png = new PngEncoder().encode(stored);
    int afterIhdr = 8 + 25;
    return TestImages.concat(
        java.util.Arrays.copyOf(png, afterIhdr),
        TestImages.pngChunk("eXIf", exifTiff(o)),
        java.util.Arrays.copyOfRange(png, afterIhdr, png.length));
  }

  private static final RgbImage PICTURE = TestImages.photoLike(48, 30, 99);

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void pngVariantsDecodeToTheSamePixels(int o) throws Exception {
    byte[] png = pngWithOrientation(stored(PICTURE, o), o);
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(png);
    assertEquals(o, p.info().orientation());
    assertEquals(PICTURE.width(), p.width());
    assertEquals(PICTURE.height(), p.height());
    assertArrayEquals(PICTURE.rgb(), p.bytes(), "lossless: exact match");
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void jpegVariantsDecodeToTheSamePixels(int o) throws Exception {
    RgbImage big = TestImages.photoLike(160, 96, 5);
    byte[] jpeg = jpegWithOrientation(stored(big, o), o);
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(jpeg);
    assertEquals(o, p.info().orientation());
    assertEquals(big.width(), p.width());
    assertEquals(big.height(), p.height());
    assertMeanDiff(big.rgb(), p.bytes(), 4.0, "orientation " + o);

    // Through crop and resize as well: compare with the upright original prepared the same way.
    PrepareSettings crop =
        PrepareSettings.defaults()
            .withResize(ResizeMode.CENTER_CROP, 40, 40)
            .withEncoding(Encoding.RAW);
    byte[] upright = new ImagePreparer(crop).prepare(jpegWithOrientation(big, 1)).bytes();
    assertMeanDiff(
        upright, new ImagePreparer(crop).prepare(jpeg).bytes(), 3.0, "cropped orientation " + o);
  }

  private static void assertMeanDiff(byte[] a, byte[] b, double limit, String what) {
    assertEquals(a.length, b.length, what);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    assertTrue(sum / a.length < limit, what + ": mean abs diff " + sum / a.length);
  }

  @Test
  void malformedOrTooLargeOrientationIsIgnored() throws Exception {
    byte[] png = pngWithOrientation(PICTURE, 9);
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(png);
    assertEquals(1, p.info().orientation());
    assertArrayEquals(PICTURE.rgb(), p.bytes());
    assertEquals(
        1, ExifOrientation.fromTiff(new byte[] {'I', 'I', 42, 0, (byte) 0xFF, 0, 0, 0}, 0, 8));
  }

  @Test
  void animatedGifUsesTheFirstFrameAndCountsFrames() throws Exception {
    int[] colours = {0xFF0000, 0x0000FF, 0x00FF00};
    ImageWriter writer = KilnImageIO.writer("gif");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (int c : colours) {
        BufferedImage frame = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_INDEXED);
        for (int y = 0; y < 10; y++) {
          for (int x = 0; x < 20; x++) {
            frame.setRGB(x, y, c);
          }
        }
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    PreparedImage p = new ImagePreparer(RAW_NONE).prepare(bytes.toByteArray());
    assertEquals("gif", p.info().format());
    assertEquals(3, p.info().frames());
    assertEquals("palette", p.info().colourModel());
    RgbImage img = new RgbImage(p.width(), p.height(), p.bytes());
    assertEquals(20, img.width());
    assertEquals(0xFF0000, img.pixel(10, 5), "first frame");
  }
}
