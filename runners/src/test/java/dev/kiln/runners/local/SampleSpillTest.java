package dev.kiln.runners.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.SourceInfo;
import dev.kiln.pipelines.SampleOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleSpillTest {
  @TempDir Path tmp;

  /** A sample whose payload bytes say which it is (the spill never looks inside images). */
  private static Sample sample(int i) {
    byte[] image = new byte[100 + i % 50];
    image[0] = (byte) i;
    image[1] = (byte) (i >> 8);
    SourceInfo src =
        new SourceInfo("/in/" + i + ".jpg", image.length, "jpeg", "rgb", 8, null, 1, 10, 10, 1);
    return new Sample(
        "k/" + i,
        image,
        "jpeg",
        10,
        10,
        3,
        List.of("c" + i % 3),
        List.of(),
        src,
        String.format("%064x", i));
  }

  @Test
  void samplesParkedFromManyThreadsComeBackOnceEachInKeyHashOrder() throws Exception {
    Path dir = tmp.resolve("_spill");
    int n = 3000;
    List<EncodedSample> drained = new ArrayList<>();
    try (SampleSpill spill = new SampleSpill(dir, imageLength -> imageLength + 1, null, n)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = first; i < n; i += 4) {
                    spill.add(EncodedSample.of(sample(i)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      long expectedMeasure = 0;
      for (int i = 0; i < n; i++) {
        expectedMeasure += sample(i).image().length + 1;
      }
      assertEquals(n, spill.count());
      assertEquals(expectedMeasure, spill.measured());

      spill.drainInOrder(
          (samples, keyHashes) -> {
            assertEquals(samples.size(), keyHashes.length);
            for (int i = 0; i < samples.size(); i++) {
              assertEquals(
                  SampleOrder.hash(samples.get(i).key()),
                  keyHashes[i],
                  "each sample comes with its own key's hash");
            }
            drained.addAll(samples);
          });
      try (var left = Files.list(dir)) {
        assertEquals(0, left.count(), "bucket files are deleted once read");
      }
    }
    assertFalse(Files.exists(dir), "the spill directory goes on close");

    assertEquals(n, drained.size());
    List<String> keys = drained.stream().map(EncodedSample::key).toList();
    List<String> expected = new ArrayList<>(keys);
    expected.sort(SampleOrder.KEYS);
    assertEquals(expected, keys, "drained in the order shards are written in");
    assertEquals(n, keys.stream().distinct().count());
    for (EncodedSample s : drained) {
      int i = Integer.parseInt(s.key().substring(2));
      assertEquals(sample(i), s.sample(), "round trip of " + s.key());
    }
  }

  /** One bucket (a small run) and many buckets, most of which hold no file, only references. */
  @ParameterizedTest
  @ValueSource(longs = {500, 200_000})
  void carriedSamplesAreParkedAsReferencesAndReadBackFromThePreviousVersion(long expectedSamples)
      throws Exception {
    Path dir = tmp.resolve("_spill");
    // The previous version's records, by position; the spill only holds positions of these.
    List<byte[]> previous = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      previous.add(SampleCodec.encode(sample(i)));
    }
    List<Integer> reads = java.util.Collections.synchronizedList(new ArrayList<>());
    List<EncodedSample> drained = new ArrayList<>();
    try (SampleSpill spill =
        new SampleSpill(
            dir,
            imageLength -> imageLength,
            (r, imageLength) -> {
              reads.add(r);
              assertEquals(sample(r).image().length, imageLength, "parked with its image length");
              return EncodedSample.parse(previous.get(r));
            },
            expectedSamples)) {
      assertEquals(expectedSamples > 1024 ? 256 : 1, spill.bucketCount());
      for (int i = 0; i < 500; i++) {
        if (i % 5 == 0) {
          spill.add(EncodedSample.of(sample(1000 + i))); // prepared anew
        } else {
          spill.addCarried("k/" + i, i, sample(i).image().length);
        }
      }
      assertEquals(500, spill.count());
      long measure = 0;
      for (int i = 0; i < 500; i++) {
        measure += sample(i % 5 == 0 ? 1000 + i : i).image().length;
      }
      assertEquals(measure, spill.measured());
      long spilled;
      try (var files = Files.list(dir)) {
        spilled = files.mapToLong(p -> p.toFile().length()).sum();
      }
      assertTrue(
          spilled < 100 * 200 + 400 * 40, "carried records are not copied: " + spilled + " bytes");
      assertEquals(0, reads.size(), "nothing read from the previous version before draining");
      spill.drainInOrder((samples, keyHashes) -> drained.addAll(samples));
    }
    assertEquals(400, reads.size(), "each carried record read once");
    List<String> keys = drained.stream().map(EncodedSample::key).toList();
    List<String> expected = new ArrayList<>(keys);
    expected.sort(SampleOrder.KEYS);
    assertEquals(expected, keys);
    for (EncodedSample s : drained) {
      int i = Integer.parseInt(s.key().substring(2));
      assertEquals(sample(i), s.sample());
      if (i < 1000) {
        assertSame(previous.get(i), s.record(), "the previous record's bytes as they are");
      }
    }
  }

  @Test
  void bucketsHoldAboutAThousandSamplesUpToTheOpenFileBound() {
    assertEquals(0, SampleSpill.bucketBits(0));
    assertEquals(0, SampleSpill.bucketBits(1024));
    assertEquals(1, SampleSpill.bucketBits(1025));
    assertEquals(4, SampleSpill.bucketBits(10_080)); // 16 buckets of ~630
    assertEquals(9, SampleSpill.bucketBits(1L << 40)); // never more than MAX_BUCKETS files
    assertEquals(SampleSpill.MAX_BUCKETS, 1 << SampleSpill.bucketBits(Long.MAX_VALUE));
  }

  @Test
  void aCarriedRecordThatIsNotTheParkedSampleFailsTheDrain() throws Exception {
    byte[] other = SampleCodec.encode(sample(2));
    try (SampleSpill spill =
        new SampleSpill(
            tmp.resolve("_spill"),
            imageLength -> 1,
            (r, length) -> EncodedSample.parse(other),
            1)) {
      spill.addCarried("k/1", 0, 10);
      IOException e =
          assertThrows(IOException.class, () -> spill.drainInOrder((samples, keyHashes) -> {}));
      assertTrue(e.getMessage().contains("'k/2', not 'k/1'"), e.getMessage());
    }
  }

  @Test
  void closingUndrainedSpillRemovesItsFilesAndRefusesLateSamples() throws Exception {
    Path dir = tmp.resolve("_spill");
    SampleSpill spill =
        new SampleSpill(dir, imageLength -> 1, (r, length) -> EncodedSample.of(sample(r)), 1);
    try (spill) {
      spill.add(EncodedSample.of(sample(1)));
      spill.addCarried("k/2", 2, 100);
      assertTrue(Files.list(dir).findAny().isPresent());
    }
    assertFalse(Files.exists(dir));
    // A worker still finishing an image after a failed run must not recreate a bucket file.
    assertThrows(IOException.class, () -> spill.add(EncodedSample.of(sample(3))));
    assertThrows(IOException.class, () -> spill.addCarried("k/4", 4, 100));
    assertFalse(Files.exists(dir));
  }
}
