package dev.kiln.runners.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RemoteReadAheadTest {
  private static final MetricsContainerImpl METRICS = new MetricsContainerImpl("test");

  private static byte[] bytesOf(int index, long size) {
    byte[] b = new byte[(int) size];
    java.util.Arrays.fill(b, (byte) index);
    return b;
  }

  @Test
  @Timeout(30)
  void everyInputComesBackWithinTheBudgetAndUnreadOnesDoNotStallIt() throws Exception {
    List<Long> sizes = new ArrayList<>(Collections.nCopies(200, 10_000L));
    sizes.set(7, 5_000_000L); // above maxBytes: never fetched ahead
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Integer> fetchedLarge = Collections.synchronizedList(new ArrayList<>());
    long budget = 64 * 1024; // a handful of inputs
    try (RemoteReadAhead ahead =
        new RemoteReadAhead(
            sizes,
            1_000_000,
            8,
            budget,
            METRICS,
            i -> {
              if (sizes.get(i) > 1_000_000
                  && Thread.currentThread().getName().startsWith("kiln-read-ahead")) {
                fetchedLarge.add(i);
              }
              most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              return bytesOf(i, sizes.get(i));
            })) {
      for (int i = 0; i < sizes.size(); i++) {
        if (i % 3 == 0) {
          ahead.release(i); // rejected before its bytes were read
          inFlight.decrementAndGet();
          continue;
        }
        assertArrayEquals(bytesOf(i, sizes.get(i)), ahead.take(i), "input " + i);
        ahead.release(i);
        inFlight.decrementAndGet();
      }
    }
    // 9 KiB each: 7 fit the budget, and one more while a release is being counted here.
    assertTrue(most.get() <= 8, "fetched ahead within the 64 KiB budget: " + most.get());
    assertEquals(
        List.of(), fetchedLarge, "an input above the size limit is read when taken, not ahead");
  }

  @Test
  @Timeout(30)
  void aFailedFetchIsThrownByTake() throws Exception {
    List<Long> sizes = List.of(10L, 10L, 10L);
    try (RemoteReadAhead ahead =
        new RemoteReadAhead(
            sizes,
            100,
            2,
            1 << 20,
            METRICS,
            i -> {
              if (i == 1) {
                throw new IOException("s3://b/raw/1.jpg: cannot reach http://127.0.0.1:1");
              }
              return bytesOf(i, 10);
            })) {
      assertArrayEquals(bytesOf(0, 10), ahead.take(0));
      IOException e = assertThrows(IOException.class, () -> ahead.take(1));
      assertEquals("s3://b/raw/1.jpg: cannot reach http://127.0.0.1:1", e.getMessage());
      assertArrayEquals(bytesOf(2, 10), ahead.take(2));
    }
  }
}
