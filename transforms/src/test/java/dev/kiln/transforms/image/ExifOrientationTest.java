package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The EXIF orientation tag as TwelveMonkeys reads it, on well-formed and damaged TIFF blocks. */
class ExifOrientationTest {
  private static final int ORIENTATION = 0x0112;
  private static final int SHORT = 3;
  private static final int LONG = 4;

  @Test
  void readsIfd0InBothByteOrders() {
    assertEquals(6, ExifOrientation.fromTiff(tiff(true, 0x0100, SHORT, 1, 640, 0, 6), 0, 42));
    assertEquals(8, ExifOrientation.fromTiff(tiff(false, 0x0100, SHORT, 1, 640, 0, 8), 0, 42));
  }

  @Test
  void readsTheBlockAtItsOffset() {
    byte[] tiff = tiff(true, 0x0100, SHORT, 1, 640, 0, 3);
    byte[] file = new byte[tiff.length + 20];
    System.arraycopy(tiff, 0, file, 13, tiff.length);
    assertEquals(3, ExifOrientation.fromTiff(file, 13, tiff.length));
  }

  @Test
  void damagedEntriesBeforeTheTagDoNotHideIt() {
    // A count far past the block's end, a self-referencing EXIF IFD, an IFD chain that loops.
    assertEquals(
        6, ExifOrientation.fromTiff(tiff(true, 0x0111, LONG, 0x7fffff00, 38, 0, 6), 0, 42));
    assertEquals(6, ExifOrientation.fromTiff(tiff(true, 0x8769, LONG, 1, 8, 0, 6), 0, 42));
    assertEquals(6, ExifOrientation.fromTiff(tiff(true, 0x0100, SHORT, 1, 640, 8, 6), 0, 42));
  }

  @Test
  void noTagTruncatedOrNotTiffGivesOne() {
    assertEquals(1, ExifOrientation.fromTiff(tiff(true, 0x0100, SHORT, 1, 640, 0, 0), 0, 30));
    assertEquals(1, ExifOrientation.fromTiff(tiff(true, 0x0100, SHORT, 1, 640, 0, 6), 0, 7));
    assertEquals(
        1, ExifOrientation.fromTiff(new byte[] {'I', 'I', 42, 0, (byte) 0xFF, 0, 0, 0}, 0, 8));
    assertEquals(1, ExifOrientation.fromTiff("not a TIFF block at all".getBytes(), 0, 23));
  }

  /**
   * A TIFF block with IFD0 at 8: one entry {@code tag, type, count, value}, then the orientation
   * (omitted when {@code orientation} is 0), then the next-IFD offset {@code next}.
   */
  private static byte[] tiff(
      boolean le, int tag, int type, int count, int value, int next, int orientation) {
    byte[] d = new byte[42];
    d[0] = d[1] = (byte) (le ? 'I' : 'M');
    put(d, 2, 2, 42, le);
    put(d, 4, 4, 8, le);
    put(d, 8, 2, orientation == 0 ? 1 : 2, le);
    put(d, 10, 2, tag, le);
    put(d, 12, 2, type, le);
    put(d, 14, 4, count, le);
    put(d, 18, type == SHORT ? 2 : 4, value, le);
    int p = 22;
    if (orientation != 0) {
      put(d, p, 2, ORIENTATION, le);
      put(d, p + 2, 2, SHORT, le);
      put(d, p + 4, 4, 1, le);
      put(d, p + 8, 2, orientation, le);
      p += 12;
    }
    put(d, p, 4, next, le);
    return d;
  }

  private static void put(byte[] d, int p, int bytes, int v, boolean le) {
    for (int i = 0; i < bytes; i++) {
      d[le ? p + i : p + bytes - 1 - i] = (byte) (v >>> (8 * i));
    }
  }
}
