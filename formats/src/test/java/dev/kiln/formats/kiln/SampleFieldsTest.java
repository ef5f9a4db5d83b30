package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample-fields.bin} gives back every row and image length written, in order, and a file
 * that is not whole is refused rather than read as something else.
 */
class SampleFieldsTest {
  @TempDir Path dir;

  private static final List<CatalogEntry> ROWS =
      List.of(
          new CatalogEntry(
              "a/1",
              "shard-00000.kiln",
              0,
              17_000,
              List.of("a"),
              256,
              256,
              List.of(),
              "/in/a/1.jpg",
              "ab".repeat(32)),
          new CatalogEntry(
              "日本/🐱",
              "shard-00001.kiln",
              1L << 40,
              4096,
              List.of("cat", "", "猫"),
              3,
              7,
              List.of(new Box(-1.5f, 0f, Float.MAX_VALUE, Float.MIN_VALUE, "ñ", -7)),
              "/in/日本/🐱.png",
              "cd".repeat(32)));

  @Test
  void readsBackEveryRowAndImageLengthInOrder() throws IOException {
    SampleFields.write(dir, ROWS, List.of(16_000, Integer.MAX_VALUE));
    SampleFields read = SampleFields.readIfPresent(dir);
    assertEquals(2, read.size());
    for (int i = 0; i < ROWS.size(); i++) {
      assertEquals(ROWS.get(i), read.row(i));
    }
    assertEquals(16_000, read.imageLength(0));
    assertEquals(Integer.MAX_VALUE, read.imageLength(1));
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of(dir.resolve(SampleFields.FILE_NAME)), files.toList(), "no temporary file left");
    }
  }

  @Test
  void aVersionWithoutTheFileHasNone() throws IOException {
    assertNull(SampleFields.readIfPresent(dir));
  }

  @Test
  void aDamagedTruncatedOrLongerFileIsRefused() throws IOException {
    SampleFields.write(dir, ROWS, List.of(1, 2));
    Path file = dir.resolve(SampleFields.FILE_NAME);
    byte[] whole = Files.readAllBytes(file);
    for (int at = 0; at < whole.length; at++) {
      byte[] damaged = whole.clone();
      damaged[at] ^= 0x10;
      Files.write(file, damaged);
      int where = at;
      IOException e =
          assertThrows(
              IOException.class, () -> SampleFields.readIfPresent(dir), () -> "byte " + where);
      assertTrue(
          e.getMessage().contains(file.toString()) || e.getMessage().contains("catalog row"),
          e.getMessage());
    }
    Files.write(file, Arrays.copyOf(whole, whole.length - 1));
    assertThrows(IOException.class, () -> SampleFields.readIfPresent(dir));
    Files.write(file, Arrays.copyOf(whole, whole.length + 1));
    assertThrows(IOException.class, () -> SampleFields.readIfPresent(dir));
  }

  @Test
  void rowsAndImageLengthsMustPair() {
    assertThrows(IllegalArgumentException.class, () -> SampleFields.write(dir, ROWS, List.of(1)));
  }
}
