package dev.kiln.runners;

import dev.kiln.formats.FileTrees;
import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.transforms.beam.PreviousVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The current version of an {@code s3://} root that an incremental run compares with and builds on,
 * copied to a local directory as far as the launcher reads it: its manifest and inputs to tell what
 * changed ({@link #forComparing}), and for the local runner what carrying samples over reads
 * ({@link #forCarryingOver}). A Beam runner's workers copy what they read themselves, from {@link
 * #location}. The copy, named after the version so that messages name it, is deleted on close.
 */
final class ObjectStoreBase implements AutoCloseable {
  private final S3Objects store;
  private final S3Location version;
  private final Path copy;
  private final List<String> copied = new ArrayList<>();

  private ObjectStoreBase(S3Objects store, S3Location version, Path copy) {
    this.store = store;
    this.version = version;
    this.copy = copy;
  }

  /** The current version of the root {@code output}, or null when it has none yet. */
  static ObjectStoreBase current(S3Objects store, String output, String runId) throws IOException {
    S3Location root = S3Location.parse(output);
    String name = ObjectStoreVersions.currentVersion(store, root);
    if (name == null) {
      return null;
    }
    Path copy = ObjectStoreStaging.create("kiln-base-", runId).resolve(name);
    Files.createDirectories(copy);
    return new ObjectStoreBase(store, root.resolve(name), copy);
  }

  /** The version in the store, as a Beam runner's job names it to its workers. */
  String location() {
    return version.toString();
  }

  /** The local copy of the version's manifest and inputs. */
  Path forComparing() throws IOException {
    return copyFiles(
        name ->
            name.equals(Manifest.FILE_NAME)
                || name.equals(InputRecord.FILE_NAME)
                || InputChanges.FILES.isChangesFile(name));
  }

  /** The local copy with, in addition, everything carrying samples over reads. */
  Path forCarryingOver() throws IOException {
    return copyFiles(PreviousVersion::readsFile);
  }

  private Path copyFiles(Predicate<String> wanted) throws IOException {
    List<String> names = new ArrayList<>();
    for (S3Object object : store.list(version)) {
      String name = object.key().substring(version.prefix().length());
      if (!name.contains("/") && wanted.test(name) && !copied.contains(name)) {
        names.add(name);
      }
    }
    try {
      // Shards are large and each GET streams on its own: a few at once.
      names.parallelStream()
          .forEach(
              name -> {
                try {
                  store.download(version.resolve(name), copy.resolve(name));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    copied.addAll(names);
    return copy;
  }

  /**
   * Closes the copies this JVM opened and deletes the launcher's: on an embedded runner ({@code
   * direct}, {@code flink-local}) the workers' copy is this JVM's too.
   */
  @Override
  public void close() {
    PreviousVersion.forget(copy.toString());
    PreviousVersion.forget(location());
    try {
      FileTrees.delete(copy.getParent());
    } catch (IOException e) {
      System.err.println("kiln: could not remove the copy " + copy + ": " + e.getMessage());
    }
  }
}
