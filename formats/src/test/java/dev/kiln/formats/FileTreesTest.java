package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void deletesTheTreeButNotWhatItsLinksPointTo() throws Exception {
    Path keep = Files.writeString(tmp.resolve("keep.txt"), "outside");
    Path keepDir = Files.createDirectories(tmp.resolve("keep-dir"));
    Files.writeString(keepDir.resolve("inner.txt"), "outside too");
    Path root = Files.createDirectories(tmp.resolve("root/a/b"));
    Files.writeString(root.resolve("f.bin"), "x");
    Files.createSymbolicLink(tmp.resolve("root/a/link-to-file"), keep);
    Files.createSymbolicLink(tmp.resolve("root/link-to-dir"), keepDir);

    FileTrees.delete(tmp.resolve("root"));

    assertFalse(Files.exists(tmp.resolve("root")));
    assertTrue(Files.exists(keep));
    assertTrue(Files.exists(keepDir.resolve("inner.txt")));
    FileTrees.delete(tmp.resolve("root")); // missing is fine
  }
}
