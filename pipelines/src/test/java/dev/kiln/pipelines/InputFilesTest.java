package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.transforms.image.KilnImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.spi.ImageReaderSpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path tmp;

  @Test
  void aPathIsHiddenWhenAnySegmentBelowTheRootStartsWithADot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve(".in")); // a hidden root still lists
    InputFiles inputs = InputFiles.of(root.toString(), "jpg");
    assertFalse(inputs.hidden(root + "/a/b.jpg"));
    assertFalse(inputs.hidden(root + "/a./b.c.jpg"), "dots inside segments are not hidden");
    assertTrue(inputs.hidden(root + "/.a/b.jpg"));
    assertTrue(inputs.hidden(root + "/a/.b.jpg"));
    assertTrue(inputs.hidden(root + "/a/..b/c.jpg"));
    assertTrue(inputs.accepts(root + "/a/B.JPG"));
    assertFalse(inputs.accepts(root + "/a/.b.jpg"));
    assertFalse(inputs.accepts(root + "/.git/x.jpg"));
    assertFalse(inputs.accepts(root + "/a/b.png"));
  }

  @Test
  void onlyADirectoryInputsGlobMatchesEveryFile() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("in"));
    assertTrue(InputFiles.of(root.toString(), "jpg").globMatchesAll());
    assertTrue(InputFiles.of(root + "/", "jpg").globMatchesAll());
    InputFiles glob = InputFiles.of(root + "/*/x*.jpg", "jpg");
    assertFalse(glob.globMatchesAll());
    assertEquals(root.toString(), glob.root());
    assertTrue(
        InputFiles.of(root + "/**", "jpg").globMatchesAll(), "the same glob as the directory");
  }

  @Test
  void aFileThatIsNoInputSaysWhy() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("in"));
    InputFiles inputs = InputFiles.of(root.toString(), "jpg");
    assertEquals(null, inputs.ignoreReason(root + "/a/b.jpg"));
    assertEquals("extension", inputs.ignoreReason(root + "/a/b.txt"));
    assertEquals("extension", inputs.ignoreReason(root + "/README"));
    assertEquals("hidden", inputs.ignoreReason(root + "/.git/HEAD"));
    assertEquals("hidden", inputs.ignoreReason(root + "/a/.b.jpg"), "hidden before extension");
    assertEquals("hidden", InputFiles.of(root.toString(), "all").ignoreReason(root + "/.DS_Store"));
  }

  @Test
  void keyExtensionKeepsTheExtensionInTheKey() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("in"));
    assertEquals("cats/tom", InputFiles.of(root.toString(), "jpg").keyOf(root + "/cats/tom.jpg"));
    InputFiles kept = InputFiles.of(root.toString(), "jpg", true);
    assertEquals("cats/tom.jpg", kept.keyOf(root + "/cats/tom.jpg"));
    assertEquals("cats/tom.png", kept.keyOf(root + "/cats/tom.png"));
    assertEquals("cats/README", kept.keyOf(root + "/cats/README"));
  }

  /** Every format Kiln decodes is taken by default: one of its reader's suffixes is a default. */
  @Test
  void defaultExtensionsCoverEveryDecodedFormat() {
    java.util.Set<String> defaults = java.util.Set.of(InputFiles.DEFAULT_EXTENSIONS.split(","));
    for (String format :
        List.of(
            "jpeg", "png", "gif", "webp", "tiff", "psd", "bmp", "pnm", "pam", "tga", "ico", "cur",
            "sgi", "pcx", "icns", "iff", "pict", "hdr", "dds")) {
      ImageReaderSpi spi = KilnImageIO.readerSpi(format);
      assertTrue(spi != null, "no reader for " + format);
      assertTrue(
          java.util.Arrays.stream(spi.getFileSuffixes())
              .anyMatch(suffix -> defaults.contains(suffix.toLowerCase(java.util.Locale.ROOT))),
          format
              + ": none of "
              + java.util.Arrays.toString(spi.getFileSuffixes())
              + " is a default extension");
    }
  }
}
