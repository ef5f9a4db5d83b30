package dev.kiln.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Files the launcher reads once by name ({@code --metadata}, {@code --annotations}): a local path,
 * or a location on any file system Beam has registered ({@code s3://bucket/key}, read through
 * Beam's S3 file system with the run's endpoint and credentials).
 */
public final class LocatedFiles {
  private LocatedFiles() {}

  /** Whether {@code location} is a local path rather than a {@code scheme://} location. */
  public static boolean isLocal(String location) {
    return !location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  /**
   * Opens {@code location} for reading.
   *
   * @throws java.io.FileNotFoundException when there is no such file or object
   */
  public static InputStream open(String location) throws IOException {
    return isLocal(location)
        ? Files.newInputStream(Path.of(location))
        : Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(location).resourceId()));
  }

  /** Whether there is a regular file or an object at {@code location}. */
  public static boolean exists(String location) {
    if (isLocal(location)) {
      return Files.isRegularFile(Path.of(location));
    }
    try {
      FileSystems.matchSingleFileSpec(location);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
