package dev.kiln.runners;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.pipelines.StagedDataset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The output root of a {@code --split} run ({@link SplitPrepare}): a directory or an {@code s3://}
 * prefix holding one dataset per split, {@code ROOT/<split>}, and the root's manifest and rejects.
 * On S3 the root's files are written locally and uploaded, the manifest last.
 */
final class SplitRoot implements AutoCloseable {
  private final String output;

  /** The store client for an {@code s3://} root, else null. */
  private final S3Objects store;

  private SplitRoot(String output, S3Objects store) {
    this.output = output;
    this.store = store;
  }

  /** The root {@code --output} names; {@code beamOptions} as for {@link ObjectStoreChecks}. */
  static SplitRoot of(PrepareOptions options, boolean beamOptions) throws UsageException {
    String output = options.getOutput();
    return new SplitRoot(
        output, S3Location.isS3(output) ? ObjectStoreChecks.storeFor(options, beamOptions) : null);
  }

  /** Where {@code name} below the root is: a split's dataset, or a file of the root's. */
  String location(String name) {
    return store == null
        ? Path.of(output).resolve(name).toString()
        : S3Location.parse(output).resolve(name).toString();
  }

  /** Whether a split's location holds something other than a versioned root already. */
  boolean holdsUnversionedData(String split) throws UsageException {
    if (store == null) {
      Path target = Path.of(output).resolve(split);
      return Files.exists(target) && !DatasetRoot.of(target).isVersioned();
    }
    try {
      S3Location target = S3Location.parse(output).resolve(split);
      return !store.list(target).isEmpty()
          && !ObjectStoreVersions.isVersionedRoot(store, target.toString());
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": " + e.getMessage());
    }
  }

  /** The manifest of the dataset a split's run published (its current version if versioned). */
  Manifest manifestOf(String split) throws IOException {
    if (store == null) {
      return Manifest.readFrom(Path.of(output).resolve(split));
    }
    S3Location dir = S3Location.parse(output).resolve(split);
    String current = ObjectStoreVersions.currentVersion(store, dir);
    S3Location manifest =
        (current == null ? dir : dir.resolve(current)).resolve(Manifest.FILE_NAME);
    return Manifest.readFrom(new ByteArrayInputStream(store.read(manifest)), manifest.toString());
  }

  /** Writes the root's files into a directory. */
  @FunctionalInterface
  interface RootFiles {
    void writeTo(Path dir) throws IOException;
  }

  /** Writes the root's manifest and rejects: in place, or uploaded with the manifest last. */
  void write(RootFiles files) throws IOException {
    if (store == null) {
      files.writeTo(Path.of(output));
      return;
    }
    Path dir = Files.createTempDirectory("kiln-split-root-");
    try {
      files.writeTo(dir);
      S3Location root = S3Location.parse(output);
      String rejects = StagedDataset.REJECTS_DIR + "/" + StagedDataset.REJECTS_FILE;
      store.put(root.resolve(rejects), dir.resolve(rejects));
      store.put(root.resolve(Manifest.FILE_NAME), dir.resolve(Manifest.FILE_NAME));
    } finally {
      FileTrees.delete(dir);
    }
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
