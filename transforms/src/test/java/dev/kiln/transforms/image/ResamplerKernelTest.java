package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resampler's row kernels: the plain-Java kernel against a direct formula, and the Vector API
 * kernel against the plain one. Surefire's JVM has no {@code jdk.incubator.vector}, so the vector
 * side runs in a child JVM started with the module ({@link VectorKernelCheck}); that also covers
 * the run-time choice and the {@code kiln.resample.scalar} override. Both kernels also run the
 * randomised and edge-shape cases of {@link RowKernelCases} against the formula.
 */
class ResamplerKernelTest {

  @Test
  void scalarKernelMatchesTheFormula() {
    Random rnd = new Random(3);
    byte[] in = new byte[9 * 257];
    rnd.nextBytes(in);
    int[] weights = {-900, 1800, 7000, 9000, -1500, 600, -1622, 400, 3000};
    RowKernel k = new ScalarRowKernel();
    for (int taps = 1; taps <= weights.length; taps++) {
      for (int len : new int[] {1, 13, 257}) {
        byte[] out = new byte[len + 2];
        k.row(in, 0, 257, weights, 0, taps, out, 1, len);
        for (int x = 0; x < len; x++) {
          int acc = 1 << 13;
          for (int t = 0; t < taps; t++) {
            acc += (in[t * 257 + x] & 0xFF) * weights[t];
          }
          assertEquals(
              Math.max(0, Math.min(255, acc >> 14)), out[1 + x] & 0xFF, "taps " + taps + " x " + x);
        }
        assertEquals(0, out[0]);
        assertEquals(0, out[len + 1]);
      }
    }
  }

  @Test
  void scalarKernelMatchesTheFormulaOnRandomAndEdgeShapes() {
    assertNull(RowKernelCases.check(new ScalarRowKernel(), null, 11, 4000));
  }

  @Test
  void kernelInUseGivesTheScalarKernelsPixels() {
    RgbImage photo = TestImages.photoLike(517, 389, 4);
    RowKernel scalar = new ScalarRowKernel();
    assertArrayEquals(
        Lanczos.lanczos(photo, 13.25, 0, 389, 389, 256, 256, scalar).rgb(),
        Lanczos.lanczos(photo, 13.25, 0, 389, 389, 256, 256, Lanczos.kernel()).rgb());
  }

  @Test
  void transposeIsItsOwnInverse() {
    byte[] rgb = new byte[37 * 71 * 3];
    new Random(5).nextBytes(rgb);
    byte[] t = Lanczos.transpose(rgb, 37, 71);
    RgbImage img = new RgbImage(37, 71, rgb);
    RgbImage timg = new RgbImage(71, 37, t);
    assertEquals(img.pixel(36, 70), timg.pixel(70, 36));
    assertEquals(img.pixel(5, 9), timg.pixel(9, 5));
    assertArrayEquals(rgb, Lanczos.transpose(t, 71, 37));
  }

  @Test
  void tapTablesAreReusedAndAreWhatComputingThemAnewGives() {
    Lanczos.Taps first = Lanczos.taps(517, 63.25, 375.5, 256);
    assertTrue(first == Lanczos.taps(517, 63.25, 375.5, 256), "the same table again");
    Lanczos.Taps fresh = Lanczos.computeTaps(517, 63.25, 375.5, 256);
    assertArrayEquals(fresh.start, first.start);
    assertArrayEquals(fresh.count, first.count);
    assertArrayEquals(fresh.weights, first.weights);
    assertEquals(fresh.stride, first.stride);
    // Any input that differs, even in the last bit of the window, has a table of its own.
    assertTrue(first != Lanczos.taps(517, Math.nextUp(63.25), 375.5, 256));
    assertTrue(first != Lanczos.taps(518, 63.25, 375.5, 256));
    // Past the bound the recent tables are dropped and made again, equal to the first.
    for (int len = 300; len < 2300; len++) {
      Lanczos.taps(4000, 0, len, 1024);
    }
    Lanczos.Taps again = Lanczos.taps(517, 63.25, 375.5, 256);
    assertArrayEquals(first.weights, again.weights);
    assertArrayEquals(first.start, again.start);
  }

