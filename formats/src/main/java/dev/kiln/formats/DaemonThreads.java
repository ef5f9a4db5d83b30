package dev.kiln.formats;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for Kiln's background work (shard I/O, the catalog, the spill's readers): daemons, so
 * that a task still running never keeps the JVM of a finished or failed run alive, and named, so
 * that thread dumps and profiles say what each one does.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads all named {@code name}. */
  public static ThreadFactory named(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A factory of daemon threads named {@code prefix} and their number: {@code prefix1}, ... */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> named(prefix + count.incrementAndGet()).newThread(task);
  }
}
