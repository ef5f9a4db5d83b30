package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table is the settings' declarations ({@link
 * dev.kiln.pipelines.PrepareOptions}) as {@link OptionsHelp#markdownTable()} renders them: a
 * setting added, changed or removed in one place and not the other fails here, with the table to
 * paste between the markers.
 */
class SettingsTableTest {
  static final Path README = Path.of("..", "README.md");

  /** The text of {@code file} between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}. */
  static String between(Path file, String name) throws IOException {
    String text = Files.readString(file);
    String begin = "<!-- " + name + ":begin -->\n";
    String end = "<!-- " + name + ":end -->";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, file + " has no " + begin.trim() + " ... " + end + " markers");
    return text.substring(from + begin.length(), to);
  }

  @Test
  void readmeSettingsTableIsTheDeclarations() throws IOException {
    String expected = OptionsHelp.markdownTable();
    assertEquals(
        expected, between(README, "settings"),
        "README.md's settings table differs from PrepareOptions; put this between its markers:\n"
            + expected);
  }
}
