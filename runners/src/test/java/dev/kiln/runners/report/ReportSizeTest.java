package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report of a million samples stays a page: aggregates, not rows, and a bounded number of
 * thumbnails of bounded size, even when every image is noise (which compresses worst). How fast a
 * browser renders it is measured by {@code runners/bench/bench-report.sh}, not here.
 */
class ReportSizeTest {
  static final int ROWS = MillionSampleReport.ROWS;
  static final long MAX_PAGE_BYTES = 10L << 20;

  @TempDir Path tmp;

  @Test
  void aMillionSampleReportWithNoiseThumbnailsIsUnderTenMegabytes() throws Exception {
    DatasetReport.Content content = MillionSampleReport.content(tmp);
    String html = ReportPage.render(content);
    long bytes = html.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes < MAX_PAGE_BYTES, "report of " + ROWS + " samples: " + bytes + " bytes");
    assertEquals(ContactSheet.SAMPLES, content.sheet().tiles().size());
    assertTrue(html.contains("data-count=\"samples\">" + ROWS + "<"), "every row counted");
    assertTrue(
        html.contains("(960 others)"), "the 40 largest of 1,000 classes drawn, the rest summed");
    // Every reason's examples, each with its thumbnail.
    assertEquals(
        RejectExamples.REASONS * RejectExamples.PER_REASON,
        html.split("alt=\"broken/", -1).length - 1);
  }
}
