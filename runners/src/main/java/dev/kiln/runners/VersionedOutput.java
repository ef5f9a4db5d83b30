package dev.kiln.runners;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A versioned output root: each run writes a new version ({@code v000001/}, ...) in a hidden
 * staging directory inside the root, renames it into place when complete, and only then points
 * {@code CURRENT} at it (an atomic rename). A run killed at any point leaves {@code CURRENT} at the
 * previous complete version; its staging directory is removed by the next run, which holds the
 * root's {@link RunLock} and so knows no other run is using it. Old versions beyond {@code
 * --keep-versions} are removed, never the current one.
 *
 * <p>Versions may share shard files (docs/NIGHTLY.md): a version directory holds a hard link to
 * every shard its index lists, so removing an old version frees a shard only when no kept version
 * links it any more, and a reader with an old version open keeps reading it.
 */
final class VersionedOutput implements Publication {
  private static final String STAGING_PREFIX = ".staging-";

  private final DatasetRoot root;
  private final Path staging;
  private final int keepVersions;
  private final RunLock lock;

  /** The name the staged version is published under: fixed while the run holds the lock. */
  private final String versionName;

  private List<Path> removed = List.of();

  private VersionedOutput(
      DatasetRoot root, Path staging, int keepVersions, RunLock lock, String versionName) {
    this.root = root;
    this.staging = staging;
    this.keepVersions = keepVersions;
    this.lock = lock;
    this.versionName = versionName;
  }

  /**
   * Locks {@code output} for run {@code runId}, clears what killed runs left behind and makes a
   * staging directory.
   *
   * @throws UsageException when another run holds the root, or it cannot be created
   */
  static VersionedOutput prepare(String output, String runId, int keepVersions)
      throws UsageException {
    if (keepVersions < 1) {
      throw new UsageException("--keep-versions=" + keepVersions + ": must be at least 1");
    }
    Path path = Path.of(output).toAbsolutePath().normalize();
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new UsageException("--output=" + output + ": exists and is not a directory");
    }
    DatasetRoot root = DatasetRoot.of(path);
    try {
      if (Files.isDirectory(path)
          && !root.isVersioned()
          && root.versions().isEmpty()
          && !isEmpty(path)) {
        throw new UsageException(
            "--output="
                + output
                + ": holds an unversioned dataset or other files; give an empty or versioned directory");
      }
      RunLock lock = RunLock.acquire(path, runId);
      try (Stream<Path> entries = Files.list(path)) {
        for (Path stale :
            (Iterable<Path>)
                entries.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX))
                    ::iterator) {
          FileTrees.delete(stale);
        }
      }
      Path staging = path.resolve(STAGING_PREFIX + runId);
      Files.createDirectory(staging);
      return new VersionedOutput(root, staging, keepVersions, lock, root.nextVersionName());
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": cannot prepare: " + e.getMessage());
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.noneMatch(p -> !p.getFileName().toString().equals(RunLock.FILE_NAME));
    }
  }

  /**
   * The name the staged version will have ({@code v000043}): new shards of an incremental run are
   * named after it, so no two versions' shards share a name.
   */
  String versionName() {
    return versionName;
  }

  /** The version CURRENT points to, or null for a new root. */
  Path currentVersion() throws IOException {
    return root.current();
  }

  @Override
  public Path staging() {
    return staging;
  }

  @Override
  public String target() {
    return root.path().toString();
  }

  @Override
  public String publish() throws IOException {
    Path version = root.path().resolve(versionName);
    Files.move(staging, version, StandardCopyOption.ATOMIC_MOVE);
    root.switchCurrent(version);
    removed = root.retain(keepVersions);
    return version.toString();
  }

  /** Versions removed by retention when the run was published. */
  List<Path> removedVersions() {
    return removed;
  }

  @Override
  public void close() {
    try {
      lock.close();
    } catch (IOException e) {
      System.err.println(
          "kiln: could not release the lock of " + root.path() + ": " + e.getMessage());
    }
  }
}
