package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.junit.jupiter.api.Test;

class ObjectResourceIdTest {
  @Test
  void anObjectIsNamedAsBeamNamesIt() {
    ResourceId id = ObjectResourceId.object("raw", "photos/cats/tabby.jpg");
    assertEquals("s3://raw/photos/cats/tabby.jpg", id.toString());
    assertEquals("s3", id.getScheme());
    assertEquals("tabby.jpg", id.getFilename());
    assertFalse(id.isDirectory());
    ResourceId dir = id.getCurrentDirectory();
    assertEquals("s3://raw/photos/cats/", dir.toString());
    assertTrue(dir.isDirectory());
    assertEquals("cats", dir.getFilename());
    assertEquals(id, dir.resolve("tabby.jpg", StandardResolveOptions.RESOLVE_FILE));
    assertEquals(
        "s3://raw/photos/cats/kittens/",
        dir.resolve("kittens", StandardResolveOptions.RESOLVE_DIRECTORY).toString());
    assertNull(new ObjectResourceId("raw", "").getFilename(), "the bucket itself");
    assertEquals(
        "s3://raw/", ObjectResourceId.object("raw", "top.png").getCurrentDirectory().toString());
  }

  @Test
  void onlyDirectoriesResolveAndOnlyObjectsAreObjects() {
    ResourceId id = ObjectResourceId.object("raw", "a.jpg");
    assertThrows(
        IllegalStateException.class, () -> id.resolve("b", StandardResolveOptions.RESOLVE_FILE));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ObjectResourceId("raw", "d/").resolve("b/", StandardResolveOptions.RESOLVE_FILE));
    assertThrows(IllegalArgumentException.class, () -> ObjectResourceId.object("raw", "d/"));
  }
}
