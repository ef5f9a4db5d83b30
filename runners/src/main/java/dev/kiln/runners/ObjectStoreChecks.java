package dev.kiln.runners;

import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.runners.objectstore.BeamObjectStore;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What {@code prepare} checks and sets up before any work when a location is {@code s3://}: one
 * store client for the run, Beam's S3 file system pointed at the same endpoint, each bucket
 * reachable with the credentials (a missing bucket, refused credentials or an unreachable endpoint
 * is exit 2 naming the location and the cause), and the settings that do not yet work with an S3
 * output refused by name.
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
  static S3Objects storeFor(PrepareOptions options, RunnerChoice runner, boolean beamOptions)
      throws UsageException {
    for (String[] table :
        new String[][] {
          {"--metadata", options.getMetadata()}, {"--annotations", options.getAnnotations()}
        }) {
      if (S3Location.isS3(table[1])) {
        // Both are read once by the launcher as local files; copy the object first.
        throw new UsageException(
            table[0]
                + "="
                + table[1]
                + ": s3:// is not supported here yet; copy the object to a local file and give its path");
      }
    }
    boolean output = S3Location.isS3(options.getOutput());
    if (!output
        && !S3Location.isS3(options.getInput())
        && !S3Location.isS3(options.getMetadata())
        && !S3Location.isS3(options.getAnnotations())) {
      return null;
    }
    if (output) {
      if (runner == RunnerChoice.FLINK) {
        throw new UsageException(
            "--output="
                + options.getOutput()
                + ": an s3:// output is written from a local staging directory, which a Flink cluster's"
                + " TaskManagers do not share; use --runner=local, direct or flink-local");
      }
      if (options.getIncremental()) {
        throw new UsageException(
            "--incremental: not supported with an s3:// --output (use --versioned)");
      }
      if (options.getSplit() != null && !options.getSplit().isBlank()) {
        throw new UsageException("--split: not supported with an s3:// --output");
      }
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
    return new S3Objects(access);
  }

  /** Checks that the bucket of {@code location} (given as {@code flag}) can be used. */
  static void checkReachable(S3Objects store, String flag, String location) throws UsageException {
    try {
      store.checkBucket(S3Location.parse(location));
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(flag + "=" + location + ": " + e.getMessage());
    }
  }

  /** The S3 output of the run: a versioned root, or a plain prefix. */
  static Publication output(S3Objects store, PrepareOptions options, String runId, PrintStream err)
      throws UsageException {
    String output = options.getOutput();
    boolean versioned;
    try {
      versioned = options.getVersioned() || ObjectStoreVersions.isVersionedRoot(store, output);
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": " + e.getMessage());
    }
    return versioned
        ? ObjectStoreVersions.prepare(store, output, runId, options.getKeepVersions(), err)
        : ObjectStoreOutput.prepare(store, output, options.getOverwrite(), runId);
  }
}
