package dev.kiln.pipelines;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * A file under the input root that is not an input, and why: every file is either an input or one
 * of these, so a run accounts for every file it was pointed at.
 *
 * @param path the file's path
 * @param reason {@link #EXTENSION} or {@link #HIDDEN}
 */
public record IgnoredFile(String path, String reason) implements Serializable {
  /** Its extension is not one of {@code --extensions}. */
  public static final String EXTENSION = "extension";

  /** Its name, or that of a directory it is in below the root, starts with '.'. */
  public static final String HIDDEN = "hidden";

  /** The listing {@code --list-ignored} adds to a dataset. */
  public static final String FILE_NAME = "ignored.jsonl";

  /** One line of {@link #FILE_NAME}: {@code {"path": ..., "reason": ...}}. */
  public String toJsonLine() {
    JsonStringEncoder json = JsonStringEncoder.getInstance();
    return "{\"path\":\""
        + new String(json.quoteAsString(path))
        + "\",\"reason\":\""
        + new String(json.quoteAsString(reason))
        + "\"}";
  }

  /** Writes {@code files}, sorted by path, as {@code dir/ignored.jsonl}. */
  public static void writeAll(Path dir, List<IgnoredFile> files) throws IOException {
    List<String> lines =
        files.stream()
            .sorted(Comparator.comparing(IgnoredFile::path))
            .map(IgnoredFile::toJsonLine)
            .toList();
    StagingLayout.writeAtomically(dir.resolve(FILE_NAME), lines);
  }
}
