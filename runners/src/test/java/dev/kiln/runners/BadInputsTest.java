package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dirty input folder: truncated uploads, HTML saved as .jpg, decompression bombs, broken
 * encodings, links to nowhere, odd file names. The job completes, every input is written or
 * rejected exactly once with the expected reason, and the dataset verifies.
 */
class BadInputsTest {
  static final Path SHARED = Path.of("../../shared/data").toAbsolutePath().normalize();
  static final Path SAMPLES = PrepareCommandTest.SAMPLES;
  static final Path RESOURCES = Path.of("src/test/resources/bad-inputs").toAbsolutePath();

  @TempDir Path tmp;

  /** Expected outcome per key: "written" or the rejection reason. */
  final Map<String, String> expected = new HashMap<>();

  void file(String name, byte[] bytes, String outcome) throws IOException {
    Path p = tmp.resolve("in").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    expected.put(name.substring(0, name.lastIndexOf('.')), outcome);
  }

  static byte[] truncate(byte[] bytes, double fraction) {
    return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
  }

  @Test
  void everyBadInputIsRejectedWithItsReasonAndTheRestIsWritten() throws Exception {
    if (!Files.isDirectory(SHARED)) {
      throw new IllegalStateException(
          "test data missing: " + SHARED + " (../shared beside the checkout)");
    }
    byte[] jpeg = Files.readAllBytes(SAMPLES.resolve("food/coffee.jpg"));
    byte[] png = Files.readAllBytes(SAMPLES.resolve("misc/camera-gray.png"));
    byte[] webp = Files.readAllBytes(RESOURCES.resolve("chelsea-small.webp"));
    byte[] webpAlpha = Files.readAllBytes(RESOURCES.resolve("chelsea-small-lossless-alpha.webp"));

    file("good/coffee.jpg", jpeg, "written");
    file("good/camera.png", png, "written");
    file("good/chelsea.webp", webp, "written");
    file("good/chelsea-alpha.webp", webpAlpha, "written");
    file("names/with space 'and' \"quotes\".jpg", jpeg, "written");
    file("names/ünïcødé-日本語.jpg", jpeg, "written");

    for (double f : new double[] {0.1, 0.5, 0.9, 0.97}) {
      int pct = (int) (f * 100);
      file("truncated/jpeg-" + pct + ".jpg", truncate(jpeg, f), "truncated");
      file("truncated/png-" + pct + ".png", truncate(png, f), "truncated");
      file("truncated/webp-" + pct + ".webp", truncate(webp, f), "truncated");
    }
    file("empty/zero.jpg", new byte[0], "empty-file");
    Random random = new Random(42);
    byte[] noise = new byte[5000];
    random.nextBytes(noise);
    noise[0] = 0x13; // not accidentally a known signature
    file("not-images/noise.jpg", noise, "not-an-image");
    file(
        "not-images/notes.jpg",
        "just some text\n".getBytes(StandardCharsets.UTF_8),
        "not-an-image");
    file(
        "not-images/page.png",
        "<!DOCTYPE html><html><body>404</body></html>".getBytes(StandardCharsets.UTF_8),
        "not-an-image");
    file(
        "not-images/doc.jpg",
        "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1),
        "not-an-image");
    file("not-images/archive.png", zip(), "not-an-image");
    file("bombs/huge-header.png", pngHeader(100_000, 100_000), "too-many-pixels");
    file("bombs/gif-bomb.gif", gifBomb(), "too-many-pixels");
    file("limits/slow.jpg", jpeg, "written");

    Path pngsuite = SHARED.resolve("pngsuite");
    try (Stream<Path> files = Files.list(pngsuite)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("png_x")).toList()) {
        file("pngsuite/" + p.getFileName(), Files.readAllBytes(p), "rejected");
      }
    }
    for (String broken : List.of("broken-bogus-segment-length.jpg", "broken-sos-before-sof.jpg")) {
      file(
          "jpeg-odd/" + broken,
          Files.readAllBytes(SHARED.resolve("jpeg-odd").resolve(broken)),
          "corrupt");
    }
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("links"));
    Files.createSymbolicLink(
        in.resolve("links/dangling.jpg"), Path.of("/nonexistent/kiln-test.jpg"));
    expected.put("links/dangling", "dangling-symlink");
    Files.createSymbolicLink(in.resolve("links/loop"), Path.of(".."));
    expected.put("links/loop", "symlink-loop");
    Files.createSymbolicLink(in.resolve("links/coffee-link.jpg"), in.resolve("good/coffee.jpg"));
    expected.put("links/coffee-link", "written");

    Path out = tmp.resolve("out");
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln(
            "prepare", "--input=" + in, "--output=" + out, "--max-reject-fraction=1");
    assertEquals(0, run.code(), run.out() + run.err());

    Manifest manifest = Manifest.readFrom(out);
    assertEquals(expected.size(), manifest.inputs(), "every input counted once");
    assertEquals(manifest.inputs(), manifest.written() + manifest.rejected());

    Map<String, Rejection> rejects = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve("rejects/rejects.jsonl"))) {
      Rejection r = Rejection.fromJsonLine(line);
      assertEquals(null, rejects.put(r.key(), r), "rejected once: " + r.key());
      assertTrue(!r.message().isBlank() && !r.stage().isBlank(), line);
    }
    Set<String> written = new HashSet<>();
    try (KilnDataset ds = KilnDataset.open(out)) {
      written.addAll(ds.keys());
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String key = e.getKey();
      if (e.getValue().equals("written")) {
        assertTrue(written.contains(key), key + " written; rejects: " + rejects.get(key));
      } else {
        Rejection r = rejects.get(key);
        assertTrue(r != null, key + " rejected");
        if (!e.getValue().equals("rejected")) {
          assertEquals(e.getValue(), r.reason(), key + ": " + r.message());
        }
        assertTrue(!written.contains(key), key + " not also written");
      }
    }
    assertEquals(written.size() + rejects.size(), expected.size());
    assertEquals(List.of(), DatasetVerifier.verify(out));
  }

  @Test
  void limitsRejectOversizedFilesAndSlowDecodesAndTheWorkerGoesOn() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.copy(SAMPLES.resolve("people/astronaut.jpg"), in.resolve("big.jpg"));
    Path out = tmp.resolve("out");
    PrepareCommandTest.Run tooLarge =
        PrepareCommandTest.kiln(
            "prepare",
            "--input=" + in,
            "--output=" + out,
            "--max-reject-fraction=1",
            "--max-file-bytes=1000");
    assertEquals(0, tooLarge.code(), tooLarge.err());
    assertEquals(Map.of("file-too-large", 1L), Manifest.readFrom(out).rejectedByReason());

    // Large enough (25 MP) that no decode can finish before the worker starts waiting for it, even
    // on a loaded machine; a small photo sometimes did, and was written within the 0.1 ms limit.
    writeLargeJpeg(in.resolve("other.jpg"), 5000, 5000);
    Files.delete(in.resolve("big.jpg"));
    writeLargeJpeg(in.resolve("big.jpg"), 5000, 5000);
    PrepareCommandTest.Run slow =
        PrepareCommandTest.kiln(
            "prepare",
            "--input=" + in,
            "--output=" + out,
            "--overwrite",
            "--max-reject-fraction=1",
            "--decode-timeout=0.0001");
    assertEquals(0, slow.code(), slow.err());
    Manifest m = Manifest.readFrom(out);
    assertEquals(2, m.inputs());
    assertEquals(
        Map.of("decode-timeout", 2L),
        m.rejectedByReason(),
        "both timed out, neither hung the worker");
  }

  /** A {@code width} x {@code height} JPEG of a pattern that does not compress to nothing. */
  static void writeLargeJpeg(Path file, int width, int height) throws IOException {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x * 7) ^ (y * 13)) * 0x010101 + (x * y) % 251);
      }
    }
    if (!javax.imageio.ImageIO.write(image, "jpeg", file.toFile())) {
      throw new IOException("no JPEG writer");
    }
  }

  static byte[] zip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("a.txt"));
      z.write("zip content".getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return bytes.toByteArray();
  }

  /** A PNG signature and an IHDR chunk (valid CRC) declaring width x height, and nothing else. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13);
    int typeAt = b.position();
    b.put("IHDR".getBytes(StandardCharsets.US_ASCII));
    b.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(b.array(), typeAt, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** A tiny GIF whose logical screen and image declare 65535 x 65535 pixels. */
  static byte[] gifBomb() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
    b.putShort((short) 0xFFFF)
        .putShort((short) 0xFFFF)
        .put((byte) 0x80)
        .put((byte) 0)
        .put((byte) 0);
    b.put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255}); // 2-colour table
    b.put((byte) 0x2C)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0xFFFF)
        .putShort((short) 0xFFFF)
        .put((byte) 0);
    b.put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
    return Arrays.copyOf(b.array(), b.position());
  }
}
