package dev.kiln.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version's inputs as the whole file of an earlier version and the changes made since. */
class InputChangesTest {
  @TempDir Path tmp;

  private static InputRecord input(String key, long size, boolean written) {
    return new InputRecord(
        key, "/in/" + key + ".jpg", size, 1_000 + size, written ? "h" + size : "", written);
  }

  private static Map<String, InputRecord> byKey(List<InputRecord> records) {
    Map<String, InputRecord> map = new HashMap<>();
    records.forEach(r -> map.put(r.key(), r));
    return map;
  }

  @Test
  void changesAppliedInVersionOrderGiveEachVersionsInputs() throws Exception {
    Path v1 = Files.createDirectories(tmp.resolve("v000001"));
    Path v2 = Files.createDirectories(tmp.resolve("v000002"));
    Path v3 = Files.createDirectories(tmp.resolve("v000003"));
    List<InputRecord> first =
        List.of(input("a", 1, true), input("b", 2, true), input("c", 3, false));
    InputRecord.writeAll(v1.resolve(InputRecord.FILE_NAME), first);

    // v000002: b changed, c deleted, d new.
    List<InputRecord> second =
        List.of(input("a", 1, true), input("b", 20, true), input("d", 4, true));
    InputChanges.write(v2, "v000002", v1, second, InputRecord.readAll(v1));
    assertEquals(byKey(second), InputRecord.readAll(v2));
    assertTrue(Files.isSameFile(v1.resolve("inputs.jsonl"), v2.resolve("inputs.jsonl")));
    List<String> lines = Files.readAllLines(v2.resolve("inputs-v000002.jsonl"));
    assertEquals(3, lines.size(), lines.toString());
    assertEquals(input("b", 20, true).toJsonLine(), lines.get(0));
    assertEquals("{\"key\":\"c\",\"deleted\":true}", lines.get(1));
    assertEquals(input("d", 4, true).toJsonLine(), lines.get(2));

    // v000003: c comes back, d deleted. Its changes apply after v000002's, which it links.
    List<InputRecord> third =
        List.of(input("a", 1, true), input("b", 20, true), input("c", 30, true));
    InputChanges.write(v3, "v000003", v2, third, InputRecord.readAll(v2));
    assertEquals(byKey(third), InputRecord.readAll(v3));
    assertTrue(
        Files.isSameFile(v2.resolve("inputs-v000002.jsonl"), v3.resolve("inputs-v000002.jsonl")));
    assertEquals(2, Files.readAllLines(v3.resolve("inputs-v000003.jsonl")).size());
    assertEquals(
        List.of(v3.resolve("inputs-v000002.jsonl"), v3.resolve("inputs-v000003.jsonl")),
        InputChanges.FILES.in(v3));

    // Nothing changed: an empty changes file, the same inputs.
    Path v4 = Files.createDirectories(tmp.resolve("v000004"));
    InputChanges.write(v4, "v000004", v3, third, InputRecord.readAll(v3));
    assertEquals(0, Files.size(v4.resolve("inputs-v000004.jsonl")));
    assertEquals(byKey(third), InputRecord.readAll(v4));
  }

  @Test
  void aVersionWithoutAWholeFileIsFollowedByAWholeFile() throws Exception {
    Path old = Files.createDirectories(tmp.resolve("v000001"));
    Path next = Files.createDirectories(tmp.resolve("v000002"));
    List<InputRecord> now = List.of(input("a", 1, true));
    InputChanges.write(next, "v000002", old, now, Map.of());
    assertEquals(List.of(), InputChanges.FILES.in(next));
    assertEquals(
        List.of(now.get(0).toJsonLine()), Files.readAllLines(next.resolve("inputs.jsonl")));
  }

  @Test
  void onlyVersionNamedJsonLinesAreChanges() {
    assertEquals("inputs-v000043.jsonl", InputChanges.FILES.fileName("v000043"));
    assertTrue(InputChanges.FILES.isChangesFile("inputs-v000043.jsonl"));
    assertFalse(InputChanges.FILES.isChangesFile("inputs.jsonl"));
    assertFalse(InputChanges.FILES.isChangesFile("inputs-v.jsonl"));
    assertFalse(InputChanges.FILES.isChangesFile("inputs-vx1.jsonl"));
    assertFalse(InputChanges.FILES.isChangesFile(".inputs-v000043.jsonl.tmp"));
    assertThrows(IllegalArgumentException.class, () -> InputChanges.FILES.fileName("../v1"));
  }
}
