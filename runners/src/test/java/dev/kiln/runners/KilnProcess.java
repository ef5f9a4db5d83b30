package dev.kiln.runners;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code kiln} command in a JVM of its own on the tests' class path, for tests that kill it
 * (SIGKILL runs no shutdown hooks and no cleanup, which an in-process run cannot show).
 */
final class KilnProcess {
  private KilnProcess() {}

  /** Starts {@code kiln ARGS...}, its output and errors going to {@code log}. */
  static Process start(Path log, List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Kiln.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
