package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Histograms and quantiles the report draws: every value in exactly one bin. */
class DistributionTest {
  static long total(List<Distribution.Bin> bins) {
    return bins.stream().mapToLong(Distribution.Bin::count).sum();
  }

  @Test
  void smallIntegersGetOneBinPerNumber() {
    Distribution d = new Distribution();
    for (int v : new int[] {0, 0, 1, 3, 3, 3}) {
      d.add(v);
    }
    List<Distribution.Bin> bins = d.histogram(30, true);
    assertEquals(4, bins.size());
    assertEquals(List.of(2L, 1L, 0L, 3L), bins.stream().map(Distribution.Bin::count).toList());
    assertEquals(0, bins.get(0).from());
    assertEquals(4, bins.get(3).to());
    assertEquals(3, d.quantile(1));
    assertEquals(1, d.quantile(0.5));
  }

  @Test
  void valuesSpanningOrdersOfMagnitudeGetLogarithmicBins() {
    Distribution d = new Distribution();
    for (long v = 100; v <= 100_000_000; v *= 10) {
      d.add(v);
    }
    List<Distribution.Bin> bins = d.histogram(7, false);
    assertEquals(7, bins.size());
    assertEquals(7, total(bins));
    // Equal widths in log scale: each bin spans the same factor.
    double factor = bins.get(0).to() / bins.get(0).from();
    for (Distribution.Bin b : bins) {
      assertEquals(factor, b.to() / b.from(), 1e-6);
      assertEquals(1, b.count(), b.toString());
    }
  }

  @Test
  void zerosGetTheirOwnBinBeforeLogarithmicOnes() {
    Distribution d = new Distribution();
    for (double v : new double[] {0, 0, 0, 10, 100, 1000, 10_000}) {
      d.add(v);
    }
    List<Distribution.Bin> bins = d.histogram(5, true);
    assertEquals(new Distribution.Bin(0, 0, 3), bins.get(0));
    assertEquals(5, bins.size());
    assertEquals(7, total(bins));
    assertEquals(10, bins.get(1).from());
    assertEquals(10_000, bins.get(4).to());
  }

  @Test
  void integerRangesThatDivideEvenlyStayWithinTheBinsAskedFor() {
    for (int range : new int[] {30, 31, 59, 60, 61, 89, 90, 1000}) {
      Distribution d = new Distribution();
      for (int v = 0; v <= range; v++) {
        d.add(100 + v);
      }
      List<Distribution.Bin> bins = d.histogram(30, true);
      assertTrue(bins.size() <= 30, range + ": " + bins.size() + " bins");
      assertEquals(range + 1, total(bins), "every value once, range " + range);
    }
  }

  @Test
  void aMillionValuesFitInTheBinsAskedForAndEqualValuesInOne() {
    Distribution d = new Distribution();
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < 1_000_000; i++) {
      d.add(1000 + r.nextInt(20_000));
    }
    List<Distribution.Bin> bins = d.histogram(30, true);
    assertTrue(bins.size() <= 30, bins.size() + " bins");
    assertEquals(1_000_000, total(bins));
    Distribution same = new Distribution();
    same.add(256);
    same.add(256);
    assertEquals(List.of(new Distribution.Bin(256, 256, 2)), same.histogram(30, true));
    assertEquals(List.of(), new Distribution().histogram(30, true));
  }
}
