package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.RejectReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's tables of settings and of rejection reasons are the declarations ({@link
 * dev.kiln.pipelines.PrepareOptions}, {@link RejectReason}) as they render them: a setting or
 * reason added, changed or removed in one place and not the other fails here, with the table to
 * paste between the markers.
 */
class ReadmeTablesTest {
  static final Path README = Path.of("..", "README.md");

  /** The text of {@code file} between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}. */
  static String between(Path file, String name) throws IOException {
    String text = Files.readString(file);
    String begin = "<!-- " + name + ":begin -->\n";
    String end = "<!-- " + name + ":end -->";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertTrue(
        from >= 0 && to > from, file + " has no " + begin.trim() + " ... " + end + " markers");
    return text.substring(from + begin.length(), to);
  }

  @Test
  void readmeReasonsTableIsTheRejectReasons() throws IOException {
    String expected = RejectReason.markdownTable();
    assertEquals(
        expected,
        between(README, "reasons"),
        "README.md's rejection reasons table differs from RejectReason; put this between its"
            + " markers:\n"
            + expected);
  }

  @Test
  void readmeSettingsTableIsTheDeclarations() throws IOException {
    String expected = OptionsHelp.markdownTable();
    assertEquals(
        expected,
        between(README, "settings"),
        "README.md's settings table differs from PrepareOptions; put this between its markers:\n"
            + expected);
  }
}
