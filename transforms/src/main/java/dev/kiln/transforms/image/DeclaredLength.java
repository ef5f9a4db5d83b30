package dev.kiln.transforms.image;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;

/**
 * Checks that a file holds as many bytes as its own header says it needs, for formats whose
 * decoders render a cut-off file without complaint (the missing rows come out black): ICNS (its
 * header states the file's length) and PCX (run-length rows, and for 256-colour files a palette
 * after them). A file that is too short is {@code truncated}, so a partial image is never written.
 */
final class DeclaredLength {
  private static final int PCX_HEADER = 128;

  private DeclaredLength() {}

  static void check(String format, byte[] d) throws ImageRejectedException {
    switch (format) {
      case "icns" -> checkIcns(d);
      case "pcx" -> checkPcx(d);
      default -> {}
    }
  }

  private static void checkIcns(byte[] d) throws ImageRejectedException {
    long declared = d.length < 8 ? Long.MAX_VALUE : Integer.toUnsignedLong(Bytes.be32(d, 4));
    if (declared > d.length) {
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.TRUNCATED,
          "ICNS header declares " + declared + " bytes, file ends at " + d.length);
    }
  }

  /**
   * Walks the run-length data of every row and plane; then, for 8-bit single-plane files, the
   * palette.
   */
  private static void checkPcx(byte[] d) throws ImageRejectedException {
    if (d.length < PCX_HEADER) {
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.TRUNCATED,
          "PCX ends at byte " + d.length + " inside its header");
    }
    int width = Bytes.le16(d, 8) - Bytes.le16(d, 4) + 1;
    int height = Bytes.le16(d, 10) - Bytes.le16(d, 6) + 1;
    int planes = d[65] & 0xFF;
    int bytesPerLine = Bytes.le16(d, 66);
    if (width <= 0 || height <= 0 || planes == 0 || bytesPerLine == 0) {
      return; // the decoder reports a broken header with its own words
    }
    long needed = (long) bytesPerLine * planes * height;
    long produced = 0;
    int p = PCX_HEADER;
    boolean rle = d[2] == 1;
    while (produced < needed) {
      if (p >= d.length) {
        throw new ImageRejectedException(
            Stage.DECODE,
            RejectReason.TRUNCATED,
            "PCX image data ends at byte "
                + d.length
                + " after "
                + produced
                + " of "
                + needed
                + " bytes");
      }
      int b = d[p++] & 0xFF;
      if (rle && (b & 0xC0) == 0xC0) {
        if (p >= d.length) {
          continue; // reported on the next pass
        }
        p++;
        produced += b & 0x3F;
      } else {
        produced++;
      }
    }
    boolean palette256 = (d[3] & 0xFF) == 8 && planes == 1 && (d[1] & 0xFF) == 5;
    if (palette256 && (d.length < 769 || d[d.length - 769] != 0x0C)) {
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.TRUNCATED,
          "256-colour PCX ends at byte " + d.length + " without its palette");
    }
  }
}
