package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the benchmark for correctness only; timings are not asserted (machines are noisy). */
class ReadBenchmarkTest {
  @TempDir Path dir;

  @Test
  void runsAndCounts() throws Exception {
    TestData.writeDataset(dir, 4096, List.of(TestData.samples("a", 9), TestData.samples("b", 8)));
    for (boolean direct : new boolean[] {false, true}) {
      ReadBenchmark.Result r = ReadBenchmark.run(dir, 4, 40, direct, 42L);
      assertEquals(40, r.samples());
      assertEquals(4, r.threads());
      assertEquals(40, r.readCalls(), "one read per sample");
      assertTrue(r.bytes() > 0 && r.samplesPerSecond() > 0 && r.mibPerSecond() > 0);
      assertTrue(r.p50Micros() > 0 && r.p99Micros() >= r.p50Micros());
    }
    try (KilnDataset ds = KilnDataset.open(dir)) {
      ReadBenchmark.Result r = ReadBenchmark.run(ds, 2, 17, 1L, true);
      assertEquals(17, r.samples());
    }
  }

  @Test
  void ranksReadTheEpochOnce() throws Exception {
    TestData.writeDataset(dir, 4096, List.of(TestData.samples("a", 9), TestData.samples("b", 8)));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      ReadBenchmark.Result r = ReadBenchmark.runRanks(ds, 3, 2, 5L, 1);
      assertEquals(17, r.samples());
      assertEquals(6, r.threads());
      assertEquals(17, r.readCalls(), "one read per sample");
    }
    int[][] shares = {{0, 3, 4}, {1, 2}};
    boolean[] seen = new boolean[5];
    ReadBenchmark.Result r =
        ReadBenchmark.runShares(
            shares,
            2,
            false,
            i -> {
              synchronized (seen) {
                assertFalse(seen[i], "read twice: " + i);
                seen[i] = true;
              }
              return 1;
            });
    assertEquals(5, r.samples());
    assertEquals(5, r.bytes());
  }

  @Test
  void permutationCoversEveryRecordOncePerPass() throws IOException {
    int[] p = ReadBenchmark.permutation(10, 25, 7L);
    for (int pass = 0; pass < 2; pass++) {
      int[] one = Arrays.copyOfRange(p, pass * 10, pass * 10 + 10);
      Arrays.sort(one);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, one);
    }
    assertArrayEquals(p, ReadBenchmark.permutation(10, 25, 7L));
  }
}
