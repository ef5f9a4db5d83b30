package dev.kiln.runners.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Empties the Linux page cache ({@code sync; echo 3 > /proc/sys/vm/drop_caches}) so that a read
 * benchmark measures the device rather than memory. Needs root; containers often refuse it even to
 * root (read-only {@code /proc/sys}), which the caller must then report next to its figures.
 */
final class PageCache {
  static final String COMMAND = "sync; echo 3 > /proc/sys/vm/drop_caches";
  private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  private PageCache() {}

  /** Drops clean pages, dentries and inodes; returns why not when that is refused. */
  static Optional<String> drop() {
    try {
      // Dirty pages are not dropped, so write them back first (files a benchmark just created).
      Process sync = new ProcessBuilder("sync").redirectErrorStream(true).start();
      sync.getInputStream().readAllBytes();
      if (sync.waitFor() != 0) {
        return Optional.of("sync exited with " + sync.exitValue());
      }
      Files.writeString(DROP_CACHES, "3\n");
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(DROP_CACHES + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
