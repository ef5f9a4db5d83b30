package dev.kiln.runners;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for {@code --config} YAML files: whatever the bytes, {@link ConfigFile#read} gives
 * settings or a {@link UsageException} naming the file; any other exception, an error (stack
 * overflow, out of memory: alias bombs, deep nesting) or a hang is a finding.
 *
 * <p>Seeds: {@code src/test/resources/dev/kiln/runners/ConfigFileFuzzTestInputs/}; {@code mvn test}
 * runs them; {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class ConfigFileFuzzTest {
  private static final Path FILE = temporaryFile();

  private static Path temporaryFile() {
    try {
      Path file = Files.createTempFile("kiln-fuzz-config", ".yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void config(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      ConfigFile.read(FILE);
    } catch (UsageException expected) {
      // not a usable config file, said why
    }
  }
}
