package dev.kiln.transforms.image;

import java.io.ByteArrayOutputStream;

/**
 * The few JPEG header facts the pipeline needs, read straight from the marker segments up to the
 * first SOS: frame type and components, Adobe APP14 transform, EXIF APP1 and ICC APP2 chunks.
 * Reading them ourselves is cheaper than asking ImageIO for its metadata tree and works the same
 * whichever JPEG reader is installed. Malformed segments simply end the scan.
 */
final class JpegMarkers {
  private int sofMarker = -1;
  private int precision = 8;
  private int components;
  private int adobeTransform = -1;
  private int exifOffset = -1;
  private int exifLength;
  private byte[][] iccChunks;

  private JpegMarkers() {}

  static JpegMarkers parse(byte[] d) {
    JpegMarkers m = new JpegMarkers();
    int p = 2;
    while (p + 4 <= d.length) {
      if ((d[p] & 0xFF) != 0xFF) {
        break;
      }
      int marker = d[p + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        p++;
        continue;
      }
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        p += 2;
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) { // EOI or SOS: header is over
        break;
      }
      int len = Bytes.be16(d, p + 2);
      int start = p + 4;
      int segLen = len - 2;
      if (len < 2 || start + segLen > d.length) {
        break;
      }
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        if (m.sofMarker < 0 && segLen >= 6) {
          m.sofMarker = marker;
          m.precision = d[start] & 0xFF;
          m.components = d[start + 5] & 0xFF;
        }
      } else if (marker == 0xE1
          && m.exifOffset < 0
          && segLen > 6
          && Bytes.startsWith(d, start, "Exif\0")) {
        m.exifOffset = start + 6;
        m.exifLength = segLen - 6;
      } else if (marker == 0xE2 && segLen > 14 && Bytes.startsWith(d, start, "ICC_PROFILE\0")) {
        int seq = d[start + 12] & 0xFF;
        int count = d[start + 13] & 0xFF;
        if (count > 0 && seq >= 1 && seq <= count) {
          if (m.iccChunks == null || m.iccChunks.length != count) {
            m.iccChunks = new byte[count][];
          }
          byte[] chunk = new byte[segLen - 14];
          System.arraycopy(d, start + 14, chunk, 0, chunk.length);
          m.iccChunks[seq - 1] = chunk;
        }
      } else if (marker == 0xEE && segLen >= 12 && Bytes.startsWith(d, start, "Adobe")) {
        m.adobeTransform = d[start + 11] & 0xFF;
      }
      p = start + segLen;
    }
    return m;
  }

  /** Frame marker (0xC0 baseline, 0xC2 progressive, 0xC3 lossless, ...) or -1 if none was seen. */
  int sofMarker() {
    return sofMarker;
  }

  int precision() {
    return precision;
  }

  int components() {
    return components;
  }

  /** Stored colour model as Kiln names it. */
  String colourModel() {
    switch (components) {
      case 1:
        return "gray";
      case 4:
        return adobeTransform == 2 ? "ycck" : "cmyk";
      default:
        return "rgb";
    }
  }

  int exifOffset() {
    return exifOffset;
  }

  int exifLength() {
    return exifLength;
  }

  /** The ICC profile reassembled from its APP2 chunks, or null if absent or incomplete. */
  byte[] iccProfile() {
    if (iccChunks == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c : iccChunks) {
      if (c == null) {
        return null;
      }
      out.writeBytes(c);
    }
    return out.toByteArray();
  }
}
