package dev.kiln.runners;

import java.time.Instant;

/**
 * When this run started: the instant the {@code kiln} launcher started (it passes it as the system
 * property {@value #LAUNCHED}, in microseconds since the epoch), else the process start the
 * operating system reports, which on Linux is only as exact as the boot time it is counted from
 * (whole seconds).
 *
 * <p>Why not {@code ManagementFactory.getRuntimeMXBean().getStartTime()}: the management classes it
 * loads and initialises cost ~30 ms of a run's start, which a nightly run with little to do
 * notices.
 */
final class ProcessStart {
  static final String LAUNCHED = "kiln.launched.micros";

  private ProcessStart() {}

  /** The start of this run; the current instant where neither source has it. */
  static Instant instant() {
    String launched = System.getProperty(LAUNCHED, "");
    if (!launched.isEmpty()) {
      try {
        long micros = Long.parseLong(launched);
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
      } catch (NumberFormatException e) {
        // not the launcher's number: fall back to the process table
      }
    }
    return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
  }
}
