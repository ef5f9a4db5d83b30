package dev.kiln.pipelines;

import java.io.Serializable;

/**
 * How shards are laid out, beyond their format.
 *
 * @param targetBytes target shard size; the shard count is ceil(total bytes / target)
 * @param align record alignment of kiln shards (0 = packed, else a power of two)
 * @param parquetRowGroupBytes row group size of parquet shards
 */
public record ShardOptions(long targetBytes, int align, int parquetRowGroupBytes)
    implements Serializable {
  public static final int DEFAULT_ALIGN = 4096;
  public static final int DEFAULT_PARQUET_ROW_GROUP = 8 << 20;

  public ShardOptions {
    if (targetBytes < 1) {
      throw new IllegalArgumentException("--shard-size=" + targetBytes + ": must be positive");
    }
    if (align < 0 || (align != 0 && Integer.bitCount(align) != 1)) {
      throw new IllegalArgumentException(
          "--align=" + align + ": must be 0 (packed) or a power of two");
    }
  }

  public static ShardOptions of(long targetBytes) {
    return new ShardOptions(targetBytes, DEFAULT_ALIGN, DEFAULT_PARQUET_ROW_GROUP);
  }
}
