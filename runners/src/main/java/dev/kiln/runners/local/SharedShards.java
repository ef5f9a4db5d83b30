package dev.kiln.runners.local;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.LiveShard;
import dev.kiln.pipelines.ShardPart;
import dev.kiln.pipelines.ShardRows;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.pipelines.StagingLayout;
import dev.kiln.transforms.beam.PreviousVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The shards of the version an incremental run builds on, shared with the version it writes
 * (docs/NIGHTLY.md). A sample whose input is unchanged stays where it is: its record is neither
 * copied nor read. The new version's directory holds a hard link to each shard that still has a
 * kept record, and its index lists those records only; the records of deleted and changed samples
 * stay in the shard files, unlisted, until a run writes the canonical layout again. The run's new
 * and changed samples go into shards of its own, named after its version ({@code
 * shard-v000043-00000.kiln}), so no two versions ever write a shard of the same name.
 *
 * <p>Shard files are never modified after they are written, so any number of versions can link one;
 * removing a version unlinks its names, and the file goes when no kept version links it.
 */
public final class SharedShards {
  private final String versionName;
  private final String ownPrefix;

  /**
   * Which records of the previous version are kept, by dataset position. Each is set by the one
   * worker that carries its input, and read after the workers are joined.
   */
  private boolean[] kept = new boolean[0];

  private int sharedShards;
  private long keptRecords;
  private long deadRecords;

  /** Shares the previous version's shards with version {@code versionName} ({@code v000043}). */
  public SharedShards(String versionName) {
    this.versionName = versionName;
    this.ownPrefix = StagingLayout.SHARD_PREFIX + "-" + versionName;
  }

  /** The name prefix of the run's own shards. */
  public String ownPrefix() {
    return ownPrefix;
  }

  /** Starts sharing the shards of {@code previous}: no record kept yet. */
  void begin(PreviousVersion previous) {
    kept = new boolean[previous.index().size()];
  }

  /** Keeps the previous version's record at {@code record} as it is, where it is. */
  void keep(int record) {
    kept[record] = true;
  }

  /**
   * Links every shard of {@code previousDir} that holds a kept record into {@code staging} and adds
   * it to {@code parts}, in the previous version's shard order, with the catalog rows of its kept
   * records (from the version's {@code sample-fields.bin}, or read from the records); before the
   * run's own shards.
   */
  void stage(PreviousVersion previous, Path previousDir, Path staging, StagedParts parts)
      throws IOException {
    DatasetIndex index = previous.index();
    Map<String, ShardFile> described = new HashMap<>();
    for (ShardFile f : Manifest.readFrom(previousDir).shards()) {
      described.put(f.name(), f);
    }
    parts.sharingShards(versionName);
    for (int s = 0; s < index.shardCount(); s++) {
      String name = index.shardFileName(s);
      LiveShard live = LiveShard.of(index, s, i -> kept[i]);
      deadRecords += index.shardFileRecordCount(s) - live.live().size();
      if (live.live().isEmpty()) {
        continue; // no record of it is kept: this version does not link it
      }
      ShardFile file = described.get(name);
      if (file == null) {
        throw new IOException(
            previousDir.resolve("manifest.json")
                + " does not describe "
                + name
                + ", which its index lists");
      }
      Files.createLink(staging.resolve(name), previousDir.resolve(name));
      List<CatalogEntry> rows = new ArrayList<>(live.live().size());
      List<Integer> imageLengths = new ArrayList<>(live.live().size());
      MessageDigest content = FileDigest.newSha256();
      int first = index.shardFirstRecord(s);
      for (int i = first; i < first + index.shardRecordCount(s); i++) {
        if (!kept[i]) {
          continue;
        }
        int imageLength = previous.imageLength(i);
        EncodedSample sample = previous.carried(i, imageLength);
        rows.add(sample.catalogEntry(name, index.offset(i), index.length(i)));
        imageLengths.add(imageLength);
        content.update(
            (sample.key() + "\0" + sample.contentHash() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      ShardPart part =
          new ShardPart(
              s,
              new ShardFile(name, rows.size(), file.bytes(), file.sha256()),
              HexFormat.of().formatHex(content.digest()),
              Integer.toUnsignedLong(index.shardFileCrc32c(s)));
      parts.addSharedShard(new ShardRows(rows, imageLengths), part, live);
      sharedShards++;
      keptRecords += rows.size();
    }
  }

  /** One line for the run's output: what was shared and what is now dead. */
  public String summary() {
    return String.format(
        "kiln: incremental: %d shards shared (%d samples kept in place, %d records no longer"
            + " listed); new and changed samples in %s-*",
        sharedShards, keptRecords, deadRecords, ownPrefix);
  }
}
