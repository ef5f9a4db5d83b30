package dev.kiln.runners;

import dev.kiln.transforms.prepare.LocalProgress;
import java.io.PrintStream;

/**
 * Prints a progress line every few seconds while a job runs: images finished out of the inputs
 * found, rate and rejects. The counts come from {@link LocalProgress}, so they are live for the
 * runners that execute in this JVM; for a remote cluster it reports elapsed time.
 */
final class ProgressLine implements AutoCloseable {
  private final Thread thread;
  private volatile boolean stopped;

  ProgressLine(PrintStream out, long inputs, boolean live, long intervalMillis) {
    long start = System.nanoTime();
    long baseline = LocalProgress.done();
    long baselineRejected = LocalProgress.rejectedCount();
    this.thread =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                  return;
                }
                if (stopped) {
                  return;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (live) {
                  long done = LocalProgress.done() - baseline;
                  long rejected = LocalProgress.rejectedCount() - baselineRejected;
                  out.printf(
                      "kiln: %d/%d images (%.0f/s), %d rejected, %.0f s%n",
                      done, inputs, done / Math.max(seconds, 1e-3), rejected, seconds);
                } else {
                  out.printf("kiln: job running on the cluster, %.0f s%n", seconds);
                }
              }
            },
            "kiln-progress");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
