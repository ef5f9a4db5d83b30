package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.DatasetVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fills the disk fails with exit 1 and a clear message, the previously published output
 * stays intact, and no partial shard is visible. The disk is a real, small tmpfs.
 */
class DiskFullTest {
  @TempDir Path tmp;
  Path mount;

  boolean mountTmpfs(String size) throws Exception {
    mount = tmp.resolve("small-disk");
    Files.createDirectories(mount);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      System.err.println("DiskFullTest: cannot mount a tmpfs here (" + out.strip() + "); skipping");
      mount = null;
      return false;
    }
    return true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void diskFullFailsWithExit1AndKeepsThePreviousOutput() throws Exception {
    assertTrue(mountTmpfs("400k"), "needs permission to mount a tmpfs (run as root, as CI does)");
    Path small = tmp.resolve("small");
    Files.createDirectories(small);
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("animals/chelsea.jpg"), small.resolve("chelsea.jpg"));
    Path big = tmp.resolve("big");
    Files.createDirectories(big);
    for (int i = 0; i < 40; i++) {
      Files.copy(
          PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"),
          big.resolve("coffee-" + i + ".jpg"));
    }
    Path output = mount.resolve("dataset");

    PrepareCommandTest.Run first =
        PrepareCommandTest.kiln("prepare", "--input=" + small, "--output=" + output);
    assertEquals(0, first.code(), first.err());
    Manifest before = Manifest.readFrom(output);

    PrepareCommandTest.Run full =
        PrepareCommandTest.kiln(
            "prepare",
            "--input=" + big,
            "--output=" + output,
            "--overwrite",
            "--size=512",
            "--encode=png");
    assertEquals(1, full.code(), full.out() + full.err());
    assertTrue(
        full.err().contains("job failed") && full.err().contains("No space left on device"),
        full.err());

    assertEquals(before, Manifest.readFrom(output), "previous output untouched");
    assertEquals(List.of(), DatasetVerifier.verify(output));
    try (Stream<Path> left = Files.list(mount)) {
      assertEquals(List.of(output), left.toList(), "no staging directory or partial shard left");
    }
  }
}
