package dev.kiln.runners;

import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.StagedUpload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A dataset published to an {@code s3://bucket/prefix} output, where there is no rename: the run
 * works in a local staging directory, then uploads the files with {@code manifest.json} last, so a
 * reader (which opens a dataset through its manifest) sees no dataset until it is complete.
 * Replacing an existing output ({@code --overwrite}) removes its manifest first, so during the
 * upload readers find no dataset rather than a mix of two runs; a versioned root ({@link
 * ObjectStoreVersions}) keeps the previous version readable instead.
 */
final class ObjectStoreOutput implements Publication {
  private final S3Objects store;
  private final S3Location target;
  private final Path staging;
  private final boolean overwrite;
  private final List<String> uploaded = new ArrayList<>();

  private ObjectStoreOutput(S3Objects store, S3Location target, Path staging, boolean overwrite) {
    this.store = store;
    this.target = target;
    this.staging = staging;
    this.overwrite = overwrite;
  }

  /**
   * Checks that {@code output} can be written (bucket reachable, no dataset there unless {@code
   * overwrite}) and makes a local staging directory for run {@code runId}.
   */
  static ObjectStoreOutput prepare(S3Objects store, String output, boolean overwrite, String runId)
      throws UsageException {
    S3Location target = S3Location.parse(output);
    try {
      store.checkBucket(target);
      if (!overwrite && !store.list(target).isEmpty()) {
        throw new UsageException(
            "--output=" + output + ": already holds objects; pass --overwrite to replace them");
      }
      return new ObjectStoreOutput(store, target, ObjectStoreStaging.create(runId), overwrite);
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": " + e.getMessage());
    }
  }

  @Override
  public Path staging() {
    return staging;
  }

  @Override
  public String target() {
    return target.toString();
  }

  @Override
  public String publish() throws IOException {
    List<S3Object> before = store.list(target);
    if (!before.isEmpty() && !overwrite) {
      throw new IOException(
          target + " received objects during the run; not replacing them without --overwrite");
    }
    S3Location manifest = target.resolve(Manifest.FILE_NAME);
    if (store.exists(manifest)) {
      store.delete(target.bucket(), List.of(manifest.key()));
    }
    StagedUpload.upload(store, staging, target, uploaded);
    Set<String> kept = new HashSet<>(uploaded);
    List<String> stale = new ArrayList<>();
    for (S3Object o : before) {
      if (!kept.contains(o.key())) {
        stale.add(o.key());
      }
    }
    store.delete(target.bucket(), stale);
    FileTrees.delete(staging);
    return target.toString();
  }

  @Override
  public void discard() {
    Publication.super.discard();
    try {
      // Nothing was published (no manifest); what was uploaded before the failure goes.
      store.delete(target.bucket(), List.copyOf(uploaded));
    } catch (IOException e) {
      System.err.println(
          "kiln: could not remove the objects of the failed run under "
              + target
              + ": "
              + e.getMessage());
    }
  }

  @Override
  public void close() {
    // The store's client belongs to the command, which closes it.
  }
}
