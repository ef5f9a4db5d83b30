package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    assertTrue(InputFiles.of(root + "/**", "jpg").globMatchesAll(), "the same glob as the directory");
  }
}
