package dev.kiln.runners.local;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.TaskFailure;
import dev.kiln.pipelines.SampleOrder;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.ShardPart;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.pipelines.StagedShard;
import dev.kiln.pipelines.WriteShards;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the samples parked in a {@link SampleSpill} into shards, one shard at a time, in shard
 * order, into {@link StagedParts}: what the local runner and compaction share. The spill hands
 * samples over in their final order, so each goes into its shard as it comes: the copying of
 * carried records then overlaps the reading of the next ones.
 *
 * <p>A shard whose samples are all placed is completed (the rest of its copying, checksums and
 * sync) on a thread of its own while the next shard, or the finishing of the dataset, goes on: its
 * catalog rows are known already.
 */
final class ShardsFromSpill {
  private ShardsFromSpill() {}

  /**
   * Writes {@code spill}'s samples into {@code ceil(measured / target bytes)} shards named {@code
   * <prefix>-NNNNN} in {@code staging}, adding each to {@code parts}.
   */
  static void write(
      SampleSpill spill,
      StagedParts parts,
      ShardFormat format,
      ShardOptions shardOptions,
      Path staging,
      String prefix)
      throws IOException {
    if (spill.count() == 0) {
      return;
    }
    int shards = WriteShards.shardCount(spill.measured(), shardOptions.targetBytes());
    ExecutorService completing =
        Executors.newSingleThreadExecutor(DaemonThreads.named("kiln-shard-completion"));
    StagedShard[] current = {null};
    // The completion of the shard last handed over, which the next one waits for.
    @SuppressWarnings("unchecked")
    Future<ShardPart>[] lastCompletion = new Future[1];
    try {
      spill.drainInOrder(
          (samples, keyHashes) -> {
            for (int i = 0; i < samples.size(); i++) {
              EncodedSample s = samples.get(i);
              int shard = SampleOrder.shardOfHash(keyHashes[i], shards);
              if (current[0] != null && current[0].index() != shard) {
                lastCompletion[0] = complete(current[0], lastCompletion[0], completing, parts);
                current[0] = null;
              }
              if (current[0] == null) {
                current[0] = StagedShard.open(format, shardOptions, staging, prefix, shard);
              }
              current[0].add(s);
            }
          });
      if (current[0] != null) {
        lastCompletion[0] = complete(current[0], lastCompletion[0], completing, parts);
        current[0] = null;
      }
    } catch (IOException | RuntimeException e) {
      if (current[0] != null) {
        current[0].abort();
      }
      parts.awaitShardsQuietly();
      throw e;
    } finally {
      completing.shutdown(); // its thread ends once the shards handed to it are complete
    }
  }

  /**
   * Has {@code shard}, whose samples are all placed, completed on {@code completing} once the shard
   * before it ({@code before}'s, null for the first) is complete, and returns its completion: at
   * most one shard completes while the next is written, so the open files and buffers of shards in
   * flight stay those of two (copies are queued without waiting, and the writing could otherwise
   * run ahead of the checksums by any number of shards).
   */
  private static Future<ShardPart> complete(
      StagedShard shard, Future<ShardPart> before, ExecutorService completing, StagedParts parts)
      throws IOException {
    if (before != null) {
      TaskFailure.await(before, "completing a shard");
    }
    Future<ShardPart> completion = completing.submit(shard::complete);
    parts.addShard(shard.rows(), completion);
    return completion;
  }
}
