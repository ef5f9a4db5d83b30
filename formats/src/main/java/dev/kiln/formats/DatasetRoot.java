package dev.kiln.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An output root that holds dataset versions ({@code v000001/}, {@code v000002/}, ...) and a {@code
 * CURRENT} symbolic link to the newest complete one. {@code CURRENT} is replaced with a rename,
 * which is atomic, so a reader that opens the root sees either the previous version or the new one,
 * never a half-published dataset.
 */
public final class DatasetRoot {
  public static final String CURRENT = "CURRENT";
  private static final Pattern VERSION = Pattern.compile("v\\d{6}");
  private static final Pattern REMOVING = Pattern.compile("\\.v\\d{6}\\.removing");

  private final Path root;

  private DatasetRoot(Path root) {
    this.root = root;
  }

  public static DatasetRoot of(Path root) {
    return new DatasetRoot(root.toAbsolutePath().normalize());
  }

  /**
   * The dataset directory a reader should open for {@code path}: the version {@code CURRENT} points
   * to when {@code path} is a versioned root, else {@code path} itself.
   */
  public static Path resolve(Path path) {
    Path current = path.resolve(CURRENT);
    if (Files.isSymbolicLink(current)) {
      try {
        return path.resolve(Files.readSymbolicLink(current)).normalize();
      } catch (IOException e) {
        return current;
      }
    }
    return path;
  }

  public Path path() {
    return root;
  }

  /** Whether the root holds versions (a CURRENT link). */
  public boolean isVersioned() {
    return Files.isSymbolicLink(root.resolve(CURRENT));
  }

  /** The version CURRENT points to, or null when there is none. */
  public Path current() throws IOException {
    Path link = root.resolve(CURRENT);
    if (!Files.isSymbolicLink(link)) {
      return null;
    }
    return root.resolve(Files.readSymbolicLink(link)).normalize();
  }

  /** Every version directory, oldest first. */
  public List<Path> versions() throws IOException {
    List<Path> versions = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return versions;
    }
    try (Stream<Path> entries = Files.list(root)) {
      entries
          .filter(p -> VERSION.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .forEach(versions::add);
    }
    return versions;
  }

  /** The name of the version after the newest one: v000001 for an empty root. */
  public String nextVersionName() throws IOException {
    List<Path> versions = versions();
    int last =
        versions.isEmpty()
            ? 0
            : Integer.parseInt(
                versions.get(versions.size() - 1).getFileName().toString().substring(1));
    return String.format("v%06d", last + 1);
  }

  /** Points CURRENT at {@code version} (a directory in this root) atomically. */
  public void switchCurrent(Path version) throws IOException {
    Path link = root.resolve(CURRENT);
    Path tmp = root.resolve("." + CURRENT + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, version.getFileName());
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Removes all but the newest {@code keep} versions, never the current one.
   *
   * @return the versions removed
   */
  public List<Path> retain(int keep) throws IOException {
    // What a run killed while removing left behind.
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p :
          entries.filter(e -> REMOVING.matcher(e.getFileName().toString()).matches()).toList()) {
        FileTrees.delete(p);
      }
    }
    List<Path> versions = versions();
    Path current = current();
    List<Path> removed = new ArrayList<>();
    for (int i = 0; i < versions.size() - keep; i++) {
      Path v = versions.get(i);
      if (v.equals(current)) {
        continue;
      }
      // Renamed out of the versions first (atomic), so a run killed while deleting leaves no
      // half-removed version that readers, verify or the next run would take for a kept one.
      Path doomed = root.resolve("." + v.getFileName() + ".removing");
      Files.move(v, doomed, StandardCopyOption.ATOMIC_MOVE);
      FileTrees.delete(doomed);
      removed.add(v);
    }
    return removed;
  }
}
