package dev.kiln.pipelines;

import java.nio.file.Path;

/**
 * Where a run's workers put their results inside the staging directory, before the launcher
 * assembles {@code manifest.json} and publishes: shard files at the top, one description per
 * shard and the sorted rejects under {@value #PARTS}.
 */
public final class StagingLayout {
  public static final String PARTS = "_parts";
  public static final String REJECTS_PART = "rejects.jsonl";
  public static final String SHARD_PREFIX = "shard";

  private StagingLayout() {}

  public static Path parts(Path staging) {
    return staging.resolve(PARTS);
  }

  /** The description of shard {@code index}: {@code _parts/shard-NNNNN.json}. */
  public static Path shardPart(Path staging, int index) {
    return parts(staging).resolve(String.format("%s-%05d.json", SHARD_PREFIX, index));
  }

  public static Path rejectsPart(Path staging) {
    return parts(staging).resolve(REJECTS_PART);
  }
}
