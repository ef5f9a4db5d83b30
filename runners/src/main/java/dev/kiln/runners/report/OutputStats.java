package dev.kiln.runners.report;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;

/**
 * What the report says about a dataset's samples, gathered from its catalog rows one at a time:
 * output sizes, encoded sizes, classes, boxes and captions. Holds aggregates only (a few numbers
 * per sample), so a million rows cost a few megabytes.
 */
final class OutputStats {
  final Distribution widths = new Distribution();
  final Distribution heights = new Distribution();

  /** Encoded image bytes per sample (only rows whose size is known). */
  final Distribution encodedBytes = new Distribution();

  final Distribution boxesPerSample = new Distribution();

  /** Caption length in characters, of samples that have one. */
  final Distribution captionLengths = new Distribution();

  /** Samples per class (a sample with two classes counts for both). */
  final Counts classes = new Counts();

  final Counts boxLabels = new Counts();
  long rows;
  long unlabelled;

  /** Sum of the rows' record lengths (kiln: the records the shards hold), or -1 if unknown. */
  long recordBytes;

  private boolean recordBytesKnown = true;

  /**
   * Adds one sample.
   *
   * @param encoded the sample's encoded image bytes, or -1 when the catalog does not say
   * @param caption the sample's caption, or null when it has none
   */
  void add(CatalogEntry row, long encoded, String caption) {
    rows++;
    widths.add(row.width());
    heights.add(row.height());
    if (encoded >= 0) {
      encodedBytes.add(encoded);
    }
    if (row.length() >= 0 && recordBytesKnown) {
      recordBytes += row.length();
    } else {
      recordBytesKnown = false;
      recordBytes = -1;
    }
    if (row.labels().isEmpty()) {
      unlabelled++;
    }
    for (String label : row.labels()) {
      classes.add(label);
    }
    boxesPerSample.add(row.boxes().size());
    for (Box b : row.boxes()) {
      boxLabels.add(b.label().isEmpty() ? "(no label)" : b.label());
    }
    if (caption != null && !caption.isEmpty()) {
      captionLengths.add(caption.codePointCount(0, caption.length()));
    }
  }
}
