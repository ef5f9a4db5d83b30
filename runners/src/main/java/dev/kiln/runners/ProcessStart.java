package dev.kiln.runners;

import java.time.Instant;

/**
 * When this process started, as the operating system reports it.
 *
 * <p>Why not {@code ManagementFactory.getRuntimeMXBean().getStartTime()}: the management classes
 * it loads and initialises cost ~30 ms of a run's start, which a nightly run with little to do
 * notices; the process table has the same instant (to the clock tick).
 */
final class ProcessStart {
  private ProcessStart() {}

  /** The start of this process; the current instant where the system does not report it. */
  static Instant instant() {
    return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
  }
}
