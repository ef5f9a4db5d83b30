package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRootTest {
  @TempDir Path tmp;

  private static Path version(Path root, String name) throws Exception {
    Path v = Files.createDirectories(root.resolve(name));
    Files.writeString(v.resolve("manifest.json"), "{}");
    return v;
  }

  @Test
  void retentionLeavesNoVersionBehindHalfRemovedAndClearsWhatAKilledRunLeft() throws Exception {
    DatasetRoot root = DatasetRoot.of(tmp);
    Path v1 = version(tmp, "v000001");
    version(tmp, "v000002");
    Path v3 = version(tmp, "v000003");
    root.switchCurrent(v3);
    // A run killed while removing a version leaves it renamed out of the versions, half deleted.
    Path leftover = Files.createDirectories(tmp.resolve(".v000000.removing"));
    Files.writeString(leftover.resolve("index.kidx"), "x");

    assertEquals(List.of(v1), root.retain(2));

    assertEquals(List.of(tmp.resolve("v000002"), v3), root.versions());
    assertFalse(Files.exists(leftover), "a killed run's half-removed version is cleared");
    assertFalse(Files.exists(tmp.resolve(".v000001.removing")));
  }
}
