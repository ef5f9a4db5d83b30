package dev.kiln.beam;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.transforms.beam.InputPreparer;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Fetches the bytes of a worker's object-storage inputs ahead of preparing them, in the order they
 * arrive in its bundle. A worker that fetched each input itself and then decoded it would wait out
 * every GET's latency: on {@code flink-local} (2 slots) over 10,000 images on s3proxy, 195 images/s
 * with the cores three-quarters idle. Fetching ahead, with one GET per input ({@link
 * InputFileReader}), took that job from 69-79 s to 40-45 s (docs/PERFORMANCE.md). Up to {@link
 * #DEPTH} inputs and {@link #BUDGET_BYTES} are held fetched or in flight; an input is handed back
 * for preparing when more than that are pending, or at the end of the bundle ({@link
 * #next(boolean)}).
 *
 * @param <T> the input element
 */
final class BundleReadAhead<T> implements AutoCloseable {
  /** Inputs fetched or in flight per worker: enough to cover a GET's latency with decoding. */
  static final int DEPTH = 16;

  /** Bytes fetched or in flight per worker at most, so that large images do not pile up. */
  static final long BUDGET_BYTES = 64L << 20;

  /** An input waiting to be prepared: the element, where its output goes, and its bytes. */
  record Pending<T>(
      T element,
      Instant timestamp,
      BoundedWindow window,
      long size,
      CompletableFuture<byte[]> fetched) {
    /** The input's bytes, waiting for them; a failed fetch throws as reading would have. */
    InputPreparer.InputBytes bytes() {
      return () -> {
        try {
          return fetched.join();
        } catch (CompletionException e) {
          if (e.getCause() instanceof UncheckedIOException io) {
            throw io.getCause();
          }
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IOException(e.getCause());
        }
      };
    }
  }

  private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
  private final ExecutorService pool;
  private long pendingBytes;

  BundleReadAhead() {
    this.pool = Executors.newFixedThreadPool(DEPTH, DaemonThreads.numbered("kiln-read-ahead-"));
  }

  /** Starts fetching an input of {@code size} bytes with {@code read}. */
  void add(
      T element,
      Instant timestamp,
      BoundedWindow window,
      long size,
      InputPreparer.InputBytes read) {
    // The step's metrics, which the S3 client counts its retries into, follow the fetch.
    MetricsContainer metrics = MetricsEnvironment.getCurrentContainer();
    CompletableFuture<byte[]> fetched =
        CompletableFuture.supplyAsync(
            () -> {
              try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
                return read.read();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            pool);
    pending.add(new Pending<>(element, timestamp, window, size, fetched));
    pendingBytes += size;
  }

  /**
   * The oldest pending input, when more than {@link #DEPTH} inputs or {@link #BUDGET_BYTES} are
   * pending or {@code draining} (the bundle ends); else null.
   */
  Pending<T> next(boolean draining) {
    if (pending.isEmpty() || !(draining || pending.size() > DEPTH || pendingBytes > BUDGET_BYTES)) {
      return null;
    }
    Pending<T> head = pending.poll();
    pendingBytes -= head.size();
    return head;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
