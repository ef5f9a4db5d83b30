package dev.kiln.beam;

import dev.kiln.pipelines.ShardFormat;

/**
 * Beam IO writing WebDataset tar shards ({@code <key>.jpg} and {@code <key>.json} members, no
 * timestamps or owners, PAX headers for long names) with the guarantees of {@link DatasetWrite}:
 * deterministic shards, catalog, manifest, staged then published.
 *
 * <pre>{@code
 * samples.apply(WebDatasetIO.write().to("/data/datasets/photos-wds").withShardSize(1L << 30));
 * }</pre>
 */
public final class WebDatasetIO {
  private WebDatasetIO() {}

  /** A sink writing a WebDataset dataset; see {@link DatasetWrite}. */
  public static DatasetWrite write() {
    return DatasetWrite.of(ShardFormat.WEBDATASET);
  }
}
