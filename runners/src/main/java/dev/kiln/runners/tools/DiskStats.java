package dev.kiln.runners.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads completed and bytes read by the machine's whole disks ({@code /proc/diskstats}), so a
 * benchmark can show what reached the device: with buffered reads, kernel readahead can turn one
 * requested window into a larger device read that later samples then find in the page cache.
 * Machine-wide: other processes' reads during a run are counted too.
 */
final class DiskStats {
  /** Cumulative reads completed and bytes read. */
  record Snapshot(long reads, long bytes) {
    Snapshot minus(Snapshot before) {
      return new Snapshot(reads - before.reads, bytes - before.bytes);
    }
  }

  private DiskStats() {}

  /** Totals over whole disks (not partitions, loop, RAM or device-mapper devices), if readable. */
  static Optional<Snapshot> read() {
    try {
      long reads = 0;
      long sectors = 0;
      for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 6) {
          continue;
        }
        String name = f[2];
        // Partitions have no /sys/block entry; virtual devices would count the same I/O twice.
        if (!Files.isDirectory(Path.of("/sys/block", name))
            || name.startsWith("loop")
            || name.startsWith("ram")
            || name.startsWith("zram")
            || name.startsWith("dm-")) {
          continue;
        }
        reads += Long.parseLong(f[3]);
        sectors += Long.parseLong(f[5]);
      }
      return Optional.of(new Snapshot(reads, sectors * 512));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
