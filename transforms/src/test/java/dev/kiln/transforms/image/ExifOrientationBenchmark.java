package dev.kiln.transforms.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the EXIF orientation of every JPEG and TIFF under the given directories with a plain IFD0
 * scan ({@link #ifd0Scan}, what Kiln used before) and with TwelveMonkeys' {@code TIFFReader}
 * ({@link ExifOrientation}), prints where they disagree and the time each takes per EXIF block;
 * then the time to find the JPEGs' header segments with {@link JpegMarkers} and with TwelveMonkeys'
 * {@code JPEGSegmentUtil}, and whether both find the same EXIF bytes.
 *
 * <pre>{@code
 * mvn -q -pl transforms test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp transforms/target/test-classes:transforms/target/classes:$(cat /tmp/cp.txt) \
 *   dev.kiln.transforms.image.ExifOrientationBenchmark CORPUS samples/images ../shared/data
 * }</pre>
 *
 * CORPUS is a corpus made by {@code ../shared/bench/make_corpus.py} (the figures in {@link
 * ExifOrientation} are from its 10,000-image one).
 */
public final class ExifOrientationBenchmark {
  private ExifOrientationBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<byte[]> blocks = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    List<Path> names = new ArrayList<>();
    List<byte[]> jpegs = new ArrayList<>();
    int segmentsDiffer = 0;
    int files = 0;
    for (String dir : args) {
      List<Path> paths;
      try (Stream<Path> s = Files.walk(Path.of(dir))) {
        paths = s.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path p : paths) {
        byte[] d = Files.readAllBytes(p);
        files++;
        String format = FormatSniffer.sniff(d);
        if ("jpeg".equals(format)) {
          JpegMarkers m = JpegMarkers.parse(d);
          jpegs.add(d);
          byte[] ours =
              m.exifOffset() < 0
                  ? new byte[0]
                  : java.util.Arrays.copyOfRange(
                      d, m.exifOffset(), m.exifOffset() + m.exifLength());
          if (!java.util.Arrays.equals(ours, twelveMonkeysExif(d))) {
            segmentsDiffer++;
            System.out.println("EXIF segment differs: " + p);
          }
          if (m.exifOffset() >= 0) {
            blocks.add(d);
            where.add(new int[] {m.exifOffset(), m.exifLength()});
            names.add(p);
          }
        } else if ("tiff".equals(format)) {
          blocks.add(d);
          where.add(new int[] {0, d.length});
          names.add(p);
        }
      }
    }
    System.out.printf(
        "%d JPEGs, %d where JpegMarkers and JPEGSegmentUtil find different EXIF bytes%n",
        jpegs.size(), segmentsDiffer);
    int differ = 0;
    int[] histogram = new int[10];
    for (int i = 0; i < blocks.size(); i++) {
      int[] w = where.get(i);
      int kiln = Orientation.sanitize(ifd0Scan(blocks.get(i), w[0], w[1]));
      int tm = Orientation.sanitize(ExifOrientation.fromTiff(blocks.get(i), w[0], w[1]));
      histogram[kiln]++;
      if (kiln != tm) {
        differ++;
        System.out.println("differ: " + names.get(i) + " kiln " + kiln + " twelvemonkeys " + tm);
      }
    }
    System.out.printf(
        "%d files, %d EXIF blocks, %d differ; orientations 1-8: %s%n",
        files,
        blocks.size(),
        differ,
        java.util.Arrays.toString(java.util.Arrays.copyOfRange(histogram, 1, 9)));
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      long sum = 0;
      for (int i = 0; i < blocks.size(); i++) {
        sum += ifd0Scan(blocks.get(i), where.get(i)[0], where.get(i)[1]);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < blocks.size(); i++) {
        sum += ExifOrientation.fromTiff(blocks.get(i), where.get(i)[0], where.get(i)[1]);
      }
      long t2 = System.nanoTime();
      System.out.printf(
          "round %d: IFD0 scan %.2f us/block, TIFFReader %.2f us/block (%d)%n",
          round,
          (t1 - t0) / 1e3 / Math.max(1, blocks.size()),
          (t2 - t1) / 1e3 / Math.max(1, blocks.size()),
          sum);
      long h0 = System.nanoTime();
      for (byte[] d : jpegs) {
        sum += JpegMarkers.parse(d).exifLength();
      }
      long h1 = System.nanoTime();
      for (byte[] d : jpegs) {
        sum += twelveMonkeysExif(d).length;
      }
      long h2 = System.nanoTime();
      System.out.printf(
          "round %d: JPEG header: JpegMarkers %.2f us/file, JPEGSegmentUtil %.2f us/file%n",
          round,
          (h1 - h0) / 1e3 / Math.max(1, jpegs.size()),
          (h2 - h1) / 1e3 / Math.max(1, jpegs.size()));
    }
  }

  /** The first APP1 "Exif" segment's TIFF bytes as TwelveMonkeys finds them, or none. */
  private static byte[] twelveMonkeysExif(byte[] d) {
    try (var in = new com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream(d)) {
      var segments =
          com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil.readSegments(in, 0xFFE1, "Exif");
      if (segments.isEmpty()) {
        return new byte[0];
      }
      byte[] data =
          segments.get(0).data().readAllBytes(); // after "Exif\0": the pad byte, then TIFF
      return java.util.Arrays.copyOfRange(data, 1, data.length);
    } catch (IOException | RuntimeException e) {
      return new byte[0];
    }
  }

  /**
   * Orientation tag in IFD0 of the TIFF structure at {@code [off, off+len)}, or 1: Kiln's former
   * scan.
   */
  static int ifd0Scan(byte[] d, int off, int len) {
    int end = Math.min(d.length, off + len);
    if (off + 8 > end) {
      return 1;
    }
    boolean le;
    if (d[off] == 'I' && d[off + 1] == 'I') {
      le = true;
    } else if (d[off] == 'M' && d[off + 1] == 'M') {
      le = false;
    } else {
      return 1;
    }
    long ifd = Integer.toUnsignedLong(le ? Bytes.le32(d, off + 4) : Bytes.be32(d, off + 4));
    if (ifd < 8 || off + ifd + 2 > end) {
      return 1;
    }
    int p = (int) (off + ifd);
    int count = le ? Bytes.le16(d, p) : Bytes.be16(d, p);
    p += 2;
    for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
      int tag = le ? Bytes.le16(d, p) : Bytes.be16(d, p);
      if (tag == 0x0112) {
        return le ? Bytes.le16(d, p + 8) : Bytes.be16(d, p + 8);
      }
    }
    return 1;
  }
}
