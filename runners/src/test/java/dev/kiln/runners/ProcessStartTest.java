package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessStartTest {
  @AfterEach
  void clear() {
    System.clearProperty(ProcessStart.LAUNCHED);
  }

  @Test
  void theLaunchersInstantWhenItPassedOne() {
    System.setProperty(ProcessStart.LAUNCHED, "1795619173286226");
    assertEquals(Instant.parse("2026-11-25T15:06:13.286226Z"), ProcessStart.instant());
  }

  @Test
  void theProcessStartOtherwise() {
    System.setProperty(ProcessStart.LAUNCHED, "not a number");
    Instant start = ProcessStart.instant();
    assertFalse(start.isAfter(Instant.now()));
    assertEquals(ProcessHandle.current().info().startInstant().orElse(start), start);
  }
}
