package dev.kiln.runners.local;

import dev.kiln.formats.DaemonThreads;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Fetches the bytes of inputs on object storage ahead of the workers, in the order they take them,
 * on more threads than there are workers. A GET costs milliseconds of waiting that a local read
 * does not; a worker that fetched its own input would sit idle for every one of them, so S3 inputs
 * ran at half the speed of local ones. Bytes fetched but not yet taken are held within a budget, so
 * large images do not pile up in the heap.
 *
 * <p>Every index must be {@link #release released} once its worker is done with it, whether it took
 * the bytes or not (an input rejected before reading), or the fetching stalls.
 */
final class RemoteReadAhead implements AutoCloseable {
  /** Reads one input's bytes. */
  @FunctionalInterface
  interface Fetch {
    byte[] read(int index) throws IOException;
  }

  private final List<Long> sizes;
  private final long maxBytes;
  private final Fetch fetch;
  private final CompletableFuture<byte[]>[] fetched;
  private final AtomicBoolean[] released;

  /** The budget, in KiB so that a few GiB fit the semaphore's int. */
  private final Semaphore budget;

  private final int budgetKib;
  private final ExecutorService pool;
  private final Thread feeder;

  /**
   * Starts fetching inputs of these {@code sizes}, in index order, on {@code threads} threads,
   * holding at most about {@code budgetBytes} not yet released; inputs above {@code maxBytes}
   * (rejected unread) are not fetched.
   */
  @SuppressWarnings("unchecked")
  RemoteReadAhead(
      List<Long> sizes,
      long maxBytes,
      int threads,
      long budgetBytes,
      MetricsContainerImpl metrics,
      Fetch fetch) {
    this.sizes = sizes;
    this.maxBytes = maxBytes;
    this.fetch = fetch;
    this.fetched = new CompletableFuture[sizes.size()];
    this.released = new AtomicBoolean[sizes.size()];
    for (int i = 0; i < fetched.length; i++) {
      fetched[i] = new CompletableFuture<>();
      released[i] = new AtomicBoolean();
    }
    this.budgetKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes >> 10));
    this.budget = new Semaphore(budgetKib);
    var threadFactory = DaemonThreads.named("kiln-read-ahead");
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r ->
                threadFactory.newThread(
                    () -> {
                      // The S3 client counts its retries (s3-retries) into the run's metrics from
                      // this thread.
                      MetricsEnvironment.setCurrentContainer(metrics);
                      r.run();
                    }));
    this.feeder = threadFactory.newThread(this::feed);
    feeder.start();
  }

  private int cost(int index) {
    return (int) Math.min(budgetKib, Math.max(1, sizes.get(index) >> 10));
  }

  private void feed() {
    try {
      for (int i = 0; i < fetched.length; i++) {
        if (sizes.get(i) > maxBytes) {
          fetched[i].complete(null);
          continue;
        }
        budget.acquire(cost(i));
        int index = i;
        pool.execute(
            () -> {
              try {
                fetched[index].complete(fetch.read(index));
              } catch (IOException | RuntimeException e) {
                fetched[index].completeExceptionally(e);
              }
            });
      }
    } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
      // Closed: the run is over or failed.
    }
  }

  /**
   * The bytes of input {@code index}, fetched ahead or, when it was not (too large), read now.
   *
   * @throws IOException as the fetch failed
   */
  byte[] take(int index) throws IOException {
    try {
      byte[] bytes = fetched[index].get();
      return bytes != null ? bytes : fetch.read(index);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for input " + index, e);
    }
  }

  /** Frees what input {@code index} held of the budget; its worker is done with it. */
  void release(int index) {
    if (sizes.get(index) <= maxBytes && !released[index].getAndSet(true)) {
      // Not before the fetch ends: only then are its bytes no longer growing.
      fetched[index].whenComplete((bytes, failure) -> budget.release(cost(index)));
    }
  }

  @Override
  public void close() {
    feeder.interrupt();
    pool.shutdownNow();
  }
}
