package dev.kiln.transforms.prepare;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Images finished in this JVM, for the launcher's live progress line. Beam metrics are only
 * reported at the end of a run on some runners; this counter is read while the job runs on the
 * embedded runners (direct, flink-local), which execute in the launcher's own JVM.
 */
public final class LocalProgress {
  private static final AtomicLong DONE = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();

  private LocalProgress() {}

  /** Counts an input written (or carried over). */
  public static void written() {
    DONE.incrementAndGet();
  }

  /** Counts an input rejected. */
  public static void rejected() {
    DONE.incrementAndGet();
    REJECTED.incrementAndGet();
  }

  /** Inputs finished (written or rejected) since the JVM started. */
  public static long done() {
    return DONE.get();
  }

  /** Inputs rejected since the JVM started. */
  public static long rejectedCount() {
    return REJECTED.get();
  }
}
