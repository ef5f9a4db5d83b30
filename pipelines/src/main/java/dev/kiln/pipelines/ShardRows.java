package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import java.util.List;

/**
 * A shard's catalog rows in shard order and, at the same positions, its samples' image lengths
 * (which the dataset's {@code sample-fields.bin} keeps for the next incremental run).
 */
public record ShardRows(List<CatalogEntry> entries, List<Integer> imageLengths) {
  public ShardRows {
    if (entries.size() != imageLengths.size()) {
      throw new IllegalArgumentException(
          entries.size() + " catalog rows but " + imageLengths.size() + " image lengths");
    }
  }
}
