package dev.kiln.runners.tools;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.UsageException;
import dev.kiln.runners.report.DatasetReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code kiln report DIR [--out FILE]}: writes a dataset's run report ({@code DIR/report.html}, or
 * FILE), for datasets made before {@code kiln prepare} wrote one or to write it again. Given a
 * versioned root, the report is of its {@code CURRENT} version and goes inside that version.
 */
public final class ReportCommand {
  static final String USAGE = "kiln report DIR [--out FILE]";

  private final PrintStream out;
  private final PrintStream err;

  public ReportCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns its exit code. */
  public int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println("Usage: " + USAGE);
      out.println(
          "Writes the dataset's HTML run report: accounting, rejects, inputs, outputs,"
              + " labels, a contact sheet and the run; DIR/"
              + DatasetReport.FILE_NAME
              + " unless --out names another file.");
      return ExitCode.OK;
    }
    Path dir;
    Path file;
    try {
      ToolArguments a = ToolArguments.parse(args, Set.of("out"), Set.of());
      dir = a.directory(USAGE);
      file = a.has("out") ? Path.of(a.string("out", "")) : null;
      if (file != null && (file.toString().isEmpty() || java.nio.file.Files.isDirectory(file))) {
        throw new UsageException("--out=" + file + ": must name a file, not a directory");
      }
    } catch (UsageException e) {
      err.println("kiln report: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try {
      Path written =
          file == null
              ? DatasetReport.write(dir)
              : DatasetReport.write(DatasetRoot.resolve(dir), file);
      out.println("kiln report: wrote " + written);
      return ExitCode.OK;
    } catch (IOException | RuntimeException e) {
      err.println("kiln report: " + dir + ": " + e.getMessage());
      return ExitCode.FAILED;
    }
  }
}
