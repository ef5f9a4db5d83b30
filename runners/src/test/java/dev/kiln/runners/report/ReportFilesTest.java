package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the report reads besides the manifest's model: run.json, ignored counts, inputs. */
class ReportFilesTest {
  @TempDir Path tmp;

  @Test
  void aSharedVersionsInputsAreCountedAsOneSet() throws Exception {
    Path v1 = Files.createDirectories(tmp.resolve("v000001"));
    Path v2 = Files.createDirectories(tmp.resolve("v000002"));
    List<InputRecord> before =
        List.of(
            new InputRecord("a", "/in/a.jpg", 10, 1, "h1", true),
            new InputRecord("b", "/in/b.jpg", 20, 1, "", false),
            new InputRecord("c", "/in/c.jpg", 30, 1, "h3", true));
    InputRecord.writeAll(v1.resolve(InputRecord.FILE_NAME), before);
    // b now decodes, c is gone, d arrives.
    List<InputRecord> after =
        List.of(
            before.get(0),
            new InputRecord("b", "/in/b.jpg", 21, 2, "h2", true),
            new InputRecord("d", "/in/d.jpg", 40, 1, "h4", true));
    InputChanges.write(v2, "v000002", v1, after, InputRecord.readAll(v1));
    List<Long> sizes = new ArrayList<>();
    assertArrayEquals(new long[] {3, 3}, DatasetFiles.inputs(v2, sizes::add));
    assertEquals(List.of(10L, 21L, 40L), sizes.stream().sorted().toList());
    sizes.clear();
    assertArrayEquals(new long[] {3, 2}, DatasetFiles.inputs(v1, sizes::add));
    assertEquals(List.of(10L, 20L, 30L), sizes);
  }

  @Test
  void runJsonReadsBackWhatWasWritten() throws Exception {
    RunRecord r =
        new RunRecord(
            "flink-local",
            4,
            "2026-01-02T03:04:05Z",
            12.345,
            1L << 30,
            1L << 29,
            3L << 30,
            true,
            List.of(new RunRecord.Progress(1.0, 10, 0), new RunRecord.Progress(2.5, 35, 2)));
    r.writeTo(tmp);
    assertEquals(r, RunRecord.readIfPresent(tmp));
    assertNull(RunRecord.readIfPresent(tmp.resolve("none")));
    Files.writeString(tmp.resolve(RunRecord.FILE_NAME), "{\"runner\": ");
    IOException e = assertThrows(IOException.class, () -> RunRecord.readIfPresent(tmp));
    assertTrue(
        e.getMessage().startsWith(tmp.resolve(RunRecord.FILE_NAME) + ": not JSON"), e.getMessage());
  }

  @Test
  void aLongRunKeepsAtMostMaxSamplesCoveringTheWholeRun() throws Exception {
    try (RunRecorder recorder = new RunRecorder("local", 1, true, java.time.Instant.now(), 1)) {
      Thread.sleep(1500); // ~1,000 samples at 1 ms, then 2 ms, ...: halved at least once
      recorder.close();
      List<RunRecord.Progress> samples = recorder.record(1.5).progress();
      assertTrue(
          samples.size() < RunRecorder.MAX_SAMPLES && samples.size() > 10,
          samples.size() + " samples");
      assertTrue(samples.get(samples.size() - 1).seconds() > 1.4, "the last sample is at the end");
      for (int i = 1; i < samples.size(); i++) {
        assertTrue(samples.get(i).seconds() > samples.get(i - 1).seconds(), "in time order");
      }
    }
  }

  @Test
  void ignoredCountsAreReadWhenTheManifestHasThem() throws Exception {
    Files.writeString(
        tmp.resolve("manifest.json"), "{\"counts\": {\"inputs\": 3, \"ignored\": 5}}");
    assertEquals(Map.of("ignored", 5L), DatasetFiles.ignored(tmp));
    Files.writeString(
        tmp.resolve("manifest.json"),
        "{\"counts\": {\"ignored\": 3, \"ignored_by_reason\": {\"hidden\": 2, \"extension\": 1}}}");
    assertEquals(Map.of("hidden", 2L, "extension", 1L), DatasetFiles.ignored(tmp));
    Files.writeString(
        tmp.resolve("manifest.json"), "{\"counts\": {\"inputs\": 3}, \"shards\": []}");
    assertNull(DatasetFiles.ignored(tmp));
  }

  @Test
  void inputsJsonlGivesEverySizeAndTheWrittenCount() throws Exception {
    assertNull(DatasetFiles.inputs(tmp, v -> {}));
    Files.writeString(
        tmp.resolve("inputs.jsonl"),
        """
        {"key":"a","path":"/i/a.jpg","size":10,"mtime":1,"content_hash":"x","written":true}
        {"key":"b","path":"/i/b.jpg","size":20,"mtime":1,"content_hash":"","written":false}
        """);
    List<Long> sizes = new ArrayList<>();
    assertArrayEquals(new long[] {2, 1}, DatasetFiles.inputs(tmp, sizes::add));
    assertEquals(List.of(10L, 20L), sizes);
    Files.writeString(tmp.resolve("inputs.jsonl"), "[1]\n");
    IOException e = assertThrows(IOException.class, () -> DatasetFiles.inputs(tmp, v -> {}));
    assertTrue(e.getMessage().contains("inputs.jsonl: not JSON objects"), e.getMessage());
  }
}
