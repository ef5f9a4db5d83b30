package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.InputRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartFilesTest {
  @TempDir Path tmp;

  @Test
  void listingAndCatalogPartsReadBackWhatWasWritten() throws IOException {
    List<InputRecord> listing =
        List.of(
            new InputRecord("a/b", "/in/a/b.jpg", 123, 1_700_000_000_123L, "", false),
            new InputRecord(
                "日本/🐱\n\"x\"", "/in/日本/🐱.png", Long.MAX_VALUE, -1, "ab".repeat(32), true));
    Path listingPart = tmp.resolve("listing-00000.part");
    PartFiles.writeListing(listingPart, listing);
    assertEquals(listing, PartFiles.readListing(listingPart));

    List<CatalogEntry> catalog =
        List.of(
            new CatalogEntry(
                "k",
                "shard-00000.kiln",
                4096,
                18_000,
                List.of(),
                256,
                256,
                List.of(),
                "/in/k.jpg",
                ""),
            new CatalogEntry(
                "p/1",
                "shard-00001.tar",
                -1,
                -1,
                List.of("cat", "", "猫"),
                3,
                7,
                List.of(
                    new Box(-1.5f, 0f, Float.MAX_VALUE, Float.MIN_VALUE, "ñ", -7),
                    new Box(0, 0, 1, 1, "", 0)),
                "/in/日本.jpg",
                "00".repeat(32)));
    Path catalogPart = tmp.resolve("catalog-00000.part");
    ShardRows part = new ShardRows(catalog, List.of(17_000, Integer.MAX_VALUE));
    PartFiles.writeCatalog(catalogPart, part);
    assertEquals(part, PartFiles.readCatalog(catalogPart));

    ShardRows none = new ShardRows(List.of(), List.of());
    PartFiles.writeCatalog(catalogPart, none);
    assertEquals(none, PartFiles.readCatalog(catalogPart));
    try (var left = Files.list(tmp)) {
      assertEquals(2, left.count(), "written atomically: no temporary file left");
    }
  }

  @Test
  void truncatedOrForeignPartsAreRefused() throws IOException {
    Path part = tmp.resolve("listing-00000.part");
    PartFiles.writeListing(part, List.of(new InputRecord("k", "/in/k.jpg", 1, 2, "", false)));
    byte[] bytes = Files.readAllBytes(part);
    Files.write(part, Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(IOException.class, () -> PartFiles.readListing(part));
    Files.write(part, Arrays.copyOf(bytes, bytes.length + 1));
    assertThrows(IOException.class, () -> PartFiles.readListing(part));
    Files.writeString(part, "{\"key\":\"k\"}\n");
    assertThrows(IOException.class, () -> PartFiles.readListing(part));
  }
}
