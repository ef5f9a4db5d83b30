package dev.kiln.runners;

import dev.kiln.formats.LabelSummary;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.ShardFile;
import dev.kiln.transforms.beam.KilnCounters;
import java.io.PrintStream;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The end-of-run summary: counts from the manifest (what was really written), rate, output
 * location, and the job's Beam counters as the runner reported them.
 */
final class RunSummary {
  private final Manifest manifest;
  private final String output;
  private final double seconds;
  private final Map<String, Long> counters;

  RunSummary(Manifest manifest, String output, double seconds, Map<String, Long> counters) {
    this.manifest = manifest;
    this.output = output;
    this.seconds = seconds;
    this.counters = counters;
  }

  void print(PrintStream out) {
    StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
    manifest.rejectedByReason().forEach((reason, n) -> reasons.add(reason + ": " + n));
    StringJoiner ignoredReasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
    manifest.ignoredByReason().forEach((reason, n) -> ignoredReasons.add(reason + ": " + n));
    long bytes = manifest.shards().stream().mapToLong(ShardFile::bytes).sum();
    out.printf(
        "kiln: done: %d inputs, %d written, %d rejected%s, %d ignored%s in %.1f s, %.1f images/s%n",
        manifest.inputs(),
        manifest.written(),
        manifest.rejected(),
        reasons,
        manifest.ignored(),
        ignoredReasons,
        seconds,
        manifest.inputs() / Math.max(seconds, 1e-3));
    out.printf(
        "kiln: output %s: %d %s shard(s), %.1f MB, manifest.json, rejects/%n",
        output, manifest.shards().size(), manifest.format(), bytes / 1e6);
    if (!manifest.changes().isEmpty()) {
      StringJoiner changes = new StringJoiner(", ");
      manifest.changes().forEach((k, v) -> changes.add(k.replace('_', ' ') + " " + v));
      out.println("kiln: incremental: " + changes);
    }
    LabelSummary labels = manifest.labels();
    if (!labels.classes().isEmpty() || labels.metadataRows() >= 0) {
      out.println(
          "kiln: labels: "
              + labels.classes().size()
              + " classes"
              + (labels.metadataRows() < 0
                  ? ""
                  : ", metadata rows "
                      + labels.metadataRows()
                      + " ("
                      + labels.rowsWithoutInput()
                      + " without an input)"));
    }
    if (!counters.isEmpty()) {
      StringJoiner line = new StringJoiner(" ");
      counters.forEach((k, v) -> line.add(k + "=" + v));
      out.println("kiln: counters: " + line);
    }
  }

  /** Committed (or, where a runner has none, attempted) values of a Beam job's kiln counters. */
  static Map<String, Long> countersOf(PipelineResult result) {
    Map<String, Long> values = new TreeMap<>();
    try {
      MetricQueryResults metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(KilnCounters.NAMESPACE))
                      .build());
      for (MetricResult<Long> c : metrics.getCounters()) {
        Long v;
        try {
          v = c.getCommitted();
        } catch (UnsupportedOperationException e) {
          v = c.getAttempted();
        }
        values.merge(c.getName().getName(), v, Long::sum);
      }
    } catch (RuntimeException e) {
      // A runner that cannot report metrics must not fail a finished run; the manifest holds
      // the authoritative counts.
    }
    return values;
  }
}
