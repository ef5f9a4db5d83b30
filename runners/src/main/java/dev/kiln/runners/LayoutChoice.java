package dev.kiln.runners;

import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.formats.kiln.VersionLayout;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.runners.local.SharedShards;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides whether an incremental run shares the shards of the version it builds on (writing only
 * its new and changed samples, docs/NIGHTLY.md) or writes the canonical layout, as a full run
 * would: the latter when the version's dead records and delta shards have reached {@code
 * --compact-threshold} of its shard bytes (the automatic compaction), when the threshold is 0, when
 * the version's shards cannot be shared as they are (format version 1, another {@code --align}),
 * when the file system has no hard links, on the Beam runners, and in object storage.
 */
final class LayoutChoice {
  private LayoutChoice() {}

  /**
   * The shards to share with {@code previous}, or null (with a line saying why) for the canonical
   * layout.
   */
  static SharedShards choose(
      Path previous,
      VersionedOutput root,
      RunnerChoice runner,
      PrepareOptions options,
      PrintStream out)
      throws IOException {
    double threshold = options.getCompactThreshold(); // checked with the other settings
    String name = previous.getFileName().toString();
    if (threshold == 0) {
      out.println("kiln: incremental: --compact-threshold=0: writing the canonical layout");
      return null;
    }
    if (runner != RunnerChoice.LOCAL) {
      out.println(
          "kiln: incremental: the "
              + runner.flag()
              + " runner writes the canonical layout;"
              + " sharing shards with "
              + name
              + " needs --runner=local");
      return null;
    }
    DatasetIndex index = DatasetIndex.read(previous.resolve(ShardLayout.INDEX_FILE_NAME));
    if (index.version() != ShardLayout.VERSION) {
      out.println(
          "kiln: incremental: "
              + name
              + " has format version "
              + index.version()
              + " shards; writing the canonical layout in version "
              + ShardLayout.VERSION);
      return null;
    }
    if (index.shardCount() > 0 && index.align() != options.getAlign()) {
      out.println(
          "kiln: incremental: "
              + name
              + " is aligned to "
              + index.align()
              + ", --align="
              + options.getAlign()
              + "; writing the canonical layout");
      return null;
    }
    VersionLayout layout = VersionLayout.of(index);
    if (layout.nonCanonicalFraction() >= threshold) {
      out.printf(
          "kiln: incremental: %.1f%% of %s's shard bytes are dead records or delta shards"
              + " (--compact-threshold=%s); writing the canonical layout%n",
          100 * layout.nonCanonicalFraction(), name, threshold);
      return null;
    }
    if (!hardLinks(previous, root.staging())) {
      out.println(
          "kiln: incremental: the file system of "
              + root.target()
              + " has no hard links;"
              + " writing the canonical layout");
      return null;
    }
    return new SharedShards(root.versionName());
  }

  /**
   * For a root in object storage: null, with the line saying why. Its versions share no shards,
   * since an object cannot be linked into the next version's prefix as a file can; the unchanged
   * samples are still carried over without decoding.
   */
  static SharedShards onObjectStorage(Path previous, PrintStream out) {
    out.println(
        "kiln: incremental: versions in object storage share no shards; writing the canonical"
            + " layout with "
            + previous.getFileName()
            + "'s unchanged samples carried over");
    return null;
  }

  /** Whether a file of {@code from} can be hard-linked into {@code into}. */
  private static boolean hardLinks(Path from, Path into) {
    Path probe = into.resolve(".hard-link-probe");
    try {
      Files.createLink(probe, from.resolve(ShardLayout.INDEX_FILE_NAME));
      Files.delete(probe);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
