package dev.kiln.transforms.image;

/** Unaligned integer reads for the small container parsers (bounds are the caller's job). */
final class Bytes {
  private Bytes() {}

  static int be16(byte[] d, int p) {
    return (d[p] & 0xFF) << 8 | (d[p + 1] & 0xFF);
  }

  static int le16(byte[] d, int p) {
    return (d[p + 1] & 0xFF) << 8 | (d[p] & 0xFF);
  }

  static int be32(byte[] d, int p) {
    return (d[p] & 0xFF) << 24
        | (d[p + 1] & 0xFF) << 16
        | (d[p + 2] & 0xFF) << 8
        | (d[p + 3] & 0xFF);
  }

  static int le32(byte[] d, int p) {
    return (d[p + 3] & 0xFF) << 24
        | (d[p + 2] & 0xFF) << 16
        | (d[p + 1] & 0xFF) << 8
        | (d[p] & 0xFF);
  }

  static boolean startsWith(byte[] d, int p, String ascii) {
    if (p < 0 || p + ascii.length() > d.length) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (d[p + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
