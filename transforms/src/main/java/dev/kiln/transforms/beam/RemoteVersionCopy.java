package dev.kiln.transforms.beam;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * A local copy of a dataset version in object storage ({@code s3://bucket/root/v000007}) holding
 * what carrying samples over reads ({@link PreviousVersion#readsFile}), fetched through Beam's file
 * systems, which a Beam worker has configured from the job's options. A worker of an incremental
 * run copies the version once per JVM and then reads carried samples with positional reads, as from
 * a local version: one GET per file instead of one per sample, a difference of minutes at hundreds
 * of thousands of samples.
 *
 * <p>The copy needs the version's size in {@code java.io.tmpdir}, in a directory named after the
 * root. It is deleted when the launcher of an embedded runner is done ({@link
 * PreviousVersion#forget}); on a cluster's long-lived workers, whose jobs each have a class loader
 * (and so a {@link PreviousVersion} cache) of their own, the next copy of the same root deletes the
 * directories earlier copies of that root left. No shutdown hook: one registered from a job's class
 * loader would keep that class loader until the worker exits.
 */
final class RemoteVersionCopy {
  /** Files fetched at once: a version's shards are large, and each GET streams on its own. */
  private static final int THREADS = 4;

  private RemoteVersionCopy() {}

  /** The root a remote version belongs to: its location without the version's name. */
  static String rootOf(String location) {
    String trimmed =
        location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    return trimmed.substring(0, trimmed.lastIndexOf('/') + 1);
  }

  /**
   * Copies the files carrying over reads of the version at {@code location} into a new temporary
   * directory named after the version, and returns that directory.
   */
  static Path copy(String location) throws IOException {
    String prefix = location.endsWith("/") ? location : location + "/";
    List<MatchResult.Metadata> files = new ArrayList<>();
    for (MatchResult.Metadata m :
        FileSystems.match(prefix + "*", EmptyMatchTreatment.ALLOW).metadata()) {
      if (PreviousVersion.readsFile(m.resourceId().getFilename())) {
        files.add(m);
      }
    }
    if (files.isEmpty()) {
      throw new IOException(location + ": holds no dataset version (no index or shards)");
    }
    String root = rootOf(prefix);
    String name = prefix.substring(root.length(), prefix.length() - 1);
    Path dir = Files.createTempDirectory(tempPrefix(root)).resolve(name);
    Files.createDirectories(dir);
    deleteEarlierCopies(root, dir.getParent());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(THREADS, files.size()), DaemonThreads.numbered("kiln-version-copy-"));
    try {
      List<Future<?>> copies = new ArrayList<>();
      for (MatchResult.Metadata file : files) {
        copies.add(pool.submit(() -> fetch(file, dir)));
      }
      for (Future<?> copy : copies) {
        copy.get();
      }
    } catch (Exception e) {
      delete(dir);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("cannot copy the dataset version " + location + ": " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
    return dir;
  }

  /**
   * The name a copy's temporary directory starts with: the root's location made a file name, then
   * {@code @} ({@code kiln-previous-bucket-root@}), so that the disk a worker uses says whose it is
   * and no other root's copies start the same way.
   */
  static String tempPrefix(String root) {
    String name =
        root.replaceFirst("^[A-Za-z0-9+.-]+://", "")
            .replaceAll("[^A-Za-z0-9._-]+", "-")
            .replaceAll("^-+|-+$", "");
    return "kiln-previous-" + name + "@";
  }

  private static Void fetch(MatchResult.Metadata file, Path dir) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
      Files.copy(in, dir.resolve(file.resourceId().getFilename()));
    }
    return null;
  }

  /**
   * Deletes the copies of {@code root} other than {@code keep} that are in the temporary directory:
   * what earlier jobs on this worker left. One root has one run at a time, so none is in use.
   */
  private static void deleteEarlierCopies(String root, Path keep) throws IOException {
    try (DirectoryStream<Path> earlier =
        Files.newDirectoryStream(keep.getParent(), tempPrefix(root) + "*")) {
      for (Path copy : earlier) {
        if (!copy.equals(keep) && Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
          FileTrees.delete(copy);
        }
      }
    }
  }

  /** Removes a copy {@link #copy} made, with the temporary directory it made for it. */
  static void delete(Path copy) {
    try {
      FileTrees.delete(copy.getParent());
    } catch (IOException e) {
      // A temporary directory: the operating system's cleaning removes what is left.
    }
  }
}
