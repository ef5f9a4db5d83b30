package dev.kiln.runners.local;

import dev.kiln.formats.InputRecord;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.pipelines.StagingLayout;
import dev.kiln.pipelines.WriteShards;
import dev.kiln.transforms.beam.PreviousVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * Rewrites a dataset version into the canonical layout ({@code kiln compact}): every sample the
 * version lists, in the order and shards a full run over the same inputs gives them ({@link
 * dev.kiln.pipelines.SampleOrder}, {@code ceil(total / --shard-size)} shards), its record copied as
 * it is (in the kernel, checked against its checksum on the way), with the version's inputs and
 * rejections. Nothing is decoded and no input is read: the version alone is rewritten, so its
 * samples stay byte for byte what they were, and the shards, the index, the catalog and the inputs
 * are those of a full run.
 */
public final class LocalCompaction {
  private LocalCompaction() {}

  /**
   * Stages the canonical layout of {@code version} in {@code staging}; returns the parts for {@link
   * StagedDataset#finish(Path, ShardFormat, java.util.Map, String, Path, boolean, StagedParts)},
   * whose last shard may still be completing.
   */
  public static StagedParts stage(Path version, Path staging, ShardOptions shardOptions)
      throws IOException {
    PreviousVersion previous = PreviousVersion.at(version.toString());
    DatasetIndex index = previous.index();
    StagedParts parts = new StagedParts(new ArrayList<>(InputRecord.readAll(version).values()));
    try (SampleSpill spill =
        new SampleSpill(
            staging.resolve("_spill"), WriteShards::measure, previous::carried, index.size())) {
      for (int i = 0; i < index.size(); i++) {
        spill.addCarried(index.key(i), i, previous.imageLength(i));
      }
      ShardsFromSpill.write(
          spill, parts, ShardFormat.KILN, shardOptions, staging, StagingLayout.SHARD_PREFIX);
    }
    // The version's rejections, as the run that made them left them for finishing.
    Path rejects = version.resolve(StagedDataset.REJECTS_DIR).resolve(StagedDataset.REJECTS_FILE);
    if (Files.size(rejects) > 0) {
      Path part = StagingLayout.rejectsPart(staging);
      Files.createDirectories(part.getParent());
      Files.copy(rejects, part);
    }
    return parts;
  }
}
