package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.formats.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format version 2 (CRC-32) is written by default, and version 1 datasets (CRC32C, as earlier Kilns
 * wrote them) are still read, verified and reported on by the same code.
 */
class FormatVersionTest {
  @TempDir Path dir;

  private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  void eachVersionHasItsChecksum() {
    assertEquals(LayoutChecksum.CRC32C, LayoutChecksum.forVersion(1));
    assertEquals(LayoutChecksum.CRC32, LayoutChecksum.forVersion(2));
    assertEquals(0xE3069283, LayoutChecksum.CRC32C.of(CHECK, 0, CHECK.length));
    assertEquals(0xCBF43926, LayoutChecksum.CRC32.of(CHECK, 0, CHECK.length));
    assertEquals(0xCBF43926, LayoutChecksum.CRC32.of(ByteBuffer.wrap(CHECK)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayoutChecksum.forVersion(3));
    assertTrue(e.getMessage().contains("unsupported version 3"), e.getMessage());
    assertEquals(2, ShardLayout.VERSION);
  }

  @Test
  void version2IsWrittenByDefaultAndEveryChecksumIsCrc32() throws IOException {
    List<ShardSummary> sums =
        TestData.writeDataset(
            dir, 4096, List.of(TestData.samples("a", 5), TestData.samples("b", 3)));
    Path shard = dir.resolve("part-00000.kiln");
    byte[] bytes = Files.readAllBytes(shard);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, b.getInt(ShardLayout.HDR_VERSION));
    assertEquals(LayoutChecksum.CRC32.of(bytes, 0, bytes.length), sums.get(0).fileCrc32c());
    for (IndexEntry e : sums.get(0).entries()) {
      assertEquals(LayoutChecksum.CRC32.of(bytes, (int) e.offset(), e.length()), e.crc32c());
    }
    byte[] index = Files.readAllBytes(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    ByteBuffer ib = ByteBuffer.wrap(index).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, ib.getInt(ShardLayout.IDX_VERSION));
    int end = index.length - ShardLayout.IDX_END_SIZE;
    assertEquals(LayoutChecksum.CRC32.of(index, 0, end), ib.getInt(end));
    assertEquals(List.of(), DatasetVerifier.verify(dir));
  }

  @Test
  void version1DatasetsAreReadAndVerified() throws IOException {
    List<Sample> a = TestData.samples("a", 6);
    List<Sample> b = TestData.samples("b", 4);
    List<ShardSummary> sums =
        TestData.writeDataset(dir, 4096, List.of(a, b), ShardLayout.VERSION_1);
    byte[] bytes = Files.readAllBytes(dir.resolve("part-00000.kiln"));
    for (IndexEntry e : sums.get(0).entries()) {
      assertEquals(LayoutChecksum.CRC32C.of(bytes, (int) e.offset(), e.length()), e.crc32c());
    }
    List<Sample> all = new ArrayList<>(a);
    all.addAll(b);
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(ShardLayout.VERSION_1, ds.index().version());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(all.get(i), ds.get(i));
      }
    }
    assertEquals(List.of(), DatasetVerifier.verify(dir));
    try (KilnDataset ds =
        KilnDataset.open(dir, ReadOptions.defaults().withVerifyFootersOnOpen(true))) {
      assertEquals(all.size(), ds.size());
    }
    // Without the index, from the shard footers.
    Files.delete(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(ShardLayout.VERSION_1, ds.index().version());
      assertEquals(all.get(7), ds.get(7));
    }
    DatasetIndexWriter.rebuild(dir);
    assertEquals(List.of(), DatasetVerifier.verify(dir));
  }

  @Test
  void aDamagedVersion1RecordFailsItsCrc32c() throws IOException {
    TestData.writeDataset(dir, 4096, List.of(TestData.samples("a", 4)), ShardLayout.VERSION_1);
    long offset;
    try (KilnDataset ds = KilnDataset.open(dir)) {
      offset = ds.index().offset(2);
    }
    KilnDatasetTest.flipByte(dir.resolve("part-00000.kiln"), offset + 30);
    try (KilnDataset ds = KilnDataset.open(dir)) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> ds.get(2));
      assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
      assertEquals(TestData.samples("a", 4).get(3), ds.get(3));
    }
    List<String> problems = DatasetVerifier.verify(dir);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("a/img_2") && p.contains("CRC32C")),
        problems.toString());
  }

  @Test
  void shardsOfTwoVersionsAreNotOneDataset() throws IOException {
    ShardSummary one =
        TestData.writeShard(
            dir.resolve("part-00000.kiln"), 4096, TestData.samples("a", 2), ShardLayout.VERSION_1);
    ShardSummary two =
        TestData.writeShard(
            dir.resolve("part-00001.kiln"), 4096, TestData.samples("b", 2), ShardLayout.VERSION_2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DatasetIndex.fromSummaries(List.of(one, two)));
    assertTrue(e.getMessage().contains("format version"), e.getMessage());
  }

  @Test
  void anUnknownVersionIsNamedWhenOpened() throws IOException {
    Path shard = dir.resolve("part-00000.kiln");
    TestData.writeShard(shard, 4096, TestData.samples("a", 2));
    try (var ch =
        java.nio.channels.FileChannel.open(shard, java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 7);
      ch.write(v, ShardLayout.HDR_VERSION);
    }
    CorruptShardException e =
        assertThrows(CorruptShardException.class, () -> KilnShardReader.open(shard));
    assertTrue(e.getMessage().contains("unsupported version 7"), e.getMessage());
  }
}
