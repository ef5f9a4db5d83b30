package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.formats.Box;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.SourceInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KilnShardWriterTest {
  @TempDir Path dir;

  @Test
  void roundTripsEveryField() throws IOException {
    List<Sample> samples = new ArrayList<>(TestData.samples("rt", 12));
    // Unicode keys (incl. a non-BMP character), null and non-null ICC, empty lists.
    samples.add(
        new Sample(
            "日本/写真 ü 🐱",
            TestData.jpeg(20, 10, 99),
            "jpeg",
            20,
            10,
            3,
            List.of("猫", ""),
            List.of(new Box(-1.5f, 0f, 3.25f, 1e6f, "ñ", -7)),
            new SourceInfo(
                "s3://b/日本.jpg",
                Long.MAX_VALUE,
                "jpeg",
                "cmyk",
                16,
                "Adobe RGB (1998)",
                6,
                10,
                20,
                3),
            "ab".repeat(32)));
    samples.add(
        new Sample(
            "empty",
            new byte[0],
            "raw",
            0,
            0,
            0,
            List.of(),
            List.of(),
            new SourceInfo("p", 0, "png", "palette", 1, null, 1, 0, 0, 1),
            ""));
    TestData.writeDataset(dir, 4096, List.of(samples));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(samples.size(), ds.size());
      for (int i = 0; i < samples.size(); i++) {
        Sample got = ds.get(i);
        Sample want = samples.get(i);
        assertEquals(want, got, "sample " + i);
        assertEquals(want.source().iccProfile(), got.source().iccProfile());
        assertEquals(want.labels(), got.labels());
        assertEquals(want.boxes(), got.boxes());
        assertEquals(want, ds.get(want.key()));
        assertArrayEquals(SampleCodec.encode(want), ds.readRecord(i));
      }
      assertNull(ds.get(0).source().iccProfile());
      assertNotNull(ds.get(1).source().iccProfile());
    }
  }

  @Test
  void encodedSamplesAreStoredAsTheyAreAndGiveTheSameShard() throws IOException {
    List<Sample> samples = TestData.samples("enc", 15);
    for (int align : new int[] {0, 4096}) {
      Path decoded = dir.resolve("d-" + align + ".kiln");
      ShardSummary a = TestData.writeShard(decoded, align, samples);
      Path encoded = dir.resolve("e-" + align + ".kiln");
      KilnShardWriter w = KilnShardWriter.open(encoded, align);
      try {
        for (Sample s : samples) {
          // Parsed from bytes, as a record carried over from an earlier version is.
          w.write(EncodedSample.parse(SampleCodec.encode(s)));
        }
        ShardSummary b = w.close();
        assertEquals(a.entries(), b.entries());
        assertEquals(a.fileCrc32c(), b.fileCrc32c());
      } finally {
        w.abort();
      }
      assertArrayEquals(Files.readAllBytes(decoded), Files.readAllBytes(encoded), "align " + align);
    }
    KilnShardWriter w = KilnShardWriter.open(dir.resolve("dup.kiln"));
    try {
      w.write(samples.get(0));
      assertThrows(IllegalArgumentException.class, () -> w.write(EncodedSample.of(samples.get(0))));
    } finally {
      w.abort();
    }
  }

  @Test
  void indexRebuiltWithTheWritersCrcsIsTheIndexRebuiltByReadingTheShards() throws IOException {
    List<ShardSummary> written =
        TestData.writeDataset(
            dir, 4096, List.of(TestData.samples("a", 9), TestData.samples("b", 4)));
    Path index = dir.resolve(ShardLayout.INDEX_FILE_NAME);
    DatasetIndexWriter.rebuild(dir);
    byte[] read = Files.readAllBytes(index);
    java.util.Map<String, Integer> crcs = new java.util.HashMap<>();
    written.forEach(s -> crcs.put(s.fileName(), s.fileCrc32c()));
    DatasetIndexWriter.rebuild(dir, crcs);
    assertArrayEquals(read, Files.readAllBytes(index));
    // A shard without a known CRC is read for it.
    crcs.remove(written.get(1).fileName());
    DatasetIndexWriter.rebuild(dir, crcs);
    assertArrayEquals(read, Files.readAllBytes(index));
  }

  @Test
  void recordsAreAlignedTo4096WithZeroPadding() throws IOException {
    Path file = dir.resolve("a-00000.kiln");
    ShardSummary sum = TestData.writeShard(file, 4096, TestData.samples("al", 20));
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(bytes.length, sum.bytes());
    CRC32 fileCrc = new CRC32();
    fileCrc.update(bytes);
    assertEquals((int) fileCrc.getValue(), sum.fileCrc32c());
    long prevEnd = 0;
    for (IndexEntry e : sum.entries()) {
      assertEquals(0, e.offset() % 4096, e.key());
      for (long p = prevEnd; p < e.offset() && prevEnd > 0; p++) {
        assertEquals(0, bytes[(int) p], "padding at " + p);
      }
      CRC32 c = new CRC32();
      c.update(bytes, (int) e.offset(), e.length());
      assertEquals((int) c.getValue(), e.crc32c());
      prevEnd = e.end();
    }
    // Header fields as ShardLayout declares them.
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("KILNSHD1", new String(bytes, 0, 8, "US-ASCII"));
    assertEquals(ShardLayout.VERSION, b.getInt(ShardLayout.HDR_VERSION));
    assertEquals(4096, b.getInt(ShardLayout.HDR_ALIGN));
    int schemaLength = b.getInt(ShardLayout.HDR_SCHEMA_LENGTH);
    assertEquals(
        SampleCodec.SCHEMA_JSON, new String(bytes, ShardLayout.HDR_SCHEMA, schemaLength, "UTF-8"));
    // Trailer.
    int t = bytes.length - ShardLayout.TRAILER_SIZE;
    assertEquals("KILNEND1", new String(bytes, t + ShardLayout.TRL_MAGIC, 8, "US-ASCII"));
    long footerOffset = b.getLong(t + ShardLayout.TRL_FOOTER_OFFSET);
    assertEquals(0, footerOffset % 4096);
    assertEquals(20, b.getLong(t + ShardLayout.TRL_RECORD_COUNT));
    assertEquals(
        bytes.length,
        footerOffset + b.getLong(t + ShardLayout.TRL_FOOTER_LENGTH) + ShardLayout.TRAILER_SIZE);
  }

  @Test
  void alignZeroPacksRecords() throws IOException {
    Path file = dir.resolve("p-00000.kiln");
    List<Sample> samples = TestData.samples("pk", 10);
    ShardSummary sum = TestData.writeShard(file, 0, samples);
    long expected = ShardLayout.HDR_FIXED_SIZE + SampleCodec.SCHEMA_JSON.getBytes("UTF-8").length;
    for (IndexEntry e : sum.entries()) {
      assertEquals(expected, e.offset(), e.key());
      expected = e.end();
    }
    DatasetIndexWriter.write(dir, List.of(sum));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      for (int i = 0; i < samples.size(); i++) {
        assertEquals(samples.get(i), ds.get(i));
      }
    }
  }

  @Test
  void sameInputGivesByteIdenticalFiles() throws IOException {
    List<Sample> samples = TestData.samples("det", 15);
    Path a = dir.resolve("x-00000.kiln");
    Path b = dir.resolve("y-00000.kiln");
    ShardSummary sa = TestData.writeShard(a, 4096, samples);
    ShardSummary sb = TestData.writeShard(b, 4096, samples);
    assertEquals(-1, Files.mismatch(a, b));
    assertEquals(sa.fileCrc32c(), sb.fileCrc32c());
    assertEquals(sa.entries(), sb.entries());
    Path d1 = Files.createDirectories(dir.resolve("d1"));
    Path d2 = Files.createDirectories(dir.resolve("d2"));
    TestData.writeDataset(d1, 4096, List.of(samples.subList(0, 7), samples.subList(7, 15)));
    TestData.writeDataset(d2, 4096, List.of(samples.subList(0, 7), samples.subList(7, 15)));
    assertEquals(-1, Files.mismatch(d1.resolve("index.kidx"), d2.resolve("index.kidx")));
  }

  @Test
  void shardAppearsOnlyOnCloseAndAbortLeavesNothing() throws IOException {
    Path file = dir.resolve("t-00000.kiln");
    KilnShardWriter w = KilnShardWriter.open(file, 4096);
    w.write(TestData.sample("k", 1));
    assertFalse(Files.exists(file));
    assertTrue(Files.exists(dir.resolve("t-00000.kiln.tmp")));
    assertThrows(IllegalArgumentException.class, () -> w.write(TestData.sample("k", 2)));
    ShardSummary sum = w.close();
    assertTrue(Files.exists(file));
    assertFalse(Files.exists(dir.resolve("t-00000.kiln.tmp")));
    assertEquals(1, sum.recordCount());
    assertEquals("t-00000.kiln", sum.fileName());
    assertEquals(
        dev.kiln.formats.FileDigest.sha256(file), w.sha256(), "SHA-256 taken while writing");
    assertThrows(IllegalStateException.class, () -> w.write(TestData.sample("k2", 2)));
    w.abort(); // no-op after close
    assertTrue(Files.exists(file));

    Path other = dir.resolve("t-00001.kiln");
    KilnShardWriter w2 = KilnShardWriter.open(other);
    w2.write(TestData.sample("z", 3));
    assertThrows(IllegalStateException.class, w2::sha256, "not finished");
    w2.abort();
    assertFalse(Files.exists(other));
    assertFalse(Files.exists(dir.resolve("t-00001.kiln.tmp")));
    assertThrows(IllegalArgumentException.class, () -> KilnShardWriter.open(other, 1000));
  }

  @Test
  void shardReaderReadsAFileWithoutTheIndex() throws IOException {
    List<Sample> samples = TestData.samples("sr", 5);
    Path file = dir.resolve("s-00000.kiln");
    ShardSummary written = TestData.writeShard(file, 512, samples);
    try (KilnShardReader r = KilnShardReader.open(file)) {
      assertEquals(5, r.size());
      assertEquals(512, r.align());
      assertEquals(written, r.summary());
      for (int i = 0; i < 5; i++) {
        assertEquals(samples.get(i), r.get(i));
      }
    }
  }

  @Test
  void emptyShardIsValid() throws IOException {
    ShardSummary sum = TestData.writeShard(dir.resolve("e-00000.kiln"), 4096, List.of());
    assertEquals(0, sum.recordCount());
    DatasetIndexWriter.write(dir, List.of(sum));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(0, ds.size());
      assertFalse(ds.iterator().hasNext());
    }
    assertEquals(List.of(), DatasetVerifier.verify(dir));
  }
}
