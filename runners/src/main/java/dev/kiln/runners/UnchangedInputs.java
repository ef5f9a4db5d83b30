package dev.kiln.runners;

import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Manifest;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.InputListing;
import dev.kiln.pipelines.LabelSettings;
import dev.kiln.transforms.beam.PreviousVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Whether an incremental run would change nothing: every listed input is one the current version
 * recorded, at the same path with the same size and modification time, none is missing, and every
 * setting that decides what is written or rejected is as it was. Such a run writes nothing and
 * publishes no version (docs/NIGHTLY.md); it costs the listing and the reading of the version's
 * {@code inputs.jsonl}.
 *
 * <p>It answers "changed" whenever it cannot tell from the listing alone: a metadata table (whose
 * rows may have been edited), class ids that differ, or inputs rejected while listing.
 */
final class UnchangedInputs {
  /** Settings that change nothing a version holds: how and where the run goes, retention. */
  private static final Set<String> RUN_ONLY =
      Set.of(
          "output",
          "config",
          "runner",
          "run-id",
          "keep-versions",
          "compact-threshold",
          "max-reject-fraction",
          "overwrite",
          "versioned",
          "incremental",
          "parallelism",
          "list-ignored");

  private UnchangedInputs() {}

  /**
   * True when a run over {@code listing} with {@code settings} would write the same dataset as
   * {@code current} holds.
   */
  static boolean nothingChanged(
      InputFiles inputs,
      InputListing listing,
      Path current,
      LabelSettings labels,
      Map<String, String> settings)
      throws IOException {
    if (!listing.rejects().isEmpty() || labels.metadataRows() >= 0) {
      return false;
    }
    Manifest manifest = Manifest.readFrom(current);
    if (!runSettings(manifest.configuration()).equals(runSettings(settings))
        || !Objects.equals(manifest.labels().mapping(), labels.classes())) {
      return false;
    }
    // Kept for the opening of the same version that follows when something changed.
    Map<String, InputRecord> before = PreviousVersion.inputsOf(current);
    if (before.size() != listing.files().size()) {
      return false;
    }
    for (MatchResult.Metadata file : listing.files()) {
      String path = file.resourceId().toString();
      InputRecord was = before.get(inputs.keyOf(path));
      if (was == null
          || !was.path().equals(path)
          || was.size() != file.sizeBytes()
          || was.lastModifiedMillis() != file.lastModifiedMillis()) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> runSettings(Map<String, String> configuration) {
    Map<String, String> kept = new TreeMap<>(configuration);
    kept.keySet().removeAll(RUN_ONLY);
    return kept;
  }
}
