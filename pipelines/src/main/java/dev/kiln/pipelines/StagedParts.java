package dev.kiln.pipelines;

import dev.kiln.formats.InputRecord;
import dev.kiln.formats.TaskFailure;
import dev.kiln.formats.kiln.LiveShard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * What a run's workers staged, as {@link StagedDataset#finish} reads it: the listing of unique
 * inputs, each shard's catalog rows, and each shard's description.
 *
 * <p>A Beam job's workers leave these in the staging directory ({@link #readFrom}). The local
 * runner, in the launcher's JVM, hands them over in memory: nothing is written to be read back, and
 * a shard may still be completing (its checksums, its sync) when finishing starts, since its rows
 * are known once its samples are placed; finishing writes the catalog and the inputs meanwhile and
 * waits for the shards' descriptions only for the index and the manifest.
 */
public final class StagedParts {
  private final List<InputRecord> listing;
  private final List<ShardRows> rows = new ArrayList<>();
  private final List<Future<ShardPart>> shards = new ArrayList<>();

  /**
   * The shards shared with the version an incremental run built on, with the records this version
   * keeps of each, in index order before the run's own shards; null when every shard is the run's
   * own.
   */
  private List<LiveShard> shared;

  /** The name of the version a run that shares shards writes ({@code v000043}), else null. */
  private String versionName;

  /** The dataset's inputs as finishing recorded them, sorted by key; null until then. */
  private List<InputRecord> inputs;

  /** Parts with {@code listing} as the run's unique inputs, and no shard yet. */
  public StagedParts(List<InputRecord> listing) {
    this.listing = listing;
  }

  /**
   * Adds the next shard (shards come in index order): its rows, and its description as it will be
   * once the shard is complete.
   */
  public void addShard(ShardRows shardRows, Future<ShardPart> part) {
    rows.add(shardRows);
    shards.add(part);
  }

  /**
   * Adds a shard shared with the version built on, as {@link #addShard}, with the records of it
   * this version keeps (its rows are theirs). Shared shards come before the run's own.
   */
  public void addSharedShard(ShardRows shardRows, ShardPart part, LiveShard live) {
    if (shared == null) {
      if (!shards.isEmpty()) {
        throw new IllegalStateException("shared shards come before the run's own");
      }
      shared = new ArrayList<>();
    }
    addShard(shardRows, CompletableFuture.completedFuture(part));
    shared.add(live);
  }

  /**
   * Marks the dataset as version {@code versionName} ({@code v000043}) of a root, sharing shards
   * with the version before even when it keeps no record of any.
   */
  public void sharingShards(String versionName) {
    this.versionName = versionName;
    if (shared == null) {
      shared = new ArrayList<>();
    }
  }

  /** The name of the version that shares shards, or null when the run wrote every shard. */
  String sharingVersionName() {
    return versionName;
  }

  /** The shared shards with their kept records, or null when the run wrote every shard. */
  List<LiveShard> sharedShards() {
    return shared;
  }

  /** The parts Beam workers left in {@code staging}'s parts directory. */
  static StagedParts readFrom(Path staging) throws IOException {
    Path dir = StagingLayout.parts(staging);
    List<ShardPart> parts = new ArrayList<>();
    List<InputRecord> listing = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files.sorted()::iterator) {
          String name = p.getFileName().toString();
          if (name.startsWith(StagingLayout.SHARD_PREFIX + "-") && name.endsWith(".json")) {
            parts.add(ShardPart.readFrom(p));
          } else if (name.startsWith("listing-")) {
            listing.addAll(PartFiles.readListing(p));
          }
        }
      }
    }
    parts.sort(Comparator.comparingInt(ShardPart::index));
    StagedParts staged = new StagedParts(listing);
    for (ShardPart part : parts) {
      staged.addShard(
          PartFiles.readCatalog(StagingLayout.catalogPart(staging, part.index())),
          CompletableFuture.completedFuture(part));
    }
    return staged;
  }

  /**
   * The dataset's inputs as its {@code inputs.jsonl} records them (with their content hashes),
   * sorted by key, once {@link StagedDataset#finish} has written them; null before.
   */
  public List<InputRecord> inputs() {
    return inputs;
  }

  void finishedInputs(List<InputRecord> inputs) {
    this.inputs = List.copyOf(inputs);
  }

  /** The unique inputs, in no particular order. */
  List<InputRecord> listing() {
    return listing;
  }

  /** Each shard's catalog rows, in shard order (also what the run report is drawn from). */
  public List<ShardRows> rows() {
    return rows;
  }

  /** Each shard's description in shard order, once every shard is complete. */
  List<ShardPart> shards() throws IOException {
    List<ShardPart> parts = new ArrayList<>(shards.size());
    for (Future<ShardPart> shard : shards) {
      parts.add(TaskFailure.await(shard, "completing a shard"));
    }
    return parts;
  }

  /**
   * Waits until no shard is being completed any more, whatever became of it: called before a failed
   * run's staging directory is deleted, which a shard's writer must be done with.
   */
  public void awaitShardsQuietly() {
    boolean interrupted = false;
    for (Future<ShardPart> shard : shards) {
      while (true) {
        try {
          shard.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | RuntimeException e) {
          break; // its failure is reported where the shard is awaited, or by what failed first
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
