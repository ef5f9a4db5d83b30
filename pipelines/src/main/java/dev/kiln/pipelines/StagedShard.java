package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.ShardNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One shard being written into the staging directory, its samples added one at a time in their
 * final ({@link SampleOrder#KEYS}) order; {@link #finish} then writes its catalog part and its
 * description. A runner that gets samples in that order (the local runner's spill does) writes each
 * as it comes, holding only its catalog row: a Kiln shard's carried records are then copied,
 * checksummed and synced while the next are still being read.
 *
 * <p>A runner in the launcher's JVM hands the shard's catalog rows ({@link #rows}) and description
 * ({@link #complete}) to {@link StagedDataset} in memory instead ({@link StagedParts}).
 *
 * <p>Not thread-safe; {@link #abort} discards the shard after a failure.
 */
public final class StagedShard {
  private final Path dir;
  private final int index;
  private final String name;
  private final ShardFormat.ShardSink sink;

  /** The digest of every sample's key and content hash, in order: what the shard holds. */
  private final MessageDigest content = FileDigest.newSha256();

  private final List<CatalogEntry> catalog = new ArrayList<>();
  private final List<Integer> imageLengths = new ArrayList<>();

  /** Set once the shard file is complete: there is nothing to discard after that. */
  private boolean written;

  private StagedShard(Path dir, int index, String name, ShardFormat.ShardSink sink) {
    this.dir = dir;
    this.index = index;
    this.name = name;
    this.sink = sink;
  }

  /** Opens shard {@code index} of {@code format} in the staging directory {@code dir}. */
  public static StagedShard open(ShardFormat format, ShardOptions options, Path dir, int index)
      throws IOException {
    return open(format, options, dir, StagingLayout.SHARD_PREFIX, index);
  }

  /**
   * Opens shard {@code index} named {@code <prefix>-NNNNN}: an incremental run that shares the
   * previous version's shards names its own after the version it writes.
   */
  public static StagedShard open(
      ShardFormat format, ShardOptions options, Path dir, String prefix, int index)
      throws IOException {
    Files.createDirectories(StagingLayout.parts(dir));
    String name = ShardNames.name(prefix, index, format.extension());
    return new StagedShard(dir, index, name, format.open(dir.resolve(name), options));
  }

  /** The shard's index. */
  public int index() {
    return index;
  }

  /** Appends the next sample; samples must come in {@link SampleOrder#KEYS} order. */
  public void add(EncodedSample sample) throws IOException {
    long[] at = sink.write(sample);
    String line = sample.key() + "\0" + sample.contentHash() + "\n";
    content.update(line.getBytes(StandardCharsets.UTF_8));
    catalog.add(sample.catalogEntry(name, at[0], at[1]));
    imageLengths.add(sample.imageLength());
  }

  /**
   * Completes the shard file, then writes its catalog part, then its description, which the
   * launcher takes to mean that the shard and its catalog part are complete.
   */
  public void finish() throws IOException {
    ShardPart part = complete();
    PartFiles.writeCatalog(StagingLayout.catalogPart(dir, index), rows());
    part.writeTo(StagingLayout.shardPart(dir, index));
  }

  /** The catalog rows of the samples added so far, in their order. */
  public ShardRows rows() {
    return new ShardRows(catalog, imageLengths);
  }

  /** Completes the shard file and describes it, writing no part files. */
  public ShardPart complete() throws IOException {
    ShardFormat.WrittenShard shard = sink.finish();
    written = true;
    return new ShardPart(
        index, shard.file(), HexFormat.of().formatHex(content.digest()), shard.fileCrc32c());
  }

  /** Discards the shard file after a failure, unless {@link #finish} completed it. */
  public void abort() {
    if (!written) {
      sink.abort();
    }
  }
}
