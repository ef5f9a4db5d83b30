package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shards handed over while still being completed: finishing waits for them, and sees failures. */
class StagedPartsTest {
  private static final ShardRows NO_ROWS = new ShardRows(List.of(), List.of());

  private static ShardPart part(int index) {
    return new ShardPart(
        index, new ShardFile("shard-0000" + index + ".kiln", 0, 4096, "00"), "ab", 7);
  }

  @Test
  void shardsAreGivenInOrderOnceComplete() throws Exception {
    StagedParts parts = new StagedParts(List.of());
    CompletableFuture<ShardPart> second = new CompletableFuture<>();
    parts.addShard(NO_ROWS, CompletableFuture.completedFuture(part(0)));
    parts.addShard(NO_ROWS, second);
    CompletableFuture<List<ShardPart>> awaited =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return parts.shards();
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    Thread.sleep(50);
    assertTrue(!awaited.isDone(), "waits for the shard still being completed");
    second.complete(part(1));
    assertEquals(List.of(part(0), part(1)), awaited.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aFailedCompletionIsThrownAsWhatItWas() {
    StagedParts parts = new StagedParts(List.of());
    IOException diskFull = new IOException("/data/shard-00000.kiln: No space left on device");
    parts.addShard(NO_ROWS, CompletableFuture.failedFuture(diskFull));
    assertEquals(diskFull, assertThrows(IOException.class, parts::shards));
  }

  @Test
  void awaitingQuietlyReturnsOnlyOnceEveryShardIsDoneWhateverBecameOfIt() throws Exception {
    StagedParts parts = new StagedParts(List.of());
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<ShardPart> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IllegalStateException("disk gone");
            });
    parts.addShard(NO_ROWS, CompletableFuture.failedFuture(new IOException("first")));
    parts.addShard(NO_ROWS, slow);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(parts::awaitShardsQuietly);
    Thread.sleep(50);
    assertTrue(!waiting.isDone(), "still waiting for the slow shard");
    release.countDown();
    waiting.get(10, TimeUnit.SECONDS);
    assertTrue(slow.isDone());
  }
}
