package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shard's description goes from the worker that wrote the shard to the launcher unchanged. */
class ShardPartTest {
  @TempDir Path dir;

  @Test
  void readsBackWhatItWrote() throws IOException {
    for (ShardPart part :
        new ShardPart[] {
          new ShardPart(
              3,
              new ShardFile("shard-00003.kiln", 9_980, 180_000_000_000L, "ab".repeat(32)),
              "cd".repeat(32),
              0xF0E1D2C3L), // a CRC32C above 2^31, as an unsigned value
          new ShardPart(
              0, new ShardFile("shard-00000.tar", 7, 1234, "ef".repeat(32)), "01".repeat(32), -1)
        }) {
      Path file = dir.resolve("part-" + part.index() + ".json");
      part.writeTo(file);
      assertEquals(part, ShardPart.readFrom(file));
      assertEquals(1, Files.readAllLines(file).size(), "one line");
    }
  }

  @Test
  void unknownFieldsAreSkipped() throws IOException {
    Path file = dir.resolve("part.json");
    Files.writeString(
        file,
        "{\"index\": 2, \"later\": {\"a\": [1]}, \"name\": \"s\", \"samples\": 1,"
            + " \"bytes\": 2, \"sha256\": \"x\", \"content_digest\": \"y\"}\n");
    assertEquals(
        new ShardPart(2, new ShardFile("s", 1, 2, "x"), "y", -1), ShardPart.readFrom(file));
  }
}
