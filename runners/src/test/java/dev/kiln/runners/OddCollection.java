package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The odd-input collection that {@code runners/bench/make-odd-collection.py} builds (Debian's
 * {@code python3-pil} under {@code /usr/bin/python3}, or {@code $KILN_PYTHON}), from the samples'
 * photographs and {@code ../shared/data}: about 420 files, odd, broken and not images at all.
 */
final class OddCollection {
  static final Path SCRIPT = Path.of("bench/make-odd-collection.py").toAbsolutePath();

  private OddCollection() {}

  /** Builds the collection in {@code tmp/odd} and returns its directory. */
  static Path make(Path tmp) throws IOException, InterruptedException {
    if (!Files.isDirectory(BadInputsTest.SHARED)) {
      throw new IllegalStateException(
          "test data missing: " + BadInputsTest.SHARED + " (../shared beside the checkout)");
    }
    // The script takes a corpus of JPEGs in one directory: the samples' photographs.
    Path photos = Files.createDirectories(tmp.resolve("odd-photos"));
    try (Stream<Path> samples = Files.walk(PrepareCommandTest.SAMPLES)) {
      for (Path jpeg : samples.filter(p -> p.toString().endsWith(".jpg")).toList()) {
        Files.copy(jpeg, photos.resolve(jpeg.getFileName()));
      }
    }
    Path out = tmp.resolve("odd");
    Path log = tmp.resolve("odd-collection.log");
    Process process =
        new ProcessBuilder(
                System.getenv().getOrDefault("KILN_PYTHON", "/usr/bin/python3"),
                SCRIPT.toString(),
                "--corpus",
                photos.toString(),
                "--shared",
                BadInputsTest.SHARED.getParent().toString(),
                "--out",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "make-odd-collection.py finished");
    assertEquals(0, process.exitValue(), Files.readString(log));
    return out;
  }
}
