package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocationsTest {
  @Test
  void otherFileSystemsAreRemoteAndLocalPathsAreNot() {
    assertTrue(Locations.isRemote("s3://bucket/root/v000001"));
    assertTrue(Locations.isRemote("gs://bucket/staging/"));
    assertFalse(Locations.isRemote("/data/root/v000001"));
    assertFalse(Locations.isRemote("relative/dir"));
    assertFalse(Locations.isRemote("file:///data/root"));
  }
}
