package dev.kiln.transforms.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.formats.InputRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inputs a launcher compared its listing with are the ones the version opens with. */
class InputsReadTest {
  @TempDir Path tmp;

  private static void write(Path dir, InputRecord... records) throws Exception {
    Files.createDirectories(dir);
    InputRecord.writeAll(dir.resolve(InputRecord.FILE_NAME), List.of(records));
  }

  private static InputRecord input(String key, long size) {
    return new InputRecord(key, "/in/" + key + ".jpg", size, 1000, "ab", true);
  }

  @Test
  void takeHandsOverTheMapKeptOnceAndThenReads() throws Exception {
    Path v1 = tmp.resolve("v000001");
    write(v1, input("a", 1), input("b", 2));
    Map<String, InputRecord> kept = InputsRead.keep(v1);
    assertEquals(2, kept.size());
    assertSame(kept, InputsRead.keep(v1), "kept, not read again");
    assertSame(kept, InputsRead.take(v1));
    Map<String, InputRecord> again = InputsRead.take(v1);
    assertNotSame(kept, again, "let go once taken: read");
    assertEquals(kept, again);
  }

  @Test
  void anotherFileAtTheSamePathIsReadNotTakenFromWhatWasKept() throws Exception {
    Path v1 = tmp.resolve("v000001");
    write(v1, input("a", 1));
    InputsRead.keep(v1);
    Path file = v1.resolve(InputRecord.FILE_NAME);
    FileTime before = Files.getLastModifiedTime(file);
    Files.delete(file);
    write(v1, input("a", 1), input("c", 3)); // a root made again in the same place
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5000));
    assertEquals(2, InputsRead.take(v1).size());
  }

  @Test
  void takingAnotherVersionReadsIt() throws Exception {
    Path v1 = tmp.resolve("v000001");
    Path v2 = tmp.resolve("v000002");
    write(v1, input("a", 1));
    write(v2, input("b", 2));
    InputsRead.keep(v1);
    assertEquals(Map.of("b", input("b", 2)), InputsRead.take(v2));
  }
}
