package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link EpochOrder} is a permutation that changes with the epoch and the seed, and {@code
 * kiln_reader.epoch_order} in Python (run with {@code $KILN_PYTHON}, default {@code
 * /usr/bin/python3}; the test fails without it) gives the same one, as do the two languages' rank
 * shares.
 */
class EpochOrderTest {
  private static final long[] SIZES = {0, 1, 2, 3, 4, 5, 7, 16, 17, 31, 97, 256, 1000, 4099};
  private static final long[] SEEDS = {0, 1, 42, -1, Long.MIN_VALUE, Long.MAX_VALUE};
  private static final long[] EPOCHS = {0, 1, 7, 1000};

  @Test
  void everyOrderIsAPermutation() {
    for (long size : SIZES) {
      for (long seed : SEEDS) {
        long[] order = EpochOrder.shuffled(size, seed, 3).toArray();
        long[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
          assertEquals(i, sorted[i], "size " + size + " seed " + seed);
        }
      }
    }
  }

  @Test
  void epochsAndSeedsGiveOtherOrders() {
    long[] e0 = EpochOrder.shuffled(1000, 5, 0).toArray();
    long[] e1 = EpochOrder.shuffled(1000, 5, 1).toArray();
    long[] s6 = EpochOrder.shuffled(1000, 6, 0).toArray();
    assertFalse(Arrays.equals(e0, e1));
    assertFalse(Arrays.equals(e0, s6));
    assertArrayEquals(e0, EpochOrder.shuffled(1000, 5, 0).toArray(), "deterministic");
    // Shuffled, not a shift: few samples stay near their place.
    int near = 0;
    for (int p = 0; p < e0.length; p++) {
      near += Math.abs(e0[p] - p) < 10 ? 1 : 0;
    }
    assertTrue(near < 60, near + " of 1000 within 10 of their dataset position");
    assertArrayEquals(new long[] {0, 1, 2, 3}, EpochOrder.sequential(4).toArray());
    assertThrows(IndexOutOfBoundsException.class, () -> EpochOrder.shuffled(4, 0, 0).at(4));
    assertThrows(IllegalArgumentException.class, () -> EpochOrder.shuffled(4, 0, -1));
  }

  @Test
  void ranksReadEveryPositionOnceAtAnyWorldSizeAndFromAnyStart() {
    long size = 103;
    for (int world = 1; world <= 8; world++) {
      for (long start : new long[] {0, 1, 50, 102, 103}) {
        boolean[] seen = new boolean[(int) size];
        long total = 0;
        for (int rank = 0; rank < world; rank++) {
          long share = EpochOrder.rankShare(size, start, rank, world, false);
          for (long i = 0; i < share; i++) {
            int p = (int) EpochOrder.rankPosition(start, rank, world, i);
            assertTrue(p >= start && p < size && !seen[p], "position " + p);
            seen[p] = true;
            total++;
          }
          long dropped = EpochOrder.rankShare(size, start, rank, world, true);
          assertEquals((size - start) / world, dropped);
        }
        assertEquals(size - start, total, "world " + world + " from " + start);
      }
    }
  }

  @Test
  void pythonComputesTheSameOrdersAndShares() throws Exception {
    List<long[]> cases = new ArrayList<>();
    for (long size : SIZES) {
      for (long seed : SEEDS) {
        for (long epoch : EPOCHS) {
          if (size <= 256 || (seed == 42 && epoch <= 1)) {
            cases.add(new long[] {size, seed, epoch});
          }
        }
      }
    }
    JsonNode out = runPython(cases);
    assertEquals(cases.size(), out.size());
    for (int c = 0; c < cases.size(); c++) {
      long[] k = cases.get(c);
      String what = "size " + k[0] + " seed " + k[1] + " epoch " + k[2];
      long[] want = EpochOrder.shuffled(k[0], k[1], k[2]).toArray();
      assertArrayEquals(want, longs(out.get(c).get("order")), what);
      assertArrayEquals(want, longs(out.get(c).get("take")), what + " (numpy)");
      for (String from : List.of("shares", "shares_from_middle")) {
        long start = from.equals("shares") ? 0 : k[0] / 2;
        for (int world = 1; world <= 5; world++) {
          JsonNode ranks = out.get(c).get(from).get(Integer.toString(world));
          for (int rank = 0; rank < world; rank++) {
            long share = EpochOrder.rankShare(k[0], start, rank, world, false);
            long[] positions = new long[(int) share];
            for (int i = 0; i < share; i++) {
              positions[i] = EpochOrder.rankPosition(start, rank, world, i);
            }
            assertArrayEquals(positions, longs(ranks.get(rank)), what + " " + from + " " + world);
          }
        }
      }
    }
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  /** Runs {@code kiln_order_check.py} with the cases on its stdin; its JSON answer. */
  private static JsonNode runPython(List<long[]> cases) throws Exception {
    Process p =
        new ProcessBuilder(PythonScripts.python(), PythonScripts.script("kiln_order_check.py"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(new ObjectMapper().writeValueAsBytes(cases));
    }
    byte[] answer = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), new String(answer, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(answer);
  }
}
