package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calling libjpeg directly must be invisible in the output: for every image and quality, {@link
 * JpegEncoder} writes the same bytes through {@link LibJpegCompressor} as through ImageIO's writer.
 * Runs where the JDK's libjpeg (libjpeg62-turbo) loads, as on Debian's OpenJDK; elsewhere Kiln only
 * ever encodes through ImageIO.
 */
class LibJpegCompressorTest {

  @BeforeAll
  static void needsLibrary() {
    assertTrue(
        LibJpegCompressor.available(),
        "libjpeg not bound (install libturbojpeg0): " + LibJpegCompressor.unavailableReason());
  }

  @Test
  void sameBytesAsImageIoForOddSizesAndQualities() throws IOException {
    int[][] sizes = {{1, 1}, {7, 9}, {17, 13}, {256, 256}, {333, 251}, {15, 200}, {640, 8}};
    for (int quality : new int[] {1, 30, 75, 90, 100}) {
      try (JpegEncoder direct = new JpegEncoder(quality, true);
          JpegEncoder imageIo = new JpegEncoder(quality, false)) {
        for (int[] s : sizes) {
          RgbImage img = TestImages.photoLike(s[0], s[1], s[0] * 131L + s[1] + quality);
          assertArrayEquals(
              imageIo.encode(img),
              direct.encode(img),
              s[0] + "x" + s[1] + " at quality " + quality);
        }
      }
    }
  }

  @Test
  void sameBytesAsImageIoForThePreparedSamples() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("../samples/images"))) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    assertTrue(files.size() >= 5, "expected the sample images, found " + files);
    // The images Kiln actually encodes: each sample prepared at the default size, kept raw.
    ImagePreparer preparer =
        new ImagePreparer(PrepareSettings.defaults().withEncoding(Encoding.RAW));
    try (JpegEncoder direct = new JpegEncoder(90, true);
        JpegEncoder imageIo = new JpegEncoder(90, false)) {
      int compared = 0;
      for (Path f : files) {
        PreparedImage raw;
        try {
          raw = preparer.prepare(Files.readAllBytes(f));
        } catch (ImageRejectedException e) {
          continue; // a sample that is meant to be rejected
        }
        if (raw.channels() != 3) {
          continue;
        }
        RgbImage small = new RgbImage(raw.width(), raw.height(), raw.bytes());
        assertArrayEquals(imageIo.encode(small), direct.encode(small), f.toString());
        compared++;
      }
      assertTrue(compared >= 5, "only " + compared + " samples compared");
    }
  }

  @Test
  void noiseThatOutgrowsTheFirstBufferIsWhole() throws IOException {
    // Random pixels at quality 100 compress to more than the raw size: libjpeg moves to a
    // buffer of its own, which must come back complete and be freed.
    SplittableRandom random = new SplittableRandom(7);
    byte[] rgb = new byte[300 * 200 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) random.nextInt(256);
    }
    RgbImage noise = new RgbImage(300, 200, rgb);
    try (JpegEncoder direct = new JpegEncoder(100, true);
        JpegEncoder imageIo = new JpegEncoder(100, false)) {
      byte[] expected = imageIo.encode(noise);
      assertTrue(expected.length > rgb.length, "noise should not compress: " + expected.length);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(expected, direct.encode(noise), "round " + i);
      }
    }
  }

  @Test
  void oneCompressorEncodesImagesOfChangingSizes() throws IOException {
    try (JpegEncoder direct = new JpegEncoder(90, true);
        JpegEncoder imageIo = new JpegEncoder(90, false)) {
      for (int i = 0; i < 20; i++) {
        int w = 1 + (i * 37) % 300;
        int h = 1 + (i * 53) % 200;
        RgbImage img = TestImages.photoLike(w, h, i);
        assertArrayEquals(imageIo.encode(img), direct.encode(img), w + "x" + h);
      }
    }
  }

  @Test
  void refusesParametersLibjpegWouldEndTheProcessFor() {
    try (LibJpegCompressor compressor = new LibJpegCompressor()) {
      assertThrows(
          IllegalArgumentException.class, () -> compressor.compress(new byte[3], 1, 1, 0, 12));
      assertThrows(
          IllegalArgumentException.class, () -> compressor.compress(new byte[3], 1, 1, 7, 256));
      assertThrows(
          IllegalArgumentException.class, () -> compressor.compress(new byte[2], 1, 1, 7, 12));
      assertThrows(
          IllegalArgumentException.class,
          () -> compressor.compress(new byte[3 * 65501], 65501, 1, 7, 12));
      byte[] jpeg = compressor.compress(new byte[] {10, 20, 30}, 1, 1, 7, 12);
      assertEquals(0xD8FF, (jpeg[1] & 0xFF) << 8 | (jpeg[0] & 0xFF), "starts with SOI");
      assertEquals(
          0xD9FF,
          (jpeg[jpeg.length - 1] & 0xFF) << 8 | (jpeg[jpeg.length - 2] & 0xFF),
          "ends with EOI");
    }
  }
}
