package dev.kiln.transforms.image;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.io.IOException;

/**
 * The EXIF orientation of an image file: the EXIF block located in its container, and its
 * orientation tag read with TwelveMonkeys' {@code imageio-metadata} {@link TIFFReader} instead of a
 * hand-written IFD walk. Measured with {@code ExifOrientationBenchmark} on the 306 EXIF blocks of
 * the benchmark corpus, the samples, the odd JPEGs and the test images: the same orientation as
 * Kiln's former IFD0 scan for every one, at 5-17 us per block once compiled against 0.6 us, next to
 * ~10 ms of preparing an image. Damaged blocks (counts past the end, IFD loops, pointers out of
 * range) give 1, as before.
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /**
   * The orientation tag in IFD0 of the TIFF structure at {@code [off, off+len)} of {@code d}, or 1
   * when there is none or the structure cannot be read. The thumbnail's IFD1 does not count.
   */
  static int fromTiff(byte[] d, int off, int len) {
    int end = Math.min(d.length, off + len);
    if (off < 0 || off + 8 > end) {
      return 1;
    }
    try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(d, off, end - off)) {
      Directory ifds = new TIFFReader().read(in);
      Directory ifd0 =
          ifds instanceof CompoundDirectory c
              ? (c.directoryCount() > 0 ? c.getDirectory(0) : null)
              : ifds;
      Entry entry = ifd0 == null ? null : ifd0.getEntryById(TIFF.TAG_ORIENTATION);
      if (entry == null) {
        return 1;
      }
      Object value = entry.getValue();
      if (value instanceof Number n) {
        return n.intValue();
      }
      return 1;
    } catch (IOException | RuntimeException e) {
      return 1;
    }
  }

  /**
   * EXIF orientation found in the container, or 1. Looks at JPEG APP1 "Exif", PNG eXIf, WebP EXIF
   * chunks and a TIFF file's own IFD0. Never throws: malformed metadata means "no orientation".
   *
   * <p>The EXIF block itself is read by TwelveMonkeys ({@link #fromTiff}). Finding it stays Kiln's
   * own: {@code imageio-metadata} has no PNG or WebP chunk reader, and a JPEG's APP1 comes from
   * {@link JpegMarkers}, the header scan that also gives the decoder the frame, Adobe and ICC
   * facts. TwelveMonkeys' {@code JPEGSegmentUtil} finds the same EXIF bytes in all 9,469 JPEGs of
   * the benchmark corpus, samples and odd JPEGs, but as a second pass over the header, at 4-23 us
   * per file against 0.7 us ({@code ExifOrientationBenchmark}).
   */
  static int read(String format, byte[] data) {
    try {
      int v;
      switch (format) {
        case "jpeg":
          v = fromJpeg(data);
          break;
        case "png":
          v = fromPng(data);
          break;
        case "webp":
          v = fromWebp(data);
          break;
        case "tiff":
          v = fromTiff(data, 0, data.length);
          break;
        default:
          v = 1;
      }
      return Orientation.sanitize(v);
    } catch (RuntimeException e) {
      return 1;
    }
  }

  private static int fromJpeg(byte[] d) {
    JpegMarkers m = JpegMarkers.parse(d);
    return m.exifOffset() >= 0 ? fromTiff(d, m.exifOffset(), m.exifLength()) : 1;
  }

  private static int fromPng(byte[] d) {
    int p = 8;
    while (p + 8 <= d.length) {
      int len = Bytes.be32(d, p);
      if (len < 0 || p + 12L + len > d.length) {
        return 1;
      }
      int type = Bytes.be32(d, p + 4);
      if (type == 0x65584966 /* eXIf */) {
        return fromTiff(d, p + 8, len);
      }
      if (type == 0x49444154 /* IDAT */ || type == 0x49454E44 /* IEND */) {
        // eXIf after IDAT is allowed by the spec but rare; keep the scan short and cheap.
        return 1;
      }
      p += 12 + len;
    }
    return 1;
  }

  private static int fromWebp(byte[] d) {
    int p = 12;
    while (p + 8 <= d.length) {
      int type = Bytes.be32(d, p);
      int len = Bytes.le32(d, p + 4);
      if (len < 0 || p + 8L + len > d.length) {
        return 1;
      }
      if (type == 0x45584946 /* EXIF */) {
        int start = p + 8;
        // Some writers keep the JPEG-style "Exif\0\0" prefix inside the chunk.
        if (len > 6
            && d[start] == 'E'
            && d[start + 1] == 'x'
            && d[start + 2] == 'i'
            && d[start + 3] == 'f') {
          return fromTiff(d, start + 6, len - 6);
        }
        return fromTiff(d, start, len);
      }
      p += 8 + len + (len & 1);
    }
    return 1;
  }
}
