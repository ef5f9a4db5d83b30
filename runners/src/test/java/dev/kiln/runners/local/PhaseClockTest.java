package dev.kiln.runners.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PhaseClockTest {
  @Test
  void chargesTheTimeSinceThePreviousLapToEachPhase() {
    long started = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(1500);
    PhaseClock clock = new PhaseClock(started);
    clock.lap("listing");
    clock.lap("prepare");
    long listing = clock.nanos("listing");
    assertTrue(listing >= TimeUnit.MILLISECONDS.toNanos(1500), "listing " + listing);
    assertTrue(clock.nanos("prepare") < listing, "prepare started when listing ended");
    assertEquals(0, clock.nanos("publish"));
    assertTrue(clock.line().matches("listing 1\\.\\d\\d s, prepare 0\\.\\d\\d s"), clock.line());
  }

  @Test
  void aPhaseThatRunsTwiceIsAddedUpInItsFirstPlace() throws Exception {
    PhaseClock clock = new PhaseClock(System.nanoTime());
    clock.lap("fingerprint");
    long first = clock.nanos("fingerprint");
    clock.lap("prepare");
    Thread.sleep(5);
    clock.lap("fingerprint");
    assertTrue(clock.nanos("fingerprint") >= first + TimeUnit.MILLISECONDS.toNanos(5));
    assertTrue(clock.line().startsWith("fingerprint "), clock.line());
    assertTrue(
        clock.line().matches("fingerprint \\d+\\.\\d\\d s, prepare \\d+\\.\\d\\d s"), clock.line());
  }
}
