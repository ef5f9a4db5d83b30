package dev.kiln.runners.local;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The wall time of a local run's phases, for the {@code kiln: phases:} line {@code kiln prepare}
 * prints: where a run's seconds go, and how each phase grows with the dataset
 * (docs/PERFORMANCE.md). The phases are listing (the input listing), fingerprint (settings, the
 * previous version, and which inputs changed), prepare (decoding and encoding, or carrying over),
 * write (shards, and links to shared ones), index (index and manifest), report (the run report) and
 * publish (the atomic rename or CURRENT switch). Each {@link #lap} charges the time since the
 * previous one to a phase. Not thread-safe: only the launcher's thread laps.
 */
public final class PhaseClock {
  private final Map<String, Long> nanos = new LinkedHashMap<>();
  private long last;

  /** A clock whose first phase starts at {@code startNanos} ({@link System#nanoTime}). */
  public PhaseClock(long startNanos) {
    this.last = startNanos;
  }

  /** Charges the time since the previous lap to {@code phase} (added to it if it ran before). */
  public void lap(String phase) {
    long now = System.nanoTime();
    nanos.merge(phase, now - last, Long::sum);
    last = now;
  }

  /** Nanoseconds charged to {@code phase}, 0 if none. */
  public long nanos(String phase) {
    return nanos.getOrDefault(phase, 0L);
  }

  /** {@code listing 0.12 s, fingerprint 0.03 s, ...} in the order the phases first ended. */
  public String line() {
    StringBuilder b = new StringBuilder();
    nanos.forEach(
        (phase, ns) ->
            b.append(b.length() == 0 ? "" : ", ")
                .append(phase)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.2f s", ns / 1e9)));
    return b.toString();
  }
}
