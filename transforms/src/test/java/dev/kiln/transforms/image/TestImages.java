package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/** Shared fixtures: the shared test data folders, and synthetic images made on the fly. */
final class TestImages {
  /** Maven runs tests with cwd = the module dir; shared/ sits beside the checkout. */
  static final Path SHARED = Path.of("../../shared/data");

  private TestImages() {}

  static Path sharedDir(String name) {
    Path dir = SHARED.resolve(name);
    if (!Files.isDirectory(dir)) {
      fail(
          "test data folder missing: "
              + dir.toAbsolutePath().normalize()
              + " (expected shared/data/"
              + name
              + " beside the checkout)");
    }
    return dir;
  }

  static List<Path> list(String dir, String suffix) {
    try (Stream<Path> s = Files.list(sharedDir(dir))) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().endsWith(suffix))
              .sorted()
              .collect(Collectors.toList());
      if (files.isEmpty()) {
        fail("no " + suffix + " files in " + sharedDir(dir).toAbsolutePath());
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] jpegOdd(String name) {
    Path p = sharedDir("jpeg-odd").resolve(name);
    if (!Files.isRegularFile(p)) {
      fail("missing test file " + p.toAbsolutePath().normalize());
    }
    return read(p);
  }

  /** Photograph-like content: smooth gradients, edges and deterministic noise. */
  static RgbImage photoLike(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    java.util.Random rnd = new java.util.Random(seed);
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double fx = (double) x / w;
        double fy = (double) y / h;
        int r = (int) (128 + 100 * Math.sin(fx * 7 + fy * 3));
        int g = (int) (128 + 100 * Math.cos(fy * 9 - fx * 2));
        int b = (int) (255 * fx * fy);
        if ((x / 37 + y / 23) % 5 == 0) {
          r = 255 - r;
        }
        int n = rnd.nextInt(21) - 10;
        rgb[o++] = (byte) clamp(r + n);
        rgb[o++] = (byte) clamp(g + n);
        rgb[o++] = (byte) clamp(b + n);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** Mean of one channel (0=R, 1=G, 2=B) over the whole image. */
  static double mean(RgbImage img, int channel) {
    long sum = 0;
    byte[] d = img.rgb();
    for (int i = channel; i < d.length; i += 3) {
      sum += d[i] & 0xFF;
    }
    return (double) sum / (img.width() * img.height());
  }

  /** Decodes an encoded JPEG/PNG through Kiln's own registry (never ImageIO's global one). */
  static RgbImage decode(byte[] encoded) throws ImageRejectedException {
    ImageDecoder.Decoded d = new ImageDecoder(Long.MAX_VALUE).decode(encoded);
    return ColourConverter.toRgb(d.image(), 0xFFFFFF).image();
  }

  /** A PNG chunk with a correct CRC. */
  static byte[] pngChunk(String type, byte[] data) {
    byte[] out = new byte[12 + data.length];
    int n = data.length;
    out[0] = (byte) (n >>> 24);
    out[1] = (byte) (n >>> 16);
    out[2] = (byte) (n >>> 8);
    out[3] = (byte) n;
    for (int i = 0; i < 4; i++) {
      out[4 + i] = (byte) type.charAt(i);
    }
    System.arraycopy(data, 0, out, 8, n);
    CRC32 crc = new CRC32();
    crc.update(out, 4, 4 + n);
    long c = crc.getValue();
    out[8 + n] = (byte) (c >>> 24);
    out[9 + n] = (byte) (c >>> 16);
    out[10 + n] = (byte) (c >>> 8);
    out[11 + n] = (byte) c;
    return out;
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  static byte[] ihdr(int w, int h, int depth, int colourType) {
    return pngChunk(
        "IHDR",
        new byte[] {
          (byte) (w >>> 24),
          (byte) (w >>> 16),
          (byte) (w >>> 8),
          (byte) w,
          (byte) (h >>> 24),
          (byte) (h >>> 16),
          (byte) (h >>> 8),
          (byte) h,
          (byte) depth,
          (byte) colourType,
          0,
          0,
          0
        });
  }

  /** A PNG built from raw scanlines (filter byte 0 is prepended per row). */
  static byte[] png(int w, int h, int depth, int colourType, int bytesPerRow, byte[] rows) {
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    for (int y = 0; y < h; y++) {
      raw.write(0);
      raw.write(rows, y * bytesPerRow, bytesPerRow);
    }
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream dz = new java.util.zip.DeflaterOutputStream(z)) {
      dz.write(raw.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return concat(
        PNG_SIGNATURE,
        ihdr(w, h, depth, colourType),
        pngChunk("IDAT", z.toByteArray()),
        pngChunk("IEND", new byte[0]));
  }
}
