package dev.kiln.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The naming of a per-version file that a version sharing shards writes as changes
 * (docs/NIGHTLY.md): the version holds a hard link to the whole file ({@code STEM.EXT}) of the last
 * version that wrote it whole and to the changes files of the versions since ({@code
 * STEM-vNNNNNN.EXT}), and adds its own. Like shards, none of them is written to again, so any
 * number of versions link them; readers apply them in version order.
 *
 * @param stem the whole file's name without its extension ({@code inputs})
 * @param extension its extension with the dot ({@code .jsonl})
 */
public record VersionChanges(String stem, String extension) {
  /** The whole file's name ({@code inputs.jsonl}). */
  public String wholeFileName() {
    return stem + extension;
  }

  /** Version {@code versionName}'s changes file ({@code inputs-v000043.jsonl}). */
  public String fileName(String versionName) {
    if (!versionName.matches("v\\d+")) {
      throw new IllegalArgumentException("not a version name: " + versionName);
    }
    return stem + "-" + versionName + extension;
  }

  /** Whether {@code name} is a version's changes file of this kind. */
  public boolean isChangesFile(String name) {
    String prefix = stem + "-v";
    return name.startsWith(prefix)
        && name.endsWith(extension)
        && name.length() > prefix.length() + extension.length()
        && name.substring(prefix.length(), name.length() - extension.length()).matches("\\d+");
  }

  /** The changes files in {@code versionDir}, oldest version first. */
  public List<Path> in(Path versionDir) throws IOException {
    if (!Files.isDirectory(versionDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(versionDir)) {
      // Version numbers have one width, so name order is version order.
      return files.filter(p -> isChangesFile(p.getFileName().toString())).sorted().toList();
    }
  }

  /**
   * Links {@code previousDir}'s whole file and changes files into {@code dir}, where a version of
   * the same root is being staged; returns where its own changes file goes.
   */
  public Path linkFrom(Path previousDir, Path dir, String versionName) throws IOException {
    Files.createLink(dir.resolve(wholeFileName()), previousDir.resolve(wholeFileName()));
    for (Path earlier : in(previousDir)) {
      Files.createLink(dir.resolve(earlier.getFileName()), earlier);
    }
    return dir.resolve(fileName(versionName));
  }
}
