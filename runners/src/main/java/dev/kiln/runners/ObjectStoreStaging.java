package dev.kiln.runners;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local directory a run with an {@code s3://} output stages its dataset in before uploading it:
 * {@code KILN_STAGING_DIR} when set (it must hold the whole dataset), else the JVM's temporary
 * directory.
 */
final class ObjectStoreStaging {
  static final String DIR_ENV = "KILN_STAGING_DIR";

  private ObjectStoreStaging() {}

  static Path create(String runId) throws IOException {
    return create("kiln-staging-", runId);
  }

  /** A new directory for run {@code runId} named from {@code prefix}, where staging goes. */
  static Path create(String prefix, String runId) throws IOException {
    String dir = System.getenv(DIR_ENV);
    Path parent =
        Path.of(dir == null || dir.isBlank() ? System.getProperty("java.io.tmpdir") : dir);
    Files.createDirectories(parent);
    return Files.createTempDirectory(parent, prefix + runId + "-");
  }
}
