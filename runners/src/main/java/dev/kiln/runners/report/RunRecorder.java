package dev.kiln.runners.report;

import dev.kiln.transforms.prepare.LocalProgress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a running job's progress (from {@link LocalProgress}) once a second, for the report's
 * images/s over time, and gives the {@link RunRecord} when the job is done. A long run keeps at
 * most {@value #MAX_SAMPLES} samples: when full, every other one is dropped and the interval
 * doubles, so the curve covers the whole run at an even spacing.
 */
public final class RunRecorder implements AutoCloseable {
  static final int MAX_SAMPLES = 512;

  private final String runner;
  private final int parallelism;
  private final boolean live;
  private final Instant started;
  private final long startNanos = System.nanoTime();
  private final long baseline = LocalProgress.done();
  private final long baselineRejected = LocalProgress.rejectedCount();
  private final List<RunRecord.Progress> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private long intervalMillis;

  /**
   * Starts sampling.
   *
   * @param live whether the job runs in this JVM, so {@link LocalProgress} counts its images
   */
  public RunRecorder(
      String runner, int parallelism, boolean live, Instant started, long intervalMillis) {
    this.runner = runner;
    this.parallelism = parallelism;
    this.live = live;
    this.started = started;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::sampleUntilStopped, "kiln-run-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  private void sampleUntilStopped() {
    while (!stopped) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  private synchronized void sample() {
    samples.add(
        new RunRecord.Progress(
            (System.nanoTime() - startNanos) / 1e9,
            LocalProgress.done() - baseline,
            LocalProgress.rejectedCount() - baselineRejected));
    if (samples.size() >= MAX_SAMPLES) {
      List<RunRecord.Progress> kept = new ArrayList<>(MAX_SAMPLES / 2);
      for (int i = 1; i < samples.size(); i += 2) {
        kept.add(samples.get(i));
      }
      samples.clear();
      samples.addAll(kept);
      intervalMillis *= 2;
    }
  }

  /** Stops sampling; takes a last sample, so even a short job has its end on the curve. */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
  }

  /** What was recorded; {@code seconds} is the run's duration as the summary reports it. */
  public synchronized RunRecord record(double seconds) {
    return new RunRecord(
        runner,
        parallelism,
        started.toString(),
        seconds,
        peakRssBytes(),
        peakHeapBytes(),
        Runtime.getRuntime().maxMemory(),
        live,
        live ? samples : List.of());
  }

  /** This process's peak resident set ({@code VmHWM} of {@code /proc/self/status}), or -1. */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the report says the peak is unknown.
    }
    return -1;
  }

  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
