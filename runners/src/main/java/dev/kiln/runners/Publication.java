package dev.kiln.runners;

import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.nio.file.Path;

/** Where a run writes while it works, and how its result becomes visible when complete. */
interface Publication extends AutoCloseable {
  /** The directory the job's workers write into. */
  Path staging();

  /**
   * Where the job's workers stage their shards and parts: the staging directory, or an object-store
   * prefix when they share no filesystem with the launcher ({@link ObjectStoreWorkerStaging}).
   */
  default String workerStaging() {
    return staging().toString();
  }

  /**
   * Brings what the workers staged into {@link #staging()} once the job is done, when they staged
   * it elsewhere ({@link #workerStaging()}).
   */
  default void collectWorkerStaging() throws IOException {}

  /** What the user named with --output: a directory, or an {@code s3://} location. */
  String target();

  /**
   * Makes the complete staging directory the output; returns where the published dataset is (a
   * directory, or an {@code s3://} location).
   */
  String publish() throws IOException;

  /** Removes the staging directory of a failed run. */
  default void discard() {
    try {
      FileTrees.delete(staging());
    } catch (IOException e) {
      System.err.println(
          "kiln: could not remove staging directory " + staging() + ": " + e.getMessage());
    }
  }

  /** Releases whatever the run held (locks); idempotent. */
  @Override
  void close();
}
