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

  private static CatalogEntry row(String key, String shard, long offset) {
    return new CatalogEntry(
        key, shard, offset, 4096, List.of(), 8, 8, List.of(), "/in/" + key, "ef".repeat(32));
  }

  /** An index of version-2 shards listing the given records of each. */
  private static DatasetIndex indexOf(LiveShard... shards) {
    return DatasetIndex.ofLiveShards(
        ShardLayout.VERSION, 4096, dev.kiln.formats.SampleCodec.SCHEMA_JSON, List.of(shards));
  }

  @Test
  void aSharedVersionsFieldsAreTheWholeFileAndItsChangesInIndexOrder() throws IOException {
    // v000001: shard A of three records. v000002 keeps A's first and last and adds shard B.
    Path v1 = Files.createDirectories(dir.resolve("v000001"));
    Path v2 = Files.createDirectories(dir.resolve("v000002"));
    List<CatalogEntry> a =
        List.of(row("a0", "A.kiln", 0), row("a1", "A.kiln", 4096), row("a2", "A.kiln", 8192));
    SampleFields.write(v1, a, List.of(10, 11, 12));
    CatalogEntry b0 = row("b0", "B.kiln", 0);
    SampleFields.writeChanges(v2, "v000002", v1, List.of(b0), List.of(20));
    assertTrue(
        Files.isSameFile(v1.resolve(SampleFields.FILE_NAME), v2.resolve(SampleFields.FILE_NAME)));

    DatasetIndex index =
        indexOf(
            new LiveShard(
                "A.kiln",
                12288,
                3,
                0,
                0,
                List.of(new IndexEntry("a0", 0, 4096, 0), new IndexEntry("a2", 8192, 4096, 0))),
            new LiveShard("B.kiln", 4096, 1, 0, 0, List.of(new IndexEntry("b0", 0, 4096, 0))));
    SampleFields read = SampleFields.readFor(v2, index);
    assertEquals(List.of(a.get(0), a.get(2), b0), read.rows());
    assertEquals(
        List.of(10, 12, 20),
        List.of(read.imageLength(0), read.imageLength(1), read.imageLength(2)));

    // A record the files have no row for: none of the fields are trusted.
    DatasetIndex more =
        indexOf(
            new LiveShard("A.kiln", 16384, 4, 0, 0, List.of(new IndexEntry("a3", 12288, 4096, 0))));
    assertNull(SampleFields.readFor(v2, more));
  }

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
