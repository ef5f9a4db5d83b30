package dev.kiln.formats.kiln;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a dataset's {@code index.kidx}: the last step of writing a Kiln dataset, after every shard
 * has been closed. Readers load it with one read and then serve samples without touching shard
 * footers.
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
   * Writes {@code datasetDir/index.kidx} of a version that shares shards with the version before:
   * the {@code shared} shards with the records the version keeps, then the {@code own} shards (file
   * names in {@code datasetDir}, in order) whole, their footers read and their file checksums taken
   * from {@code fileCrcs} where known. Written as index version 3 when a shared shard holds records
   * the version does not keep ({@link ShardLayout#INDEX_VERSION_SHARED}).
   *
   * @throws IllegalArgumentException if an own shard differs from the others in format version,
   *     alignment or schema, or a key appears twice
   */
  public static DatasetIndex writeShared(
      Path datasetDir, List<LiveShard> shared, List<String> own, Map<String, Integer> fileCrcs)
      throws IOException {
    List<LiveShard> shards = new java.util.ArrayList<>(shared);
    int version = ShardLayout.VERSION;
    Integer align = null;
    String schema = null;
    for (String name : own) {
      try (KilnShardReader r = KilnShardReader.open(datasetDir.resolve(name))) {
        Integer known = fileCrcs.get(name);
        ShardSummary s = r.summary(known == null);
        if (s.version() != version
            || (align != null && s.align() != align)
            || (schema != null && !schema.equals(s.schemaJson()))) {
          throw new IllegalArgumentException(
              name
                  + ": format version "
                  + s.version()
                  + ", align "
                  + s.align()
                  + " or schema differs from the dataset's");
        }
        align = s.align();
        schema = s.schemaJson();
        shards.add(
            new LiveShard(
                s.fileName(),
                s.bytes(),
                s.recordCount(),
                known == null ? s.fileCrc32c() : known,
                s.footerCrc32c(),
                s.entries()));
      }
    }
    if (!shared.isEmpty()) {
      // The shared shards' header says what the index of their records must: read one.
      try (KilnShardReader r = KilnShardReader.open(datasetDir.resolve(shared.get(0).name()))) {
        if (r.version() != version
            || (align != null && r.align() != align)
            || (schema != null && !schema.equals(r.schemaJson()))) {
          throw new IllegalArgumentException(
              shared.get(0).name()
                  + ": format version, align or"
                  + " schema differs from the run's own shards");
        }
        align = r.align();
        schema = r.schemaJson();
      }
    }
    DatasetIndex index =
        DatasetIndex.ofLiveShards(
            version,
            align == null ? ShardLayout.DEFAULT_ALIGN : align,
            schema == null ? dev.kiln.formats.SampleCodec.SCHEMA_JSON : schema,
            shards);
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
