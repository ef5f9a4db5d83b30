package dev.kiln.transforms.image;

/**
 * Detects the image format from magic bytes. File names and MIME types from crawls are unreliable,
 * so the bytes are the only authority. Returns Kiln's format name, or null if the bytes are not a
 * recognised image. Some recognised formats (heif, avif, jxl, jpeg2000) have no decoder installed;
 * the decoder reports those as {@code unsupported-format} rather than {@code not-an-image}.
 */
final class FormatSniffer {
  private FormatSniffer() {}

  static String sniff(byte[] d) {
    int n = d.length;
    if (n >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
      return "jpeg";
    }
    if (n >= 8 && (d[0] & 0xFF) == 0x89 && Bytes.startsWith(d, 1, "PNG\r\n\u001a\n")) {
      return "png";
    }
    if (Bytes.startsWith(d, 0, "GIF87a") || Bytes.startsWith(d, 0, "GIF89a")) {
      return "gif";
    }
    if (Bytes.startsWith(d, 0, "RIFF") && Bytes.startsWith(d, 8, "WEBP")) {
      return "webp";
    }
    if (Bytes.startsWith(d, 0, "II*\0")
        || Bytes.startsWith(d, 0, "MM\0*")
        || Bytes.startsWith(d, 0, "II+\0")
        || Bytes.startsWith(d, 0, "MM\0+")) {
      return "tiff";
    }
    if (Bytes.startsWith(d, 0, "8BPS")) {
      return "psd";
    }
    if (n >= 18 && Bytes.startsWith(d, 0, "BM")) {
      int dib = Bytes.le32(d, 14);
      if (dib == 12
          || dib == 16
          || dib == 40
          || dib == 52
          || dib == 56
          || dib == 64
          || dib == 108
          || dib == 124) {
        return "bmp";
      }
    }
    if (n >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '7' && isPnmSpace(d[2])) {
      return "pnm";
    }
    if (n >= 6
        && d[0] == 0
        && d[1] == 0
        && (d[2] == 1 || d[2] == 2)
        && d[3] == 0
        && (d[4] != 0 || d[5] != 0)) {
      return d[2] == 1 ? "ico" : "cur"; // decoded by TwelveMonkeys' BMP plugin
    }
    if (n >= 12 && Bytes.startsWith(d, 4, "ftyp")) {
      String brand = new String(d, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (brand.startsWith("avi")) {
        return "avif";
      }
      if (brand.startsWith("hei")
          || brand.startsWith("hev")
          || brand.equals("mif1")
          || brand.equals("msf1")) {
        return "heif";
      }
    }
    if ((n >= 2 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0x0A)
        || (n >= 12
            && d[0] == 0
            && d[1] == 0
            && d[2] == 0
            && d[3] == 12
            && Bytes.startsWith(d, 4, "JXL "))) {
      return "jxl";
    }
    if (n >= 12
        && d[0] == 0
        && d[1] == 0
        && d[2] == 0
        && d[3] == 12
        && Bytes.startsWith(d, 4, "jP  ")) {
      return "jpeg2000";
    }
    if (Bytes.startsWith(d, 0, "DDS ")) {
      return "dds";
    }
    if (Bytes.startsWith(d, 0, "icns")) {
      return "icns";
    }
    if (Bytes.startsWith(d, 0, "#?RADIANCE") || Bytes.startsWith(d, 0, "#?RGBE")) {
      return "hdr";
    }
    if (n >= 12
        && Bytes.startsWith(d, 0, "FORM")
        && (Bytes.startsWith(d, 8, "ILBM")
            || Bytes.startsWith(d, 8, "PBM ")
            || Bytes.startsWith(d, 8, "RGB8")
            || Bytes.startsWith(d, 8, "RGBN")
            || Bytes.startsWith(d, 8, "DEEP")
            || Bytes.startsWith(d, 8, "TVPP"))) {
      return "iff";
    }
    if (n >= 512
        && (d[0] & 0xFF) == 0x01
        && (d[1] & 0xFF) == 0xDA
        && (d[2] == 0 || d[2] == 1)
        && (d[3] == 1 || d[3] == 2)) {
      return "sgi"; // magic 474, then RLE flag and bytes per channel
    }
    if (n >= 128
        && d[0] == 0x0A
        && (d[1] == 0 || (d[1] >= 2 && d[1] <= 5))
        && (d[2] == 0 || d[2] == 1)
        && (d[3] == 1 || d[3] == 2 || d[3] == 4 || d[3] == 8)) {
      return "pcx"; // manufacturer 10, version, encoding, bits per plane
    }
    if (isPict(d, 0) || isPict(d, 512)) {
      return "pict";
    }
    if (looksLikeTga(d)) {
      return "tga";
    }
    return null;
  }

  /**
   * A PICT picture (optionally after a 512-byte application header): size and frame, then the
   * version opcode, 0x1101 for version 1 or 0x0011 0x02FF for version 2.
   */
  private static boolean isPict(byte[] d, int at) {
    int v = at + 10;
    if (d.length < v + 4) {
      return false;
    }
    return ((d[v] & 0xFF) == 0x11 && (d[v + 1] & 0xFF) == 0x01)
        || ((d[v] & 0xFF) == 0x00
            && (d[v + 1] & 0xFF) == 0x11
            && (d[v + 2] & 0xFF) == 0x02
            && (d[v + 3] & 0xFF) == 0xFF);
  }

  private static boolean isPnmSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /**
   * TGA has no magic number: a v2 file ends with the "TRUEVISION-XFILE." footer, otherwise the
   * 18-byte header must be self-consistent. Text never passes because the image-type byte would be
   * a control character.
   */
  private static boolean looksLikeTga(byte[] d) {
    int n = d.length;
    if (n < 18) {
      return false;
    }
    if (n >= 44 && Bytes.startsWith(d, n - 18, "TRUEVISION-XFILE.")) {
      return true;
    }
    int cmapType = d[1] & 0xFF;
    int type = d[2] & 0xFF;
    int cmapLen = Bytes.le16(d, 5);
    int cmapDepth = d[7] & 0xFF;
    int width = Bytes.le16(d, 12);
    int height = Bytes.le16(d, 14);
    int depth = d[16] & 0xFF;
    boolean typeOk = type == 1 || type == 2 || type == 3 || type == 9 || type == 10 || type == 11;
    boolean depthOk = depth == 8 || depth == 15 || depth == 16 || depth == 24 || depth == 32;
    boolean cmapOk =
        cmapType == 0
            ? cmapLen == 0 || type == 2 || type == 3 || type == 10 || type == 11
            : cmapType == 1
                && (type == 1 || type == 9)
                && (cmapDepth == 15 || cmapDepth == 16 || cmapDepth == 24 || cmapDepth == 32);
    return typeOk && depthOk && cmapOk && width > 0 && height > 0 && (d[17] & 0xC0) == 0;
  }
}
