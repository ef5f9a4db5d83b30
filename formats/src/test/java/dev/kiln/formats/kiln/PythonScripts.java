package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Python that tests run the reader's scripts with, and where the scripts are. The interpreter
 * is {@code $KILN_PYTHON}, default {@code /usr/bin/python3} (Debian's, which has {@code
 * python3-torch} and {@code python3-numpy}); a missing one fails the test instead of skipping it.
 */
final class PythonScripts {
  private PythonScripts() {}

  static String python() {
    String python = System.getenv().getOrDefault("KILN_PYTHON", "/usr/bin/python3");
    assertTrue(
        Files.isExecutable(Path.of(python)),
        python + " not found: install python3 (Debian) or set KILN_PYTHON");
    return python;
  }

  /** The absolute path of {@code formats/python/<name>}. */
  static String script(String name) {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    for (Path candidate :
        List.of(
            base.resolve("python").resolve(name), base.resolve("formats/python").resolve(name))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    throw new AssertionError(name + " not found from " + base);
  }
}
