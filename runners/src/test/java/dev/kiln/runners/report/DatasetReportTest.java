package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.runners.Kiln;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code report.html} is written with every dataset (every format, the local and a Beam runner,
 * inside the version of a versioned root), and {@code kiln report} writes the same page again.
 */
class DatasetReportTest {
  static final Path SAMPLES = ReportInBrowserTest.SAMPLES;
  static final Path ANNOTATIONS = ReportInBrowserTest.ANNOTATIONS;

  /** A box on the contact sheet: an unfilled rectangle named by its label. */
  static final java.util.regex.Pattern BOX =
      java.util.regex.Pattern.compile(
          "<rect [^>]*fill=\"none\" stroke=\"#[0-9a-f]{6}\" stroke-width=\"[0-9.]+\"><title>");

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Kiln.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static int count(String html, String needle) {
    return html.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
  }

  @ParameterizedTest
  @ValueSource(strings = {"webdataset", "avro", "parquet"})
  void everyFormatsDatasetHasItsReportAndKilnReportWritesTheSamePage(String format)
      throws Exception {
    Path out = tmp.resolve(format);
    Run run =
        kiln(
            "prepare",
            "--input=" + SAMPLES,
            "--output=" + out,
            "--format=" + format,
            "--annotations=" + ANNOTATIONS);
    assertEquals(0, run.code(), run.err());
    Path report = out.resolve(DatasetReport.FILE_NAME);
    assertTrue(run.out().contains("kiln: report " + report + "\n"), run.out());
    String html = Files.readString(report);
    assertTrue(html.contains("data-count=\"written\">7<"), "7 written");
    assertEquals(7, count(html, "<figure class=\"tile\">"), "7 samples on the sheet");
    assertEquals(13, BOX.matcher(html).results().count(), "13 boxes drawn");
    assertTrue(html.contains("<b>format</b> " + format), "the format named");
    assertTrue(
        html.contains("Adobe RGB (1998)"), "the ICC profile of an input, read from its sample");
    assertFalse(
        html.contains("http://") || html.contains("https://") || html.contains("<script"),
        "nothing from a network, no script");

    Path again = tmp.resolve("again/" + format + ".html");
    Run cmd = kiln("report", out.toString(), "--out=" + again);
    assertEquals(0, cmd.code(), cmd.err());
    assertEquals("kiln report: wrote " + again + "\n", cmd.out());
    assertEquals(html, Files.readString(again), "the same dataset gives the same page");
  }

  @Test
  void aBeamRunnersRunRecordsItsRunnerAndWritesTheReport() throws Exception {
    Path out = tmp.resolve("direct");
    Run run = kiln("prepare", "--input=" + SAMPLES, "--output=" + out, "--runner=direct");
    assertEquals(0, run.code(), run.err());
    RunRecord record = RunRecord.readIfPresent(out);
    assertEquals("direct", record.runner());
    assertTrue(record.live());
    assertTrue(
        record.seconds() > 0 && record.peakRssBytes() > 0 && record.peakHeapBytes() > 0,
        record.toString());
    assertEquals(
        7,
        record.progress().get(record.progress().size() - 1).done(),
        "the last sample, taken at the end, counts every input");
    String html = Files.readString(out.resolve(DatasetReport.FILE_NAME));
    assertTrue(html.contains("<b>runner</b> direct"), "runner in the header");
  }

  @Test
  void aVersionedRootsReportIsInsideEachVersionWithTheIncrementalCounts() throws Exception {
    Path root = tmp.resolve("root");
    Path in = tmp.resolve("in");
    for (Path p : Files.walk(SAMPLES).filter(Files::isRegularFile).toList()) {
      Path to = in.resolve(SAMPLES.relativize(p).toString());
      Files.createDirectories(to.getParent());
      Files.copy(p, to);
    }
    assertEquals(0, kiln("prepare", "--input=" + in, "--output=" + root, "--incremental").code());
    Files.delete(in.resolve("food/coffee.jpg"));
    Run second = kiln("prepare", "--input=" + in, "--output=" + root, "--incremental");
    assertEquals(0, second.code(), second.err());
    Path current = DatasetRoot.of(root).current();
    Path report = current.resolve(DatasetReport.FILE_NAME);
    assertTrue(second.out().contains("kiln: report " + report + "\n"), second.out());
    assertFalse(Files.exists(root.resolve(DatasetReport.FILE_NAME)), "nothing beside the versions");
    String html = Files.readString(report);
    assertTrue(html.contains("Incremental run, against the previous version"), "incremental chart");
    assertTrue(
        html.contains("<title>deleted: 1</title>")
            && html.contains("<title>carried over: 6</title>"),
        "one deleted, six carried over");

    // kiln report ROOT: the current version's report, written into that version. The version
    // shares its shards and records its inputs as changes to v000001's: read back from those files,
    // the page is the one the run drew from what it held in memory.
    assertTrue(Files.exists(current.resolve("inputs-v000002.jsonl")), "inputs as changes");
    Files.delete(report);
    Run cmd = kiln("report", root.toString());
    assertEquals(0, cmd.code(), cmd.err());
    assertEquals("kiln report: wrote " + report + "\n", cmd.out());
    assertEquals(
        // The run names the root in the title, kiln report the version.
        html.replace(root + "</title>", current + "</title>")
            .replace(root + "</p>", current + "</p>"),
        Files.readString(report));
  }

  @Test
  void usageErrorsNameTheArgumentAndADirectoryWithoutAManifestFails() throws Exception {
    Run none = kiln("report");
    assertEquals(2, none.code());
    assertTrue(none.err().startsWith("kiln report: DIR missing"), none.err());
    Run missing = kiln("report", tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope: not a directory"), missing.err());
    Run outIsDir = kiln("report", tmp.toString(), "--out=" + tmp);
    assertEquals(2, outIsDir.code());
    assertTrue(outIsDir.err().contains("--out=" + tmp + ": must name a file"), outIsDir.err());
    Run notADataset = kiln("report", tmp.toString());
    assertEquals(1, notADataset.code());
    assertTrue(
        notADataset.err().contains("no manifest.json; not a Kiln dataset"), notADataset.err());
    Run unknown = kiln("report", tmp.toString(), "--colour=red");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("--colour"), unknown.err());
  }
}
