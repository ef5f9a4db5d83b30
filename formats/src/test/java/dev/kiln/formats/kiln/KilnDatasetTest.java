package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.formats.Sample;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KilnDatasetTest {
  @TempDir Path dir;

  /** Three shards of different sizes (one empty) and the samples in dataset order. */
  private List<Sample> writeThreeShards(int align) throws IOException {
    List<Sample> a = TestData.samples("a", 7);
    List<Sample> b = TestData.samples("b", 0);
    List<Sample> c = TestData.samples("c", 11);
    List<Sample> d = TestData.samples("d", 4);
    TestData.writeDataset(dir, align, List.of(a, b, c, d));
    List<Sample> all = new ArrayList<>(a);
    all.addAll(c);
    all.addAll(d);
    return all;
  }

  @Test
  void getByIndexAndKeyAcrossShards() throws IOException {
    List<Sample> all = writeThreeShards(4096);
    try (KilnDataset ds = KilnDataset.open(dir, ReadOptions.defaults().withRequireIndex(true))) {
      assertEquals(all.size(), ds.size());
      assertEquals(4, ds.index().shardCount());
      assertEquals(all.stream().map(Sample::key).collect(Collectors.toList()), ds.keys());
      for (int i = all.size() - 1; i >= 0; i--) {
        assertEquals(all.get(i), ds.get(i), "index " + i);
      }
      for (Sample s : all) {
        assertEquals(s, ds.get(s.key()));
      }
      assertEquals(2 * all.size(), ds.readCalls(), "one read per sample");
      assertEquals(7, ds.indexOf("c/img_0"));
      assertEquals(2, ds.index().shardOf(7));
      assertEquals(0, ds.index().shardOf(6));
      assertEquals(3, ds.index().shardOf(all.size() - 1));
      assertThrows(NoSuchElementException.class, () -> ds.get("nope"));
      assertThrows(IndexOutOfBoundsException.class, () -> ds.get(all.size()));
      assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
      List<Sample> iterated = new ArrayList<>();
      ds.iterator().forEachRemaining(iterated::add);
      assertEquals(all, iterated);
      assertEquals(all, ds.stream().parallel().collect(Collectors.toList()));
    }
  }

  @Test
  void indexOrderIsShardOrderWhateverTheSummaryOrder() throws IOException {
    List<ShardSummary> sums = new ArrayList<>();
    for (int s = 11; s >= 9; s--) {
      sums.add(
          TestData.writeShard(
              dir.resolve(ShardLayout.shardFileName("p", s)), 4096, TestData.samples("s" + s, 2)));
    }
    DatasetIndexWriter.write(dir, sums);
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(
          List.of("s9/img_0", "s9/img_1", "s10/img_0", "s10/img_1", "s11/img_0", "s11/img_1"),
          ds.keys());
      assertEquals("p-00009.kiln", ds.index().shardFileName(0));
    }
    assertEquals(ShardLayout.compareShardNames("p-99999.kiln", "p-100000.kiln") < 0, true);
  }

  @Test
  void duplicateKeysAcrossShardsAreRejectedByTheIndexWriter() throws IOException {
    ShardSummary a =
        TestData.writeShard(dir.resolve("x-00000.kiln"), 4096, TestData.samples("same", 2));
    ShardSummary b =
        TestData.writeShard(dir.resolve("x-00001.kiln"), 4096, TestData.samples("same", 1));
    assertThrows(
        IllegalArgumentException.class, () -> DatasetIndexWriter.write(dir, List.of(a, b)));
    ShardSummary packed =
        TestData.writeShard(dir.resolve("x-00002.kiln"), 0, TestData.samples("other", 1));
    assertThrows(
        IllegalArgumentException.class, () -> DatasetIndexWriter.write(dir, List.of(a, packed)));
  }

  @Test
  void withoutIndexTheShardFootersAreUsedAndRebuildRestoresIt() throws IOException {
    List<Sample> all = writeThreeShards(4096);
    byte[] original = Files.readAllBytes(dir.resolve("index.kidx"));
    Files.delete(dir.resolve("index.kidx"));
    assertThrows(
        NoSuchFileException.class,
        () -> KilnDataset.open(dir, ReadOptions.defaults().withRequireIndex(true)));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      assertEquals(all.size(), ds.size());
      assertEquals(all.get(9), ds.get(9));
    }
    DatasetIndexWriter.rebuild(dir);
    assertArrayEquals(original, Files.readAllBytes(dir.resolve("index.kidx")));
  }

  @Test
  void directIoReadsOrFallsBackWithAReason() throws IOException {
    List<Sample> all = writeThreeShards(4096);
    try (KilnDataset ds = KilnDataset.open(dir, ReadOptions.defaults().withDirectIo(true))) {
      if (ds.directIo()) {
        assertTrue(ds.directIoFallback().isEmpty());
      } else {
        // The documented fallback: buffered reads and a message naming the shard and the error.
        String why = ds.directIoFallback().orElseThrow();
        assertTrue(why.contains("O_DIRECT refused") && why.contains(".kiln"), why);
      }
      for (int i = 0; i < all.size(); i++) {
        assertEquals(all.get(i), ds.get(i));
      }
      assertEquals(all.size(), ds.readCalls());
    }
  }

  @Test
  void directIoOnAPackedDatasetReadsAlignedWindows() throws IOException {
    List<Sample> all = writeThreeShards(0);
    try (KilnDataset ds = KilnDataset.open(dir, ReadOptions.defaults().withDirectIo(true))) {
      for (int i = 0; i < all.size(); i++) {
        assertEquals(all.get(i), ds.get(i));
      }
    }
  }

  @Test
  void directIoFallbackWhenTheFilesystemRefuses() throws IOException {
    List<Sample> all = writeThreeShards(4096);
    KilnDataset.DirectOpener real = KilnDataset.directOpener;
    // What FileChannel.open(..., ExtendedOpenOption.DIRECT) throws where O_DIRECT is unsupported.
    KilnDataset.directOpener =
        p -> {
          throw new java.nio.file.FileSystemException(p.toString(), null, "Invalid argument");
        };
    try (KilnDataset ds = KilnDataset.open(dir, ReadOptions.defaults().withDirectIo(true))) {
      assertFalse(ds.directIo());
      String why = ds.directIoFallback().orElseThrow();
      assertTrue(
          why.startsWith("O_DIRECT refused for ")
              && why.contains("part-00000.kiln")
              && why.contains("Invalid argument")
              && why.endsWith("using buffered reads"),
          why);
      for (int i = 0; i < all.size(); i++) {
        assertEquals(all.get(i), ds.get(i));
      }
    } finally {
      KilnDataset.directOpener = real;
    }
    // A refusal on a later shard downgrades the shards already opened, so all read one way.
    KilnDataset.directOpener =
        p -> {
          if (p.getFileName().toString().equals("part-00002.kiln")) {
            throw new java.nio.file.FileSystemException(p.toString(), null, "Invalid argument");
          }
          return real.open(p);
        };
    try (KilnDataset ds = KilnDataset.open(dir, ReadOptions.defaults().withDirectIo(true))) {
      assertFalse(ds.directIo());
      assertTrue(ds.directIoFallback().orElseThrow().contains("part-00002.kiln"));
      assertEquals(all.get(0), ds.get(0));
      assertEquals(all.get(all.size() - 1), ds.get(all.size() - 1));
    } finally {
      KilnDataset.directOpener = real;
    }
  }

  @Test
  void flippedByteIsReportedAndOnlyThatRecordFails() throws IOException {
    List<Sample> all = writeThreeShards(4096);
    int victim = 9; // c/img_2, in part-00002.kiln
    long offset = KilnDataset.open(dir).index().offset(victim);
    flipByte(dir.resolve("part-00002.kiln"), offset + 20);

    List<String> problems = DatasetVerifier.verify(dir);
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.contains("part-00002.kiln record 2")
                        && p.contains("c/img_2")
                        && p.contains("CRC-32")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("file CRC-32")), problems.toString());

    try (KilnDataset ds = KilnDataset.open(dir)) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> ds.get(victim));
      assertEquals(victim, e.recordIndex());
      assertEquals("c/img_2", e.key());
      assertTrue(e.getMessage().contains("part-00002.kiln"), e.getMessage());
      assertThrows(CorruptRecordException.class, () -> ds.get("c/img_2"));
      assertThrows(CorruptRecordException.class, () -> ds.readRecord(victim));
      assertThrows(
          CorruptRecordException.class,
          () -> ds.readRecord(victim, java.nio.ByteBuffer::remaining),
          "the view is never handed out for a corrupt record");
      for (int i = 0; i < all.size(); i++) {
        if (i != victim) {
          assertEquals(all.get(i), ds.get(i));
          byte[] copied = ds.readRecord(i);
          java.nio.ByteBuffer view = ds.readRecord(i, b -> b);
          assertTrue(view.isReadOnly());
          byte[] viewed = new byte[view.remaining()];
          view.get(viewed);
          assertArrayEquals(copied, viewed, "record " + i + " through the view");
        }
      }
    }
  }

  @Test
  void truncatedShardIsRejectedOnOpen() throws IOException {
    writeThreeShards(4096);
    Path shard = dir.resolve("part-00002.kiln");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    CorruptShardException e =
        assertThrows(CorruptShardException.class, () -> KilnDataset.open(dir));
    assertEquals(shard, e.shard());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    // Without the index the shard's own trailer gives it away.
    Files.delete(dir.resolve("index.kidx"));
    e = assertThrows(CorruptShardException.class, () -> KilnDataset.open(dir));
    assertTrue(e.getMessage().contains("part-00002.kiln"), e.getMessage());
    assertThrows(CorruptShardException.class, () -> KilnShardReader.open(shard));
    assertFalse(DatasetVerifier.verify(dir).isEmpty());
  }

  @Test
  void badMagicAndFooterCrcAreRejectedOnOpen() throws IOException {
    writeThreeShards(4096);
    Path shard = dir.resolve("part-00000.kiln");
    byte[] good = Files.readAllBytes(shard);

    flipByte(shard, 0); // header magic
    CorruptShardException e =
        assertThrows(CorruptShardException.class, () -> KilnShardReader.open(shard));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
    Files.write(shard, good);

    flipByte(shard, good.length - 1); // trailer magic
    assertThrows(CorruptShardException.class, () -> KilnDataset.open(dir));
    Files.write(shard, good);

    long footerOffset;
    try (KilnShardReader r = KilnShardReader.open(shard)) {
      footerOffset = r.footerOffset();
    }
    flipByte(shard, footerOffset + 3); // footer body: only its CRC can tell
    e = assertThrows(CorruptShardException.class, () -> KilnShardReader.open(shard));
    assertTrue(e.getMessage().contains("footer CRC-32"), e.getMessage());
    e =
        assertThrows(
            CorruptShardException.class,
            () -> KilnDataset.open(dir, ReadOptions.defaults().withVerifyFootersOnOpen(true)));
    assertTrue(e.getMessage().contains("footer CRC-32"), e.getMessage());
  }

  @Test
  void corruptIndexIsRejected() throws IOException {
    writeThreeShards(4096);
    Path index = dir.resolve("index.kidx");
    flipByte(index, Files.size(index) / 2);
    assertThrows(CorruptIndexException.class, () -> KilnDataset.open(dir));
    assertTrue(DatasetVerifier.verify(dir).stream().anyMatch(p -> p.contains("index.kidx")));
  }

  @Test
  void concurrentReadsFromEightThreads() throws Exception {
    List<Sample> all = writeThreeShards(4096);
    for (int channels : new int[] {1, 3, ReadOptions.DEFAULT_CHANNELS_PER_SHARD})
      for (boolean direct : new boolean[] {false, true}) {
        ReadOptions options =
            ReadOptions.defaults().withDirectIo(direct).withChannelsPerShard(channels);
        try (KilnDataset ds = KilnDataset.open(dir, options)) {
          ExecutorService pool = Executors.newFixedThreadPool(8);
          try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
              long seed = t;
              futures.add(
                  pool.submit(
                      () -> {
                        SplittableRandom rnd = new SplittableRandom(seed);
                        int n = 0;
                        for (int k = 0; k < 300; k++) {
                          int i = rnd.nextInt(all.size());
                          Sample got = rnd.nextBoolean() ? ds.get(i) : ds.get(all.get(i).key());
                          assertEquals(all.get(i), got);
                          n++;
                        }
                        return n;
                      }));
            }
            int total = 0;
            for (Future<Integer> f : futures) {
              total += f.get();
            }
            assertEquals(2400, total);
            assertEquals(2400, ds.readCalls());
          } finally {
            pool.shutdownNow();
          }
        }
      }
  }

  @Test
  void anInterruptedReaderDoesNotBreakOtherThreads() throws Exception {
    List<Sample> all = writeThreeShards(4096);
    assertThrows(
        IllegalArgumentException.class, () -> ReadOptions.defaults().withChannelsPerShard(0));
    // One channel per shard: the interrupted thread's channel is the one everybody reads with.
    for (int channels : new int[] {1, ReadOptions.DEFAULT_CHANNELS_PER_SHARD})
      try (KilnDataset ds =
          KilnDataset.open(dir, ReadOptions.defaults().withChannelsPerShard(channels))) {
        Thread t =
            new Thread(
                () -> {
                  Thread.currentThread().interrupt();
                  try {
                    ds.get(0);
                  } catch (RuntimeException expected) {
                    // ClosedByInterruptException wrapped: the interrupted thread's own read fails.
                  }
                });
        t.start();
        t.join();
        for (int i = 0; i < all.size(); i++) {
          assertEquals(all.get(i), ds.get(i));
        }
      }
  }

  @Test
  void closedDatasetRefusesReads() throws IOException {
    writeThreeShards(4096);
    KilnDataset ds = KilnDataset.open(dir);
    ds.close();
    assertThrows(IllegalStateException.class, () -> ds.get(0));
    Iterator<Sample> it = ds.iterator();
    assertTrue(it.hasNext());
  }

  static void flipByte(Path file, long position) throws IOException {
    try (var ch =
        java.nio.channels.FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      b.rewind();
      ch.write(b, position);
    }
  }
}
