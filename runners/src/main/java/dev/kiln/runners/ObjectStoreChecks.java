package dev.kiln.runners;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.runners.objectstore.BeamObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * What {@code prepare} checks and sets up before any work when a location is {@code s3://}: one
 * store client for the run, Beam's S3 file system pointed at the same endpoint (which also reads
 * {@code s3://} metadata tables and annotations), each bucket reachable with the credentials (a
 * missing bucket, refused credentials or an unreachable endpoint is exit 2 naming the location and
 * the cause).
 */
final class ObjectStoreChecks {
  private ObjectStoreChecks() {}

  /**
   * A store client when any location of the run is on S3 (else null). With {@code beamOptions}
   * Beam's S3 options are configured for the same store; settings read without Beam ({@link
   * PrepareArguments#readWithoutBeam}) take the store from the environment alone, as asking them
   * for Beam's S3 options would make Beam read every settings interface on the class path, seconds
   * before the first request.
   */
  static S3Objects storeFor(PrepareOptions options, boolean beamOptions) throws UsageException {
    if (!anyLocationOnS3(options)) {
      return null;
    }
    S3Access access;
    try {
      access = beamOptions ? BeamObjectStore.accessOf(options) : S3Access.fromEnvironment();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (beamOptions) {
      BeamObjectStore.configure(options, access);
    }
    if (S3Location.isS3(options.getMetadata()) || S3Location.isS3(options.getAnnotations())) {
      // The launcher reads these through Beam's file systems (LocatedFiles), whatever the runner;
      // settings read without Beam get options of their own, only then.
      PipelineOptions files = beamOptions ? options : PipelineOptionsFactory.create();
      if (!beamOptions) {
        BeamObjectStore.configure(files, access);
      }
      FileSystems.setDefaultPipelineOptions(files);
    }
    return new S3Objects(access);
  }

  /** Whether any location of the run (input, output, metadata, annotations) is on S3. */
  static boolean anyLocationOnS3(PrepareOptions options) {
    return S3Location.isS3(options.getOutput())
        || S3Location.isS3(options.getInput())
        || S3Location.isS3(options.getMetadata())
        || S3Location.isS3(options.getAnnotations());
  }

  /**
   * Records the SHA-256 of an {@code s3://} {@code --annotations} object in {@code recorded}, as
   * {@link PrepareCommand#settingsOf} does a local file's: an edited object at the same location
   * changes the samples.
   */
  static void recordAnnotations(
      S3Objects store, PrepareOptions options, Map<String, String> recorded) {
    String annotations = options.getAnnotations();
    if (store == null || !S3Location.isS3(annotations) || !annotations.endsWith(".json")) {
      return;
    }
    try {
      recorded.put(
          "annotations-sha256", FileDigest.sha256(store.read(S3Location.parse(annotations))));
    } catch (IOException e) {
      recorded.put("annotations-sha256", "unreadable: " + e.getMessage());
    }
  }

  /** Checks that the bucket of {@code location} (given as {@code flag}) can be used. */
  static void checkReachable(S3Objects store, String flag, String location) throws UsageException {
    try {
      store.checkBucket(S3Location.parse(location));
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(flag + "=" + location + ": " + e.getMessage());
    }
  }

  /**
   * The S3 output of the run: a versioned root, or a plain prefix; on a Flink cluster ({@code
   * runner}), whose TaskManagers share no directory with the launcher, staged by the workers in the
   * store ({@link ObjectStoreWorkerStaging}).
   */
  static Publication output(
      S3Objects store, PrepareOptions options, String runId, PrintStream err, RunnerChoice runner)
      throws UsageException {
    Publication output = output(store, options, runId, err);
    return runner == RunnerChoice.FLINK
        ? ObjectStoreWorkerStaging.of(store, output, options.getOutput(), runId)
        : output;
  }

  private static Publication output(
      S3Objects store, PrepareOptions options, String runId, PrintStream err)
      throws UsageException {
    String output = options.getOutput();
    boolean versioned;
    try {
      versioned =
          options.getVersioned()
              || options.getIncremental()
              || ObjectStoreVersions.isVersionedRoot(store, output);
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": " + e.getMessage());
    }
    return versioned
        ? ObjectStoreVersions.prepare(store, output, runId, options.getKeepVersions(), err)
        : ObjectStoreOutput.prepare(store, output, options.getOverwrite(), runId);
  }
}
