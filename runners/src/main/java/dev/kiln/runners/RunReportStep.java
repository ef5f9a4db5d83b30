package dev.kiln.runners;

import dev.kiln.pipelines.StagedParts;
import dev.kiln.runners.report.DatasetReport;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The last step before a dataset is published: its run report, written into the staging directory
 * so it is published with the dataset (inside the version, for a versioned root). The dataset is
 * complete without it: a report that cannot be written is a warning, not a failed run.
 */
final class RunReportStep {
  private RunReportStep() {}

  /**
   * Writes {@code staging/report.html}, naming the dataset {@code target}, from the catalog rows
   * and inputs in {@code parts} when the run handed them over in memory (else null); returns its
   * name, or null (with a warning) on failure.
   */
  static String write(Path staging, String target, StagedParts parts, PrintStream err) {
    try {
      DatasetReport.write(
          staging,
          staging.resolve(DatasetReport.FILE_NAME),
          target,
          parts == null ? null : parts.rows(),
          parts == null ? null : parts.inputs());
      return DatasetReport.FILE_NAME;
    } catch (Exception | OutOfMemoryError e) {
      err.println("kiln prepare: warning: report not written (the dataset is complete): " + e);
      if (System.getenv("KILN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return null;
    }
  }
}
