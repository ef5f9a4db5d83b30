package dev.kiln.formats.kiln;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a dataset's {@code index.kidx}: the last step of writing a Kiln dataset, after every
 * shard has been closed. Readers load it with one read and then serve samples without touching
 * shard footers.
 */
public final class DatasetIndexWriter {
  private DatasetIndexWriter() {}

  /**
   * Writes {@code datasetDir/index.kidx} from the summaries returned by {@link
   * KilnShardWriter#close()}, in any order (shards are sorted by name and shard number).
   *
   * @return the index written
   * @throws IllegalArgumentException if shards disagree on schema or alignment, or a key appears
   *     twice in the dataset
   */
  public static DatasetIndex write(Path datasetDir, List<ShardSummary> shards) throws IOException {
    DatasetIndex index = DatasetIndex.fromSummaries(shards);
    index.write(datasetDir.resolve(ShardLayout.INDEX_FILE_NAME));
    return index;
  }

  /**
   * Rebuilds {@code datasetDir/index.kidx} from the {@code *.kiln} files in the directory,
   * validating each shard's header, trailer and footer and computing its file checksum (one
   * sequential pass over the data). For when summaries are not at hand, e.g. after shards were
   * copied together from several jobs.
   */
  public static DatasetIndex rebuild(Path datasetDir) throws IOException {
    return rebuild(datasetDir, Map.of());
  }

  /**
   * As {@link #rebuild(Path)}, but a shard named in {@code fileCrcs} is taken to have that file
   * checksum (its writer's, {@link ShardSummary#fileCrc32c}) instead of being read whole for it:
   * only its trailer and footer are read.
   */
  public static DatasetIndex rebuild(Path datasetDir, Map<String, Integer> fileCrcs)
      throws IOException {
    DatasetIndex index = DatasetIndex.fromShardFiles(datasetDir, fileCrcs);
    index.write(datasetDir.resolve(ShardLayout.INDEX_FILE_NAME));
    return index;
  }
}
