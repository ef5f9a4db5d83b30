package dev.kiln.beam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.junit.jupiter.api.Test;

/** The worker's read-ahead of object-storage inputs: order, depth, byte budget and failures. */
class BundleReadAheadTest {
  private static final BoundedWindow WINDOW = GlobalWindow.INSTANCE;

  @Test
  void inputsComeBackInOrderOnceMoreThanTheDepthArePendingAndAllAtTheEnd() throws Exception {
    try (BundleReadAhead<Integer> ahead = new BundleReadAhead<>()) {
      List<Integer> prepared = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        ahead.add(n, BoundedWindow.TIMESTAMP_MIN_VALUE, WINDOW, 10, () -> new byte[] {(byte) n});
        for (var p = ahead.next(false); p != null; p = ahead.next(false)) {
          assertArrayEquals(new byte[] {(byte) (int) p.element()}, p.bytes().read());
          prepared.add(p.element());
        }
        assertEquals(Math.max(0, n + 1 - BundleReadAhead.DEPTH), prepared.size(), "after " + n);
      }
      for (var p = ahead.next(true); p != null; p = ahead.next(true)) {
        prepared.add(p.element());
      }
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        all.add(i);
      }
      assertEquals(all, prepared);
      assertNull(ahead.next(true));
    }
  }

  @Test
  void theByteBudgetHandsInputsBackBeforeTheDepthIsReached() throws Exception {
    try (BundleReadAhead<String> ahead = new BundleReadAhead<>()) {
      long half = BundleReadAhead.BUDGET_BYTES / 2 + 1;
      ahead.add("a", BoundedWindow.TIMESTAMP_MIN_VALUE, WINDOW, half, () -> new byte[0]);
      assertNull(ahead.next(false));
      ahead.add("b", BoundedWindow.TIMESTAMP_MIN_VALUE, WINDOW, half, () -> new byte[0]);
      assertEquals("a", ahead.next(false).element());
      assertNull(ahead.next(false));
    }
  }

  @Test
  void inputsAreFetchedAtOnceAndAFailedFetchThrowsAsReadingWould() throws Exception {
    int inFlight = 8;
    CountDownLatch started = new CountDownLatch(inFlight);
    CountDownLatch release = new CountDownLatch(1);
    ConcurrentHashMap<Integer, Boolean> fetched = new ConcurrentHashMap<>();
    try (BundleReadAhead<Integer> ahead = new BundleReadAhead<>()) {
      for (int i = 0; i < inFlight; i++) {
        int n = i;
        ahead.add(
            n,
            BoundedWindow.TIMESTAMP_MIN_VALUE,
            WINDOW,
            1,
            () -> {
              started.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              fetched.put(n, true);
              if (n == 3) {
                throw new IOException("s3://b/raw/3.jpg: no such object");
              }
              return new byte[] {(byte) n};
            });
      }
      // All eight GETs wait at once: none is held back behind another's latency.
      assertEquals(true, started.await(10, TimeUnit.SECONDS));
      release.countDown();
      for (int i = 0; i < inFlight; i++) {
        var p = ahead.next(true);
        if (i == 3) {
          IOException e = assertThrows(IOException.class, () -> p.bytes().read());
          assertEquals("s3://b/raw/3.jpg: no such object", e.getMessage());
        } else {
          assertArrayEquals(new byte[] {(byte) i}, p.bytes().read());
        }
      }
      assertEquals(inFlight, fetched.size());
    }
  }
}
