package dev.kiln.formats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;

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
}
