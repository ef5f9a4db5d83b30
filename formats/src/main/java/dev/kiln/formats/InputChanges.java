package dev.kiln.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The inputs of a version that shares shards with the version before (docs/NIGHTLY.md), written as
 * what changed instead of whole: the version holds a hard link to the {@value
 * InputRecord#FILE_NAME} of the last version that wrote it whole, and to each {@code
 * inputs-vNNNNNN.jsonl} written since, and writes its own, {@code inputs-<its version>.jsonl}: the
 * records of the inputs it added or whose record changed, and a line {@code {"key": K, "deleted":
 * true}} for each input gone. Like shards, these files are never written to again, so any number of
 * versions link them.
 *
 * <p>Why: at 198,000 inputs {@value InputRecord#FILE_NAME} is 41 MB, and a night that adds 100
 * inputs and deletes 20 rewrote all of it (40% of the bytes it wrote) to say 120 lines' worth.
 *
 * <p>{@link InputRecord#readAll} applies the files in version order, so every reader sees the
 * version's inputs as one set. A run that writes the canonical layout (a full run, compaction)
 * writes {@value InputRecord#FILE_NAME} whole and no changes.
 */
public final class InputChanges {
  /** The naming of the whole file and the changes files. */
  public static final VersionChanges FILES = new VersionChanges("inputs", ".jsonl");

  private InputChanges() {}

  /**
   * What the changes files in {@code versionDir} say, applied in version order: each key's record,
   * or null for a key deleted; empty for a version with its inputs whole. What a reader that
   * streams the whole file needs to skip and add.
   */
  public static Map<String, InputRecord> overrides(Path versionDir) throws IOException {
    Map<String, InputRecord> overrides = new HashMap<>();
    for (Path changes : FILES.in(versionDir)) {
      InputRecord.readLines(changes, overrides::put);
    }
    return overrides;
  }

  /**
   * Writes the inputs of version {@code versionName} into {@code dir} as changes to those of the
   * version in {@code previousDir}: links that version's whole file and its changes, and writes the
   * difference between {@code before} (its inputs, as {@link InputRecord#readAll} gives them) and
   * {@code now}. When {@code previousDir} has no whole file (a version of an earlier Kiln, or
   * none), writes {@code now} whole instead.
   *
   * @param now every input of the new version, one record per key
   */
  public static void write(
      Path dir,
      String versionName,
      Path previousDir,
      List<InputRecord> now,
      Map<String, InputRecord> before)
      throws IOException {
    Path base = previousDir.resolve(InputRecord.FILE_NAME);
    if (!Files.isRegularFile(base)) {
      InputRecord.writeAll(dir.resolve(InputRecord.FILE_NAME), now);
      return;
    }
    Path target = FILES.linkFrom(previousDir, dir, versionName);
    // Sorted by key, deletions among the others, so the same change gives the same bytes.
    Map<String, InputRecord> changed = new TreeMap<>();
    Set<String> keys = new HashSet<>(now.size() * 2);
    for (InputRecord r : now) {
      keys.add(r.key());
      if (!r.equals(before.get(r.key()))) {
        changed.put(r.key(), r);
      }
    }
    for (String key : before.keySet()) {
      if (!keys.contains(key)) {
        changed.put(key, null);
      }
    }
    InputRecord.writeLines(
        target,
        g -> {
          for (Map.Entry<String, InputRecord> e : changed.entrySet()) {
            InputRecord.writeLine(g, e.getKey(), e.getValue());
          }
        });
  }
}
