package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records carried over from a previous dataset version ({@link KilnDataset#storedSample}) are
 * copied into a new shard as byte ranges, and the shard is byte for byte the one writing every
 * sample afresh gives: with carried runs at its start, in its middle and at its end, records of the
 * old shards left out between them, and new records in between.
 */
class CarriedRecordCopyTest {
  @TempDir Path dir;

  /** Old shard 0: 40 samples, a few of them big enough that a run spans several copy steps. */
  private static List<Sample> oldShard0() {
    List<Sample> samples = new ArrayList<>(TestData.samples("old0", 40));
    for (int i : new int[] {3, 4, 5, 31}) {
      samples.set(i, big(samples.get(i), i));
    }
    return samples;
  }

  private static Sample big(Sample s, int seed) {
    byte[] image = new byte[5_000_000 + seed * 1237];
    new Random(seed).nextBytes(image);
    return new Sample(
        s.key(),
        image,
        s.encoding(),
        s.width(),
        s.height(),
        s.channels(),
        s.labels(),
        s.boxes(),
        s.source(),
        s.contentHash());
  }

  /** Writes the previous version: two shards and their index, with alignment {@code align}. */
  private Path previous(int align) throws IOException {
    return previous(align, ShardLayout.VERSION);
  }

  /** As {@link #previous(int)}, in format version {@code version}. */
  private Path previous(int align, int version) throws IOException {
    Path old = Files.createDirectories(dir.resolve("old-" + align + "-v" + version));
    TestData.writeDataset(old, align, List.of(oldShard0(), TestData.samples("old1", 12)), version);
    return old;
  }

  /** The new shard's samples: each element is an old position (Integer) or a new sample. */
  private static List<Object> newOrder() {
    List<Object> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // a run at the start, across the big records
      order.add(i);
    }
    order.add(TestData.sample("new/a", 101));
    for (int i = 10; i < 17; i++) { // 8 and 9 deleted
      order.add(i);
    }
    for (int i = 18; i < 20; i++) { // 17 deleted: a run broken by a deletion alone
      order.add(i);
    }
    for (int i = 40; i < 46; i++) { // from the other old shard
      order.add(i);
    }
    order.add(TestData.sample("new/b", 102));
    order.add(TestData.sample("new/c", 103));
    for (int i = 46; i < 52; i++) { // other shard's rest, then old shard 0 again
      order.add(i);
    }
    for (int i = 25; i < 40; i++) { // 20 to 24 deleted; a run to the very end
      order.add(i);
    }
    return order;
  }

  @Test
  void carriedRunsAtStartMiddleAndEndGiveTheShardAFullWriteGives() throws IOException {
    for (int align : new int[] {4096, 0}) {
      assertCopyMatchesFullWrite(previous(align), align, "align " + align);
    }
  }

  @Test
  void recordsFromShardsOfAnotherAlignmentAreCopiedOneByOne() throws IOException {
    // Their padding differs, so no two records are one range; each is still copied as it is.
    assertCopyMatchesFullWrite(previous(0), 4096, "packed into 4096");
    assertCopyMatchesFullWrite(previous(512), 4096, "512 into 4096");
    assertCopyMatchesFullWrite(previous(4096), 0, "4096 into packed");
  }

  @Test
  void recordsOfAVersion1DatasetGoIntoVersion2ShardsWithTheirNewChecksum() throws IOException {
    // A nightly run after an upgrade: the previous version's records have CRC32C, the new shards
    // CRC-32; the shard is still the one a full run writes.
    assertCopyMatchesFullWrite(previous(4096, ShardLayout.VERSION_1), 4096, "version 1, 4096");
    assertCopyMatchesFullWrite(previous(0, ShardLayout.VERSION_1), 0, "version 1, packed");
    try (KilnDataset v2 = KilnDataset.open(previous(4096))) {
      assertEquals(ShardLayout.VERSION, v2.index().version());
    }
  }

  @Test
  void aDamagedVersion1RecordIsNotCarriedIntoVersion2() throws IOException {
    Path old = previous(4096, ShardLayout.VERSION_1);
    try (KilnDataset previous = KilnDataset.open(old)) {
      assertEquals(ShardLayout.VERSION_1, previous.index().version());
      StoredRecordAt damaged = new StoredRecordAt(previous, 12);
      damaged.flipByte(damaged.length() / 2);
      assertFails(previous, "fails its CRC32C");
    }
  }

  private void assertCopyMatchesFullWrite(Path old, int align, String what) throws IOException {
    Path full = dir.resolve("full.kiln");
    Path copied = dir.resolve("copied.kiln");
    try (KilnDataset previous = KilnDataset.open(old)) {
      List<Sample> samples = new ArrayList<>();
      List<EncodedSample> encoded = new ArrayList<>();
      for (Object o : newOrder()) {
        if (o instanceof Integer i) {
          samples.add(previous.get(i));
          encoded.add(previous.storedSample(i, previous.imageLength(i)));
        } else {
          samples.add((Sample) o);
          encoded.add(EncodedSample.of((Sample) o));
        }
      }
      ShardSummary want = TestData.writeShard(full, align, samples);
      KilnShardWriter w = KilnShardWriter.open(copied, align);
      ShardSummary got;
      try {
        for (EncodedSample s : encoded) {
          w.write(s);
        }
        got = w.close();
      } finally {
        w.abort();
      }
      assertArrayEquals(Files.readAllBytes(full), Files.readAllBytes(copied), what);
      assertEquals(want.entries(), got.entries(), what);
      assertEquals(want.fileCrc32c(), got.fileCrc32c(), what);
      assertEquals(want.footerCrc32c(), got.footerCrc32c(), what);
      assertEquals(FileDigest.sha256(copied), w.sha256(), what);
      for (int k = 0; k < samples.size(); k++) {
        Sample s = samples.get(k);
        EncodedSample e = encoded.get(k);
        assertEquals(s.key(), e.key());
        assertEquals(s.contentHash(), e.contentHash());
        assertEquals(s.image().length, e.imageLength());
        assertEquals(
            EncodedSample.of(s).catalogEntry("x", 1, 2), e.catalogEntry("x", 1, 2), s.key());
      }
      assertEquals(samples.get(0), encoded.get(0).sample(), "a stored record reads as its sample");
    } finally {
      Files.deleteIfExists(full);
      Files.deleteIfExists(copied);
    }
  }

  @Test
  void aShardThatIsAWholeShardCopiedTakesTheSha256ItsManifestStates() throws IOException {
    Path old = previous(4096);
    Path oldShard = old.resolve(ShardLayout.shardFileName("part", 0));
    // A stand-in digest shows which shards take the manifest's word and which are hashed.
    String stated = "5".repeat(64);
    ShardFile listed =
        new ShardFile(oldShard.getFileName().toString(), 40, Files.size(oldShard), stated);
    new Manifest("test", "kiln", 40, 40, Map.of(), List.of(listed), Map.of(), "", "").writeTo(old);
    try (KilnDataset previous = KilnDataset.open(old)) {
      assertEquals(stated, copyOf(previous, 0, 40, "whole"), "a copy of the whole shard");
      Path whole = dir.resolve("whole.kiln");
      assertArrayEquals(Files.readAllBytes(oldShard), Files.readAllBytes(whole));
      Files.delete(whole);
      // Records left out at the end (only the footer tells) or the start: hashed after all.
      assertHashed(previous, 0, 39, "prefix");
      assertHashed(previous, 1, 40, "suffix");
    }
  }

  private void assertHashed(KilnDataset previous, int from, int to, String name)
      throws IOException {
    String sha256 = copyOf(previous, from, to, name);
    Path shard = dir.resolve(name + ".kiln");
    assertEquals(FileDigest.sha256(shard), sha256, name);
    Files.delete(shard);
  }

  /** Writes records [from, to) of {@code previous} as shard {@code name}; its SHA-256. */
  private String copyOf(KilnDataset previous, int from, int to, String name) throws IOException {
    KilnShardWriter w = KilnShardWriter.open(dir.resolve(name + ".kiln"), 4096);
    try {
      for (int i = from; i < to; i++) {
        w.write(previous.storedSample(i, previous.imageLength(i)));
      }
      w.close();
      return w.sha256();
    } finally {
      w.abort();
    }
  }

  @Test
  void aDamagedRecordIsNotCopiedAndNoShardAppears() throws IOException {
    Path old = previous(4096);
    try (KilnDataset previous = KilnDataset.open(old)) {
      StoredRecordAt damaged = new StoredRecordAt(previous, 12);
      // The content hash's last character, after the image (the record ends with four bytes of
      // absent label fields: three null unions and an empty map).
      damaged.flipByte(damaged.length() - 5);
      assertFails(previous, "fails its CRC-32");
    }
  }

  @Test
  void paddingThatIsNotZerosIsNotCopied() throws IOException {
    Path old = previous(4096);
    try (KilnDataset previous = KilnDataset.open(old)) {
      StoredRecordAt before = new StoredRecordAt(previous, 13);
      before.flipByte(before.length() + 1); // in the padding after record 13, inside a run
      assertFails(previous, "is not zeros");
    }
  }

  private void assertFails(KilnDataset previous, String why) throws IOException {
    Path shard = dir.resolve("new.kiln");
    KilnShardWriter w = KilnShardWriter.open(shard, 4096);
    try {
      // Found as copied (by close) or, for a record of another format version, as read.
      IOException e =
          assertThrows(
              IOException.class,
              () -> {
                for (int i = 10; i < 20; i++) {
                  w.write(previous.storedSample(i, previous.imageLength(i)));
                }
                w.close();
              });
      assertTrue(e.getMessage().contains(why), e.getMessage());
    } finally {
      w.abort();
    }
    assertFalse(Files.exists(shard));
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.toString().endsWith(ShardLayout.TMP_SUFFIX)));
    }
  }

  @Test
  void aStoredSampleKnowsWhereItsRecordLies() throws IOException {
    Path old = previous(4096);
    try (KilnDataset previous = KilnDataset.open(old)) {
      EncodedSample s = previous.storedSample(41, previous.imageLength(41));
      assertNotNull(s.stored());
      assertEquals(old.resolve(ShardLayout.shardFileName("part", 1)), s.stored().file());
      assertEquals(1, s.stored().number());
      assertEquals(previous.index().offset(41), s.stored().offset());
      assertArrayEquals(previous.readRecord(41), s.record());
      assertNull(EncodedSample.of(previous.get(41)).stored());
      assertThrows(CorruptRecordException.class, () -> previous.storedSample(41, 1 << 20));
    }
  }

  /** A record of a written dataset, to damage its shard file in place. */
  private record StoredRecordAt(Path file, long offset, int length) {
    StoredRecordAt(KilnDataset dataset, int i) {
      this(
          dataset.storedRecord(i).file(),
          dataset.storedRecord(i).offset(),
          dataset.storedRecord(i).length());
    }

    void flipByte(long at) throws IOException {
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(offset + at);
        int b = f.read();
        f.seek(offset + at);
        f.write(b ^ 0x5a);
      }
    }
  }
}