  @Test
  void tapWeightsFollowTheLanczosFormula() {
    // Down- and upscales, a window inside the axis, and one reaching past both edges.
    double[][] cases = {
      {517, 13.25, 389, 256},
      {300, 0, 300, 256},
      {1200, 100, 1000, 256},
      {40, 0, 40, 256},
      {64, -5, 74, 33}
    };
    for (double[] c : cases) {
      int srcLen = (int) c[0];
      int outLen = (int) c[3];
      Lanczos.Taps t = Lanczos.taps(srcLen, c[1], c[2], outLen);
      double scale = outLen / c[2];
      double filterScale = Math.max(1.0, 1.0 / scale);
      for (int i = 0; i < outLen; i++) {
        double centre = c[1] + (i + 0.5) / scale;
        double[] expected = new double[srcLen];
        double sum = 0;
        for (int j = (int) Math.floor(centre - 3 * filterScale);
            j <= Math.ceil(centre + 3 * filterScale);
            j++) {
          double v = Lanczos.lanczos3((j + 0.5 - centre) / filterScale);
          expected[Math.max(0, Math.min(srcLen - 1, j))] += v;
          sum += v;
        }
        int total = 0;
        int largest = 0;
        for (int k = 0; k < t.count[i]; k++) {
          if (Math.abs(t.weights[i * t.stride + k]) > Math.abs(t.weights[i * t.stride + largest])) {
            largest = k;
          }
        }
        for (int k = 0; k < t.count[i]; k++) {
          int weight = t.weights[i * t.stride + k];
          total += weight;
          double want = expected[t.start[i] + k] / sum * (1 << RowKernel.PRECISION);
          // Rounding; the largest weight also takes the residue that keeps the sum exact.
          double tolerance = k == largest ? 0.5 * t.count[i] + 1 : 0.5 + 1e-6;
          assertTrue(
              Math.abs(weight - want) <= tolerance,
              java.util.Arrays.toString(c)
                  + " output "
                  + i
                  + " tap "
                  + k
                  + ": "
                  + weight
                  + " vs "
                  + want);
        }
        assertEquals(1 << RowKernel.PRECISION, total, "weights of output " + i + " sum to one");
      }
    }
  }

  @Test
  void transposeMovesEveryPixelAtEdgeAndBlockSizes() {
    Random rnd = new Random(11);
    int[] lengths = {1, 2, 3, 31, 32, 33, 64, 65, 97};
    for (int w : lengths) {
      for (int h : lengths) {
        byte[] rgb = new byte[w * h * 3];
        rnd.nextBytes(rgb);
        byte[] t = Lanczos.transpose(rgb, w, h);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int c = 0; c < 3; c++) {
              assertEquals(
                  rgb[(y * w + x) * 3 + c],
                  t[(x * h + y) * 3 + c],
                  w + "x" + h + " at " + x + "," + y);
            }
          }
        }
      }
    }
  }

  @Test
  void vectorKernelIsChosenWithTheModuleAndAgreesWithScalar() throws Exception {
    String out = runChild(false);
    assertTrue(out.contains("kernel=vector"), out);
    assertTrue(out.contains("warm=true"), "rows go to the vector kernel after its warm-up: " + out);
    assertTrue(out.contains("identical=true"), out);
    assertTrue(out.contains("random=PASS"), out);
  }

  @Test
  void systemPropertyForcesTheScalarKernel() throws Exception {
    String out = runChild(true);
    assertTrue(out.contains("kernel=scalar"), out);
  }

  private static String runChild(boolean forceScalar) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    if (forceScalar) {
      cmd.add("-Dkiln.resample.scalar=true");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(VectorKernelCheck.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
