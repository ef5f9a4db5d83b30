package dev.kiln.formats.kiln;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One shard as a dataset version's index lists it: the shard file (name, size, record count and
 * checksums, as its trailer and a whole-file read give them) and the records of it the version
 * holds, in file order. A shard shared between versions keeps its bytes; a version that deleted or
 * replaced some of its samples lists the others ({@link ShardLayout#INDEX_VERSION_SHARED}).
 *
 * @param live the listed records, a subsequence of the shard's footer
 */
public record LiveShard(
    String name,
    long fileSize,
    long fileRecordCount,
    int fileCrc,
    int footerCrc,
    List<IndexEntry> live) {
  public LiveShard {
    if (live.size() > fileRecordCount) {
      throw new IllegalArgumentException(
          name + ": " + live.size() + " live records of " + fileRecordCount);
    }
    live = List.copyOf(live);
  }

  /** Every record of a shard its writer summarised. */
  public static LiveShard whole(ShardSummary shard) {
    return new LiveShard(
        shard.fileName(),
        shard.bytes(),
        shard.recordCount(),
        shard.fileCrc32c(),
        shard.footerCrc32c(),
        shard.entries());
  }

  /**
   * Shard {@code s} of {@code index} with those of its listed records whose dataset position {@code
   * keep} accepts.
   */
  public static LiveShard of(DatasetIndex index, int s, IntPredicate keep) {
    int first = index.shardFirstRecord(s);
    int n = index.shardRecordCount(s);
    List<IndexEntry> live = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      if (keep.test(i)) {
        live.add(index.entry(i));
      }
    }
    return new LiveShard(
        index.shardFileName(s),
        index.shardFileSize(s),
        index.shardFileRecordCount(s),
        index.shardFileCrc32c(s),
        index.shardFooterCrc32c(s),
        live);
  }

  /** Bytes of the shard's records that the version does not list (rounded to no alignment). */
  public long deadBytes() {
    long live = 0;
    for (IndexEntry e : this.live) {
      live += e.length();
    }
    return Math.max(0, fileSize - live);
  }
}
