package dev.kiln.pipelines;

import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a dataset directory is published: it is written into a hidden staging directory beside the
 * target and renamed into place only when complete, so a reader never sees part of it, and an
 * output it replaces is renamed aside first and removed only after the new one is in place.
 */
public final class DirectorySwap {
  private DirectorySwap() {}

  /** The staging directory of run {@code runId} for {@code target}: beside it, hidden. */
  public static Path stagingFor(Path target, String runId) {
    return target.getParent().resolve("." + target.getFileName() + ".staging-" + runId);
  }

  /**
   * Moves the complete {@code staging} directory to {@code target}.
   *
   * @throws IOException when {@code target} exists and {@code overwrite} is false
   */
  public static Path publish(Path staging, Path target, boolean overwrite) throws IOException {
    Path previous = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!overwrite) {
        throw new IOException(target + " exists; not replacing it without overwrite");
      }
      previous =
          target.resolveSibling("." + target.getFileName() + ".replaced-" + staging.getFileName());
      Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    if (previous != null) {
      FileTrees.delete(previous);
    }
    return target;
  }
}
