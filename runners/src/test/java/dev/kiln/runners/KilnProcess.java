package dev.kiln.runners;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code kiln} command in a JVM of its own on the tests' class path, for tests that kill it
 * (SIGKILL runs no shutdown hooks and no cleanup, which an in-process run cannot show).
 */
final class KilnProcess {
  private KilnProcess() {}

  /** Starts {@code kiln ARGS...}, its output and errors going to {@code log}. */
  static Process start(Path log, List<String> args) throws IOException {
    return start(log, args, Map.of());
  }

  /** As {@link #start(Path, List)}, with {@code env} added to the environment. */
  static Process start(Path log, List<String> args, Map<String, String> env) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Kiln.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
