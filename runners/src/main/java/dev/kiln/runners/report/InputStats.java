package dev.kiln.runners.report;

import dev.kiln.formats.SourceInfo;
import java.util.HashSet;
import java.util.Set;

/**
 * What the report says about a dataset's inputs as they were before Kiln normalized them: formats,
 * colour models, ICC profiles, bit depths, EXIF orientations, frames and shapes, from the samples
 * read ({@link DatasetSamples}; each input once, however many samples it gave), and file sizes of
 * every listed input.
 */
final class InputStats {
  final Counts formats = new Counts();
  final Counts colourModels = new Counts();
  final Counts iccProfiles = new Counts();
  final Counts bitDepths = new Counts();
  final Counts orientations = new Counts();
  final Counts frames = new Counts();

  /** Width and height as displayed, after EXIF orientation. */
  final Distribution widths = new Distribution();

  final Distribution heights = new Distribution();
  final Distribution aspects = new Distribution();

  /** Bytes of every listed input ({@code inputs.jsonl}), written or rejected. */
  final Distribution fileBytes = new Distribution();

  private final Set<String> seen = new HashSet<>();

  /** Adds the input a sample came from, unless one of its other samples already added it. */
  void add(SourceInfo s) {
    if (!seen.add(s.path())) {
      return;
    }
    formats.add(s.format());
    colourModels.add(s.colourModel());
    iccProfiles.add(s.iccProfile() == null || s.iccProfile().isEmpty() ? "(none)" : s.iccProfile());
    bitDepths.add(s.bitDepth() + "-bit");
    orientations.add(orientationName(s.orientation()));
    frames.add(s.frames() > 1 ? "animated (first frame used)" : "still");
    // EXIF orientations 5-8 turn the image a quarter: the displayed image is the stored one's
    // transpose.
    boolean turned = s.orientation() >= 5 && s.orientation() <= 8;
    int w = turned ? s.height() : s.width();
    int h = turned ? s.width() : s.height();
    widths.add(w);
    heights.add(h);
    if (h > 0) {
      aspects.add((double) w / h);
    }
  }

  /** Inputs (distinct source files) added. */
  int inputs() {
    return seen.size();
  }

  static String orientationName(int orientation) {
    return switch (orientation) {
      case 1 -> "1 (none)";
      case 2 -> "2 (mirrored)";
      case 3 -> "3 (rotated 180)";
      case 4 -> "4 (flipped)";
      case 5 -> "5 (transposed)";
      case 6 -> "6 (rotated 90 cw)";
      case 7 -> "7 (transversed)";
      case 8 -> "8 (rotated 90 ccw)";
      default -> orientation + " (unknown)";
    };
  }
}
