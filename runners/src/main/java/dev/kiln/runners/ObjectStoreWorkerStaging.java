package dev.kiln.runners;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.LauncherListing;
import dev.kiln.pipelines.StagingLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@code s3://} output written by the TaskManagers of a Flink cluster, which share no filesystem
 * with the launcher or each other: the job's workers stage their shards, catalog parts, listing and
 * rejects below a run-specific prefix beside the output, {@code .NAME.staging-<run id>/} ({@link
 * dev.kiln.pipelines.WorkerStaging}), instead of in a directory. Once the job is done, the launcher
 * fetches them into its own staging directory ({@link #collectWorkerStaging}) and removes the
 * prefix; finishing and publishing then go as for any S3 output ({@code manifest.json} last, {@code
 * CURRENT} after it), so the published bytes are a local run's. A failed run removes the prefix
 * too.
 */
final class ObjectStoreWorkerStaging implements Publication {
  private final S3Objects store;
  private final Publication output;
  private final S3Location prefix;

  private ObjectStoreWorkerStaging(S3Objects store, Publication output, S3Location prefix) {
    this.store = store;
    this.output = output;
    this.prefix = prefix;
  }

  /** {@code output}, staged by the workers below a prefix beside {@code target} for run runId. */
  static ObjectStoreWorkerStaging of(
      S3Objects store, Publication output, String target, String runId) {
    S3Location location = S3Location.parse(target);
    String name = location.key().isEmpty() ? "kiln" : location.name();
    String parent =
        location.key().contains("/")
            ? location.key().substring(0, location.key().lastIndexOf('/') + 1)
            : "";
    return new ObjectStoreWorkerStaging(
        store,
        output,
        new S3Location(location.bucket(), parent + "." + name + ".staging-" + runId));
  }

  @Override
  public Path staging() {
    return output.staging();
  }

  @Override
  public String workerStaging() {
    return prefix.toString();
  }

  @Override
  public void collectWorkerStaging() throws IOException {
    String spill = prefix.prefix() + StagingLayout.PARTS + "/spill/";
    List<S3Object> objects = store.list(prefix);
    // Some servers (s3proxy's filesystem backend) list a "directory" as an object of its own.
    Set<String> directories = new HashSet<>();
    for (S3Object o : objects) {
      for (int slash = o.key().indexOf('/'); slash >= 0; slash = o.key().indexOf('/', slash + 1)) {
        directories.add(o.key().substring(0, slash));
      }
    }
    for (S3Object o : objects) {
      if (o.key().startsWith(spill) || o.key().endsWith("/") || directories.contains(o.key())) {
        continue; // the spilled records are in the shards already
      }
      if (o.key().endsWith("/" + LauncherListing.FILE_NAME)) {
        continue; // what this launcher listed and uploaded for the workers
      }
      Path file = staging().resolve(o.key().substring(prefix.prefix().length()));
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      store.download(new S3Location(prefix.bucket(), o.key()), file);
    }
    store.deleteAll(prefix);
  }

  @Override
  public String target() {
    return output.target();
  }

  @Override
  public String publish() throws IOException {
    return output.publish();
  }

  @Override
  public void discard() {
    output.discard();
    try {
      store.deleteAll(prefix);
    } catch (IOException e) {
      System.err.println(
          "kiln: could not remove the failed run's staging objects under "
              + prefix
              + ": "
              + e.getMessage());
    }
  }

  @Override
  public void close() {
    output.close();
  }
}
