package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code formats/python/kiln_reader_mutation_test.py} on a dataset Java wrote: a thousand
 * damaged copies (bit flips, truncations, appended bytes, extreme length and count fields, with and
 * without recomputed checksums) must each read or raise a {@code KilnError}, within a time and
 * memory limit. Needs python3 (standard library only); fails without it.
 */
class KilnPythonReaderMutationTest {
  @TempDir Path dir;

  @Test
  void damagedDatasetsRaiseOnlyKilnErrors() throws Exception {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path script =
        List.of(
                base.resolve("python/kiln_reader_mutation_test.py"),
                base.resolve("formats/python/kiln_reader_mutation_test.py"))
            .stream()
            .filter(Files::isRegularFile)
            .findFirst()
            .orElse(null);
    assertNotNull(script, "kiln_reader_mutation_test.py not found from " + base);
    List<Sample> samples = TestData.samples("mut", 6);
    Path dataset = Files.createDirectories(dir.resolve("ds"));
    TestData.writeDataset(dataset, 0, List.of(samples.subList(0, 3), samples.subList(3, 6)));

    Process p =
        new ProcessBuilder(
                "python3",
                script.toAbsolutePath().toString(),
                dataset.toString(),
                "--cases",
                "1000",
                "--seed",
                "11")
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "mutation test timed out");
    String report = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), report);
    assertTrue(report.contains("1000 cases, 0 failures"), report);
  }
}
