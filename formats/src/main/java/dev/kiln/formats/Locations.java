package dev.kiln.formats;

/**
 * Locations as Kiln takes them (inputs, outputs, staging, dataset versions): a local path, a {@code
 * file:} URI, or the URI of another of Beam's file systems ({@code s3://bucket/prefix}).
 */
public final class Locations {
  private Locations() {}

  /**
   * Whether {@code location} is on a file system other than the local one, which Kiln reaches
   * through Beam's file systems rather than {@code java.nio} paths.
   */
  public static boolean isRemote(String location) {
    return location.contains("://") && !location.startsWith("file:");
  }
}
