package dev.kiln.formats;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What a background task failed with, thrown as what it was: Kiln runs parts of a job on other
 * threads (workers, shard writing, the catalog), and a caller waiting on one should see the disk
 * error or bug itself, not an {@link ExecutionException} around it.
 */
public final class TaskFailure {
  private TaskFailure() {}

  /**
   * Throws the task's failure when it is an {@link IOException} (also when it came wrapped in an
   * {@link UncheckedIOException}), a {@link RuntimeException} or an {@link Error}; otherwise
   * returns it, for the caller to wrap with what the task was doing.
   */
  public static Throwable rethrowCause(ExecutionException e) throws IOException {
    Throwable cause = e.getCause();
    if (cause instanceof UncheckedIOException io) {
      throw io.getCause();
    }
    if (cause instanceof IOException io) {
      throw io;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return cause;
  }

  /**
   * Waits for {@code task} and returns its result; its failure is thrown as what it was ({@link
   * #rethrowCause}), or else as an {@link IOException} naming {@code what} the task was doing (e.g.
   * "writing /data/shard-00001.kiln").
   *
   * @throws InterruptedIOException if the waiting thread is interrupted (its flag set again)
   */
  public static <T> T await(Future<T> task, String what) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + what);
    } catch (ExecutionException e) {
      Throwable cause = rethrowCause(e);
      throw new IOException(what + ": " + cause, cause);
    }
  }
}
