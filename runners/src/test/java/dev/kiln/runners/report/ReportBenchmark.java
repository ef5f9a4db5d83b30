package dev.kiln.runners.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The report's figures, printed ({@code runners/bench/bench-report.sh}): a million-sample report's
 * size and the time to build it from its rows, the time headless Chromium takes to load and paint
 * it from disk, and the time {@code kiln report} takes on each dataset named.
 *
 * <p>Usage: {@code ReportBenchmark WORK_DIR ROUNDS [DATASET ...]}.
 */
public final class ReportBenchmark {
  private ReportBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Files.createDirectories(work);

    long t0 = System.nanoTime();
    DatasetReport.Content content = MillionSampleReport.content(work);
    long t1 = System.nanoTime();
    String html = ReportPage.render(content);
    long t2 = System.nanoTime();
    Path page = work.resolve("million.html");
    Files.writeString(page, html);
    System.out.printf(
        Locale.ROOT,
        "1M-sample report: %.2f MB; content built in %.2f s (1M rows"
            + " aggregated, 64 noise thumbnails, 72 reject thumbnails), rendered in %.3f s%n",
        Files.size(page) / 1e6,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);

    List<Double> loads = new ArrayList<>();
    List<Double> paints = new ArrayList<>();
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      for (int r = 0; r < rounds + 1; r++) {
        HeadlessChromium.Page p = browser.open(page.toUri());
        // Two animation frames after the load event: the page has been laid out and painted.
        JsonNode timing =
            p.evaluate(
                """
            new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done({
              load: performance.getEntriesByType('navigation')[0].loadEventEnd,
              paint: performance.now()}))))""");
        if (!p.errors().isEmpty()) {
          throw new IllegalStateException("page errors: " + p.errors());
        }
        if (r > 0) { // the first load also starts the renderer process
          loads.add(timing.path("load").asDouble() / 1000);
          paints.add(timing.path("paint").asDouble() / 1000);
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "chromium, from navigation: load event median %.3f s %s;"
            + " painted (two frames later) median %.3f s %s%n",
        median(loads),
        loads,
        median(paints),
        paints);

    for (int i = 2; i < args.length; i++) {
      Path dataset = Path.of(args[i]);
      List<Double> times = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        long s = System.nanoTime();
        DatasetReport.write(dataset, work.resolve("dataset-" + i + ".html"));
        times.add((System.nanoTime() - s) / 1e9);
      }
      System.out.printf(
          Locale.ROOT,
          "report of %s: first %.3f s (with class loading), then median" + " %.3f s %s%n",
          dataset,
          times.get(0),
          median(times.subList(Math.min(1, times.size() - 1), times.size())),
          times);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
