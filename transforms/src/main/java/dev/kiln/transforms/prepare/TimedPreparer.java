package dev.kiln.transforms.prepare;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;
import dev.kiln.transforms.framing.Framer;
import dev.kiln.transforms.image.Frame;
import dev.kiln.transforms.image.ImagePreparer;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.PreparedImage;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link ImagePreparer} on a helper thread with a time limit, and turns anything a decoder
 * throws on malicious input (runtime errors, {@link OutOfMemoryError}, stack overflows) into a
 * rejection of that one image.
 *
 * <p>Java cannot stop a thread stuck in a decoder; on a timeout the helper thread is interrupted
 * and abandoned (it ends when the decoder does) and a fresh one takes over, so the worker goes on
 * with the next image.
 */
public final class TimedPreparer implements AutoCloseable, Framer.Preparer {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final PrepareSettings settings;
  private final long timeoutNanos;
  private ExecutorService executor;
  private ImagePreparer preparer;

  /**
   * @param settings what to produce
   * @param timeoutNanos how long one image may take before it is rejected
   */
  public TimedPreparer(PrepareSettings settings, long timeoutNanos) {
    this.settings = settings;
    this.timeoutNanos = timeoutNanos;
    start();
  }

  private void start() {
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kiln-decode-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // A preparer whose thread was abandoned may still be in use by it: never share one.
    preparer = new ImagePreparer(settings);
  }

  @Override
  public PreparedImage prepare(byte[] input) throws ImageRejectedException {
    ImagePreparer current = preparer;
    return timed(() -> current.prepare(input));
  }

  /** Several framings from one decode, all within one timeout (the decode dominates). */
  @Override
  public List<PreparedImage> prepare(byte[] input, List<Frame> frames)
      throws ImageRejectedException {
    ImagePreparer current = preparer;
    return timed(() -> current.prepare(input, frames));
  }

  private <T> T timed(Callable<T> work) throws ImageRejectedException {
    Future<T> result = executor.submit(work);
    try {
      return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      executor.shutdownNow();
      start();
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.DECODE_TIMEOUT,
          "not finished after " + timeoutNanos / 1e9 + " s (--decode-timeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      throw new IllegalStateException("interrupted while preparing an image", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ImageRejectedException rejected) {
        throw rejected;
      }
      if (cause instanceof OutOfMemoryError) {
        throw new ImageRejectedException(
            Stage.DECODE,
            RejectReason.OUT_OF_MEMORY,
            "decoding exhausted the heap: " + cause.getMessage(),
            cause);
      }
      throw new ImageRejectedException(
          Stage.DECODE, RejectReason.DECODE_FAILED, "decoder failed: " + cause, cause);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
