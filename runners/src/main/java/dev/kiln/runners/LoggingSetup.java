package dev.kiln.runners;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiets Beam's and Flink's logging and binds SLF4J (which their classes log through), on a thread
 * of its own while the command starts.
 *
 * <p>Why aside: the first use of each logging framework looks for providers in every jar of the
 * class path (java.util.logging for a {@code System.LoggerFinder}, SLF4J for its binding), which
 * opens all of Kiln's ~300 jars: 0.15-0.3 s, most of an incremental run's start. A command's own
 * start (arguments, listing the inputs) logs nothing and leaves the other core free meanwhile; it
 * calls {@link #awaitReady()} before anything that may log.
 */
final class LoggingSetup {
  /** Held so the level set on it is not lost when the logging framework drops unused loggers. */
  private static Logger flinkLogger;

  private static Logger hadoopNativeLogger;
  private static Thread setup;

  private LoggingSetup() {}

  /** Starts the set-up on a daemon thread, once per JVM. */
  static synchronized void startAside() {
    if (setup != null) {
      return;
    }
    setup =
        new Thread(
            () -> {
              quiet();
              LoggerFactory.getILoggerFactory();
            },
            "kiln-logging-setup");
    setup.setDaemon(true);
    setup.start();
  }

  /** Starts the set-up if needed and waits until it is done. */
  static void awaitReady() {
    startAside();
    Thread t;
    synchronized (LoggingSetup.class) {
      t = setup;
    }
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish waiting: logging must be quiet before the job starts
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Beam and Flink log every step at INFO; Kiln prints its own progress and summary, so only
   * warnings reach the console unless KILN_LOG names another level (e.g. KILN_LOG=INFO).
   */
  private static void quiet() {
    String level = System.getenv().getOrDefault("KILN_LOG", "WARNING");
    Level parsed;
    try {
      parsed = Level.parse(level);
    } catch (IllegalArgumentException e) {
      parsed = Level.WARNING;
    }
    Logger root = Logger.getLogger("");
    root.setLevel(parsed);
    for (var h : root.getHandlers()) {
      h.setLevel(parsed);
    }
    if (System.getenv("KILN_LOG") == null) {
      // An embedded Flink warns about its own setup (no log file, long operator names, no
      // delegation tokens); none of it concerns a Kiln user, and failures reach Kiln anyway.
      flinkLogger = Logger.getLogger("org.apache.flink");
      flinkLogger.setLevel(Level.SEVERE);
      // Hadoop's file classes (reading a catalog.parquet for the report) warn that Hadoop has no
      // native library; nothing Kiln reads needs one.
      hadoopNativeLogger = Logger.getLogger("org.apache.hadoop.util.NativeCodeLoader");
      hadoopNativeLogger.setLevel(Level.SEVERE);
    }
  }
}
