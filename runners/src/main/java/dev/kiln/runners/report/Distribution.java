package dev.kiln.runners.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Values of one measure (a size, a width, a length) gathered one at a time, summarized as a
 * histogram of at most a few dozen bins and a few quantiles: what the report draws, whatever the
 * number of values.
 */
final class Distribution {
  private double[] values = new double[1024];
  private int size;

  void add(double v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
    sorted = false;
  }

  int count() {
    return size;
  }

  double sum() {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += values[i];
    }
    return s;
  }

  /** The value at quantile {@code q} (0 to 1; nearest rank); NaN when empty. */
  double quantile(double q) {
    if (size == 0) {
      return Double.NaN;
    }
    sort();
    int i = (int) Math.min(size - 1, Math.max(0, Math.ceil(q * size) - 1));
    return values[i];
  }

  private boolean sorted;

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }

  /** One bar of a histogram: values in {@code [from, to)} ({@code to} included in the last bin). */
  record Bin(double from, double to, long count) {}

  /**
   * The values as at most {@code maxBins} bins of equal width, or of equal width in log scale when
   * the values span more than a factor of 32 and are all positive (file sizes); integers get bins
   * of whole numbers. One bin when all values are equal; none when there are none.
   */
  List<Bin> histogram(int maxBins, boolean integers) {
    List<Bin> bins = new ArrayList<>();
    if (size == 0) {
      return bins;
    }
    sort();
    double min = values[0];
    double max = values[size - 1];
    if (min == max) {
      bins.add(new Bin(min, max, size));
      return bins;
    }
    // Zeros (empty files, samples without boxes) get a bin of their own before log-scaled bins.
    int zeros = min == 0 ? upperBound(Double.MIN_VALUE) : 0;
    if (zeros > 0 && zeros < size && max / values[zeros] > 32 && maxBins > 1) {
      bins.add(new Bin(0, 0, zeros));
      bins.addAll(logBins(zeros, maxBins - 1));
      return bins;
    }
    if (min > 0 && max / min > 32) {
      return logBins(0, maxBins);
    }
    int n;
    double width;
    if (integers && max - min + 1 <= maxBins) {
      n = (int) (max - min + 1);
      width = 1;
    } else if (integers) {
      width = Math.ceil((max - min + 1) / maxBins);
      n = (int) Math.ceil((max - min + 1) / width);
    } else {
      n = maxBins;
      width = (max - min) / n;
    }
    double[] edges = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      edges[i] = min + width * i;
    }
    edges[0] = min;
    // The values are sorted: each bin's count is where its upper edge falls.
    int from = 0;
    for (int i = 0; i < n; i++) {
      int to = i == n - 1 ? size : upperBound(edges[i + 1]);
      bins.add(new Bin(edges[i], i == n - 1 ? Math.max(edges[n], max) : edges[i + 1], to - from));
      from = to;
    }
    return bins;
  }

  /** Bins of equal width in log scale over the values from index {@code from} on (all positive). */
  private List<Bin> logBins(int from, int n) {
    double a = Math.log(values[from]);
    double b = Math.log(values[size - 1]);
    List<Bin> bins = new ArrayList<>(n);
    int start = from;
    for (int i = 0; i < n; i++) {
      double lo = i == 0 ? values[from] : Math.exp(a + (b - a) * i / n);
      double hi = i == n - 1 ? values[size - 1] : Math.exp(a + (b - a) * (i + 1) / n);
      int end = i == n - 1 ? size : upperBound(hi);
      bins.add(new Bin(lo, hi, end - start));
      start = end;
    }
    return bins;
  }

  /** The first index whose value is not below {@code v}. */
  private int upperBound(double v) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
