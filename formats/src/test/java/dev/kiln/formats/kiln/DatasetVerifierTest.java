package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.formats.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetVerifierTest {
  @TempDir Path dir;

  private void write() throws IOException {
    List<Sample> a = TestData.samples("a", 5);
    List<Sample> b = TestData.samples("b", 6);
    TestData.writeDataset(dir, 4096, List.of(a, b));
  }

  @Test
  void cleanDatasetHasNoProblems() throws IOException {
    write();
    Files.writeString(dir.resolve("manifest.json"), "{\"counts\": {\"written\": 11}}");
    assertEquals(List.of(), DatasetVerifier.verify(dir));
    Files.writeString(dir.resolve("manifest.json"), "{\"written\": 11, \"other\": [1]}");
    assertEquals(List.of(), DatasetVerifier.verify(dir));
    Files.writeString(dir.resolve("manifest.json"), "{\"name\": \"no counts here\"}");
    assertEquals(List.of(), DatasetVerifier.verify(dir));
  }

  @Test
  void manifestCountMismatchIsReported() throws IOException {
    write();
    Files.writeString(dir.resolve("manifest.json"), "{\"counts\": {\"written\": 12}}");
    List<String> problems = DatasetVerifier.verify(dir);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("12") && problems.get(0).contains("11"));
  }

  @Test
  void missingExtraAndLeftoverFilesAreReported() throws IOException {
    write();
    Files.copy(dir.resolve("part-00001.kiln"), dir.resolve("stray-00000.kiln"));
    Files.delete(dir.resolve("part-00000.kiln"));
    Files.writeString(dir.resolve("part-00002.kiln.tmp"), "half");
    List<String> problems = DatasetVerifier.verify(dir);
    String all = String.join("\n", problems);
    assertTrue(all.contains("part-00000.kiln: listed in index.kidx but missing"), all);
    assertTrue(all.contains("stray-00000.kiln: shard not listed"), all);
    assertTrue(all.contains("part-00002.kiln.tmp: temporary file"), all);
    assertTrue(all.contains("appears more than once"), all);
  }

  @Test
  void indexThatDisagreesWithAShardIsReported() throws IOException {
    List<Sample> a = TestData.samples("a", 5);
    ShardSummary first = TestData.writeShard(dir.resolve("part-00000.kiln"), 4096, a);
    DatasetIndexWriter.write(dir, List.of(first));
    // Rewrite the shard with different content after indexing.
    TestData.writeShard(dir.resolve("part-00000.kiln"), 4096, TestData.samples("z", 5));
    List<String> problems = DatasetVerifier.verify(dir);
    assertTrue(problems.stream().anyMatch(p -> p.contains("footer CRC-32")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("index.kidx has")), problems.toString());
    assertThrows(CorruptShardException.class, () -> KilnDataset.open(dir));
  }

  @Test
  void problemCountIsCapped() throws IOException {
    write();
    for (int i = 0; i < 5; i++) {
      Files.writeString(dir.resolve("junk" + i + ".tmp"), "x");
    }
    List<String> problems = DatasetVerifier.verify(dir, 2);
    assertEquals(3, problems.size());
    assertEquals("... and 3 more problems", problems.get(2));
  }
}
