package dev.kiln.runners.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Sample;
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

class SampleSpillTest {
  @TempDir Path tmp;

  /** A sample whose payload bytes say which it is (the spill never looks inside images). */
  private static Sample sample(int i) {
    byte[] image = new byte[100 + i % 50];
    image[0] = (byte) i;
    image[1] = (byte) (i >> 8);
    SourceInfo src = new SourceInfo("/in/" + i + ".jpg", image.length, "jpeg", "rgb", 8, null, 1, 10, 10, 1);
    return new Sample("k/" + i, image, "jpeg", 10, 10, 3, List.of("c" + i % 3), List.of(), src,
        String.format("%064x", i));
  }

  @Test
  void samplesParkedFromManyThreadsComeBackOnceEachInKeyHashOrder() throws Exception {
    Path dir = tmp.resolve("_spill");
    int n = 3000;
    List<Sample> drained = new ArrayList<>();
    try (SampleSpill spill = new SampleSpill(dir, s -> s.image().length + 1)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < n; i += 4) {
            spill.add(sample(i));
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

      spill.drainInOrder(drained::addAll);
      try (var left = Files.list(dir)) {
        assertEquals(0, left.count(), "bucket files are deleted once read");
      }
    }
    assertFalse(Files.exists(dir), "the spill directory goes on close");

    assertEquals(n, drained.size());
    List<String> keys = drained.stream().map(Sample::key).toList();
    List<String> expected = new ArrayList<>(keys);
    expected.sort(SampleOrder.KEYS);
    assertEquals(expected, keys, "drained in the order shards are written in");
    assertEquals(n, keys.stream().distinct().count());
    for (Sample s : drained) {
      int i = Integer.parseInt(s.key().substring(2));
      assertEquals(sample(i), s, "round trip of " + s.key());
    }
  }

  @Test
  void closingUndrainedSpillRemovesItsFilesAndRefusesLateSamples() throws Exception {
    Path dir = tmp.resolve("_spill");
    SampleSpill spill = new SampleSpill(dir, s -> 1);
    try (spill) {
      spill.add(sample(1));
      spill.add(sample(2));
      assertTrue(Files.list(dir).findAny().isPresent());
    }
    assertFalse(Files.exists(dir));
    // A worker still finishing an image after a failed run must not recreate a bucket file.
    assertThrows(IOException.class, () -> spill.add(sample(3)));
    assertFalse(Files.exists(dir));
  }
}
