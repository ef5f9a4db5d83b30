package dev.kiln.transforms.beam;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam counters every Kiln job reports, under namespace {@value #NAMESPACE}. They show in the
 * Flink UI's job metrics and in Kiln's end-of-run summary.
 */
public final class KilnCounters {
  public static final String NAMESPACE = "kiln";
  public static final String INPUTS = "inputs";
  public static final String WRITTEN = "written";
  public static final String BYTES_READ = "bytes-read";
  public static final String BYTES_WRITTEN = "bytes-written";

  /** Files under the input that are not inputs; {@code ignored-<reason>} counts each reason. */
  public static final String IGNORED = "ignored";

  /** Prefix of the per-reason rejection counters: {@code rejected-<reason>}. */
  public static final String REJECTED_PREFIX = "rejected-";

  private KilnCounters() {}

  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }

  public static Counter rejected(String reason) {
    return Metrics.counter(NAMESPACE, REJECTED_PREFIX + reason);
  }

  /**
   * Counts an input rejected before any worker read it (while listing or keying): it is an input
   * and a rejection, so {@code inputs = written + rejected} keeps balancing.
   */
  public static void inputRejected(String reason) {
    counter(INPUTS).inc();
    rejected(reason).inc();
  }

  /** Counts a file that is not an input, for its reason ({@code extension}, {@code hidden}). */
  public static void ignored(String reason) {
    counter(IGNORED).inc();
    counter(IGNORED + "-" + reason).inc();
  }
}
