package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Asserts that two runs wrote the same dataset: the same files, byte for byte. Only what says how
 * the run went, not what it made, may differ: {@code run.json} and {@code report.html} (timings,
 * memory, the runner), and in {@code manifest.json} the recorded {@code output} and {@code runner}
 * settings.
 */
final class SameDataset {
  /** Files that describe the run (its timings and runner), not the dataset. */
  static final Set<String> RUN_RECORDS = Set.of("run.json", "report.html");

  /** Settings the manifest records that name where and how the run ran. */
  static final List<String> RUN_SETTINGS = List.of("output", "runner");

  private SameDataset() {}

  static void assertSameFiles(Path expected, Path actual) throws IOException {
    List<String> files = files(expected);
    assertEquals(files, files(actual), actual + ": the same files as " + expected);
    for (String file : files) {
      Path name = Path.of(file).getFileName();
      if (RUN_RECORDS.contains(name.toString())) {
        continue;
      }
      if (name.toString().equals("manifest.json")) {
        assertEquals(
            withoutRunSettings(expected.resolve(file)),
            withoutRunSettings(actual.resolve(file)),
            actual + ": " + file);
      } else {
        assertArrayEquals(
            Files.readAllBytes(expected.resolve(file)),
            Files.readAllBytes(actual.resolve(file)),
            actual + ": " + file + " differs from " + expected);
      }
    }
  }

  /** Every regular file below {@code dir}, as sorted relative paths. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private static JsonNode withoutRunSettings(Path manifest) throws IOException {
    JsonNode json = new ObjectMapper().readTree(manifest.toFile());
    ((ObjectNode) json.get("configuration")).remove(RUN_SETTINGS);
    return json;
  }
}
