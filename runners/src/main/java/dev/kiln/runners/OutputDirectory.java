package dev.kiln.runners;

import dev.kiln.pipelines.DirectorySwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A run's output directory and its staging sibling. Workers write into the hidden staging directory
 * beside the output (same filesystem, so publishing is a rename); the output appears only when the
 * run is complete, and an existing output is replaced only with {@code --overwrite}, never mixed
 * with a new run's files.
 */
public final class OutputDirectory implements Publication {
  private final Path target;
  private final Path staging;
  private final boolean overwrite;

  private OutputDirectory(Path target, Path staging, boolean overwrite) {
    this.target = target;
    this.staging = staging;
    this.overwrite = overwrite;
  }

  /**
   * Checks that {@code output} can be written and reserves a staging directory for run {@code
   * runId}.
   *
   * @throws UsageException when the output exists (without overwrite) or cannot be created
   */
  public static OutputDirectory prepare(String output, boolean overwrite, String runId)
      throws UsageException {
    Path target = Path.of(output).toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new UsageException("--output=" + output + ": exists and is not a directory");
      }
      if (!overwrite) {
        throw new UsageException(
            "--output=" + output + ": already exists; pass --overwrite to replace it");
      }
    }
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
      Path staging = DirectorySwap.stagingFor(target, runId);
      Files.createDirectory(staging);
      return new OutputDirectory(target, staging, overwrite);
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": cannot create " + e.getMessage());
    }
  }

  @Override
  public String target() {
    return target.toString();
  }

  @Override
  public Path staging() {
    return staging;
  }

  /**
   * Moves the complete staging directory into place. An existing output is first renamed aside and
   * removed only after the new one is in place.
   */
  @Override
  public String publish() throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
      throw new IOException(
          target + " appeared during the run; not replacing it without --overwrite");
    }
    return DirectorySwap.publish(staging, target, overwrite).toString();
  }

  @Override
  public void close() {
    // Nothing is held between preparing and publishing a plain output directory.
  }
}
