package dev.kiln.pipelines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where a run's workers put their results inside the staging directory, before the launcher
 * assembles {@code manifest.json} and publishes: shard files at the top; under {@value #PARTS} one
 * description and one catalog part per shard, and the sorted rejects.
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

  /**
   * The catalog rows of shard {@code index} ({@link PartFiles}): {@code _parts/catalog-NNNNN.part}.
   */
  public static Path catalogPart(Path staging, int index) {
    return parts(staging).resolve(String.format("catalog-%05d.part", index));
  }

  /** The inputs listed in one key bucket ({@link PartFiles}): {@code _parts/listing-NNNNN.part}. */
  public static Path listingPart(Path staging, int bucket) {
    return parts(staging).resolve(String.format("listing-%05d.part", bucket));
  }

  /** Writes lines to a hidden temporary file and renames it to {@code target}. */
  public static void writeAtomically(Path target, List<String> lines) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
