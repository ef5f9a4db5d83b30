package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The C resampler must be invisible in the output: on every image shape, window and scale, its
 * passes and box reduction give the Java ones' bytes. Runs where the build compiled the library
 * (any machine with a C compiler, which {@code runners/native-libs.sh} installs for CI); elsewhere
 * Kiln only ever runs the Java passes, so there is nothing to compare.
 */
class NativeResamplerTest {
  private static final RowKernel SCALAR = new ScalarRowKernel();

  @Test
  void aMachineWithACCompilerHasTheLibrary() {
    assertTrue(
        onPath("cc") || onPath("gcc"),
        "no C compiler: install gcc (runners/native-libs.sh does) and rebuild");
    assertTrue(
        NativeResampler.available(),
        "a C compiler is installed but: " + NativeResampler.unavailableReason());
  }

  @Test
  void resamplingRunsInCWhereTheLibraryLoads() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    assertInstanceOf(NativeResampler.class, Lanczos.resampler());
  }

  @Test
  void lanczosGivesTheJavaPassesBytes() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    // {source w, h, window x0, y0, w, h, output w, h}: down- and upscales, crops, windows
    // reaching past the edges, one-pixel images and outputs, odd widths around vector sizes.
    double[][] cases = {
      {517, 389, 64, 0, 389, 389, 256, 256},
      {500, 375, 0, 0, 500, 375, 341, 256},
      {1201, 803, 13.25, 7.5, 1100.5, 790, 300, 200},
      {97, 61, 0, 0, 97, 61, 256, 171},
      {640, 480, 0, 0, 640, 480, 33, 17},
      {1, 1, 0, 0, 1, 1, 256, 256},
      {3, 200, 0, 0, 3, 200, 1, 64},
      {333, 251, -20, -10, 373, 271, 256, 256},
      {256, 256, 0.5, 0.25, 255, 255.5, 256, 256},
      {1920, 1080, 420, 0, 1080, 1080, 31, 31},
    };
    for (double[] c : cases) {
      RgbImage src = TestImages.photoLike((int) c[0], (int) c[1], (long) (c[0] * 7 + c[1]));
      byte[] inJava =
          Lanczos.lanczos(src, c[2], c[3], c[4], c[5], (int) c[6], (int) c[7], SCALAR).rgb();
      byte[] inC = Lanczos.lanczos(src, c[2], c[3], c[4], c[5], (int) c[6], (int) c[7]).rgb();
      assertArrayEquals(inJava, inC, () -> "case " + Arrays.toString(c));
    }
  }

  @Test
  void lanczosGivesTheJavaPassesBytesOnRandomNoise() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    // Noise drives the sums to both clamps (negative lobes over dark, overshoot over light).
    Random rnd = new Random(17);
    for (int round = 0; round < 60; round++) {
      RgbImage src = noise(rnd, 700, 500);
      int w = src.width();
      int h = src.height();
      double x0 = rnd.nextDouble() * w / 3;
      double y0 = rnd.nextDouble() * h / 3;
      double ww = Math.max(0.5, rnd.nextDouble() * (w - x0));
      double wh = Math.max(0.5, rnd.nextDouble() * (h - y0));
      int outW = 1 + rnd.nextInt(300);
      int outH = 1 + rnd.nextInt(300);
      String what =
          w
              + "x"
              + h
              + " window "
              + x0
              + ","
              + y0
              + " "
              + ww
              + "x"
              + wh
              + " to "
              + outW
              + "x"
              + outH;
      assertArrayEquals(
          Lanczos.lanczos(src, x0, y0, ww, wh, outW, outH, SCALAR).rgb(),
          Lanczos.lanczos(src, x0, y0, ww, wh, outW, outH).rgb(),
          what);
    }
  }

  @Test
  void boxReductionGivesTheJavaBytes() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    Random rnd = new Random(23);
    for (int round = 0; round < 40; round++) {
      RgbImage src = noise(rnd, 900, 700);
      int w = src.width();
      int h = src.height();
      int rx = rnd.nextInt(w);
      int ry = rnd.nextInt(h);
      int rw = 1 + rnd.nextInt(w - rx);
      int rh = 1 + rnd.nextInt(h - ry);
      int fx = 1 + rnd.nextInt(9);
      int fy = 1 + rnd.nextInt(9);
      RgbImage java = new JavaResampler(SCALAR).boxReduce(src, rx, ry, rw, rh, fx, fy);
      RgbImage c = new NativeResampler().boxReduce(src, rx, ry, rw, rh, fx, fy);
      assertEquals(java.width(), c.width());
      assertEquals(java.height(), c.height());
      assertArrayEquals(
          java.rgb(),
          c.rgb(),
          "region " + rx + "," + ry + " " + rw + "x" + rh + " by " + fx + "x" + fy);
    }
  }

  @Test
  void largeReductionsTakeTheBoxThenLanczosAsInJava() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    RgbImage photo = TestImages.photoLike(2400, 1600, 9);
    RgbImage reduced = new JavaResampler(SCALAR).boxReduce(photo, 0, 0, 2400, 1600, 3, 3);
    RgbImage java = Lanczos.lanczos(reduced, 0, 0, 800, 1600 / 3.0, 256, 171, SCALAR);
    assertArrayEquals(java.rgb(), Lanczos.resample(photo, 0, 0, 2400, 1600, 256, 171).rgb());
  }

  @Test
  void tablesReachingOutsideTheImageAreRefusedNotRead() {
    assertTrue(
        NativeResampler.available(),
        "no native resampler (install gcc and rebuild): " + NativeResampler.unavailableReason());
    RgbImage src = TestImages.photoLike(40, 30, 1);
    Lanczos.Taps hx = Lanczos.taps(40, 0, 40, 20);
    Lanczos.Taps vy = Lanczos.taps(30, 0, 30, 15);
    vy.start[14] = 29; // its taps now run past the last row
    assertThrows(
        IllegalStateException.class,
        () -> new NativeResampler().lanczos(src, hx, vy, 0, 40, 20, 15));
    Lanczos.Taps vyOk = Lanczos.taps(30, 0, 30, 15);
    // Columns outside those the caller says the horizontal taps read.
    assertThrows(
        IllegalStateException.class,
        () -> new NativeResampler().lanczos(src, hx, vyOk, 5, 30, 20, 15));
    assertThrows(
        IllegalStateException.class,
        () -> new NativeResampler().boxReduce(src, 30, 0, 11, 30, 2, 2));
  }

  /** An image of random bytes, 1 to {@code maxW} by 1 to {@code maxH} pixels. */
  private static RgbImage noise(Random rnd, int maxW, int maxH) {
    int w = 1 + rnd.nextInt(maxW);
    int h = 1 + rnd.nextInt(maxH);
    byte[] rgb = new byte[w * h * 3];
    rnd.nextBytes(rgb);
    return new RgbImage(w, h, rgb);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
