package dev.kiln.formats.kiln;

import java.util.regex.Pattern;

/**
 * How far a dataset version is from the canonical layout a full run writes: the bytes of records it
 * no longer lists (samples deleted or replaced since its shards were written) and the bytes of the
 * shards incremental runs added beside them ({@code <prefix>-vNNNNNN-NNNNN.kiln}).
 *
 * @param shardBytes the size of every shard the version lists
 * @param deadBytes each shard's bytes in the proportion of its records the version does not list
 * @param deltaBytes the live part of the shards incremental runs added
 * @param deltaShards how many such shards the version lists
 */
public record VersionLayout(long shardBytes, long deadBytes, long deltaBytes, int deltaShards) {
  /** An incremental run's own shard: named after the version that wrote it. */
  private static final Pattern DELTA_SHARD = Pattern.compile(".*-v\\d{6}-\\d+\\.kiln");

  /** The layout of the version {@code index} describes. */
  public static VersionLayout of(DatasetIndex index) {
    long total = 0;
    long dead = 0;
    long delta = 0;
    int deltaShards = 0;
    for (int s = 0; s < index.shardCount(); s++) {
      long size = index.shardFileSize(s);
      long records = index.shardFileRecordCount(s);
      long deadPart =
          records == 0
              ? 0
              : Math.round(size * (double) (records - index.shardRecordCount(s)) / records);
      total += size;
      dead += deadPart;
      if (isDeltaShard(index.shardFileName(s))) {
        delta += size - deadPart;
        deltaShards++;
      }
    }
    return new VersionLayout(total, dead, delta, deltaShards);
  }

  /** Whether {@code name} is a shard an incremental run wrote beside shared ones. */
  public static boolean isDeltaShard(String name) {
    return DELTA_SHARD.matcher(name).matches();
  }

  /**
   * The fraction of the shard bytes that a compaction would rewrite or drop: dead records and delta
   * shards; 0 for the canonical layout.
   */
  public double nonCanonicalFraction() {
    return shardBytes == 0 ? 0 : (double) (deadBytes + deltaBytes) / shardBytes;
  }

  /** Whether this is the canonical layout: no dead record and no delta shard. */
  public boolean isCanonical() {
    return deadBytes == 0 && deltaShards == 0;
  }
}
