package dev.kiln.runners;

import static dev.kiln.runners.NightlyRunsTest.assertSameDataset;
import static dev.kiln.runners.NightlyRunsTest.assertSameSamples;
import static dev.kiln.runners.NightlyRunsTest.prepare;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.SampleFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions that share shard files: retention by reference, readers holding an old version open
 * while newer runs publish and retire it, runs that change nothing, and the automatic return to the
 * canonical layout.
 */
class SharedVersionsTest {
  @TempDir Path tmp;

  private Path input() throws Exception {
    return NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
  }

  private static void arrive(Path in, String name) throws Exception {
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/" + name + ".jpg"));
  }

  /** Every shard file under the root's versions, by inode: what the root costs on disk. */
  private static Set<Object> shardFiles(Path root) throws Exception {
    Set<Object> inodes = new HashSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".kiln"))::iterator) {
        inodes.add(
            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
      }
    }
    return inodes;
  }

  @Test
  void retentionRemovesAShardOnlyWhenNoKeptVersionLinksIt() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    // The samples are few and large: a threshold that lets three nights share their shards.
    assertEquals(0, prepare(in, root, "--incremental", "--keep-versions=2").code());
    int canonical = shardFiles(root).size();
    for (int night = 2; night <= 4; night++) {
      arrive(in, "night-" + night);
      PrepareCommandTest.Run run =
          prepare(in, root, "--incremental", "--keep-versions=2", "--compact-threshold=0.9");
      assertEquals(0, run.code(), run.err());
      assertTrue(run.out().contains("shards shared"), run.out());
    }
    // v000001 and v000002 are gone, but their shards are v000003's and v000004's: each file is on
    // disk once, beside the delta shards of nights 3 and 4.
    assertEquals(
        List.of(root.resolve("v000003"), root.resolve("v000004")), DatasetRoot.of(root).versions());
    assertEquals(canonical + 3, shardFiles(root).size());
    assertTrue(
        Files.isSameFile(
            root.resolve("v000003/shard-v000002-00000.kiln"),
            root.resolve("v000004/shard-v000002-00000.kiln")));

    // A version that no longer lists any record of a shard does not link it: compaction's
    // version links none of the old ones, and retention then frees them.
    assertEquals(0, NightlyRunsTest.compact(root).code());
    assertEquals(0, NightlyRunsTest.compact(root).code()); // canonical already: nothing written
    arrive(in, "night-5");
    assertEquals(
        0,
        prepare(in, root, "--incremental", "--keep-versions=2", "--compact-threshold=0.9").code());
    assertEquals(
        List.of(root.resolve("v000005"), root.resolve("v000006")), DatasetRoot.of(root).versions());
    assertEquals(shardFiles(root.resolve("v000005")).size() + 1, shardFiles(root).size());
    for (Path version : DatasetRoot.of(root).versions()) {
      assertEquals(List.of(), DatasetVerifier.verify(version), version.toString());
    }
    try (KilnDataset ds = KilnDataset.open(root)) {
      assertEquals(11, ds.size());
      assertTrue(
          ds.indexOf("food/night-2") >= 0, "night 2's sample kept in v000004 after v000002 went");
    }
  }

  @Test
  void aReaderWithAnOldVersionOpenKeepsReadingWhileNewerRunsPublishAndRetireIt() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental", "--keep-versions=1").code());
    try (KilnDataset old = KilnDataset.open(root)) {
      List<Sample> before = new ArrayList<>();
      old.forEach(before::add);
      Files.delete(in.resolve("food/coffee.jpg"));
      arrive(in, "espresso");
      assertEquals(0, prepare(in, root, "--incremental", "--keep-versions=1").code());
      arrive(in, "ristretto");
      assertEquals(0, prepare(in, root, "--incremental", "--keep-versions=1").code());
      assertEquals(0, NightlyRunsTest.compact(root).code());
      assertFalse(Files.exists(root.resolve("v000001")), "retired");
      for (int i = 0; i < old.size(); i++) {
        assertEquals(before.get(i), old.get(i), "sample " + i + " of the retired version");
      }
      assertEquals(before.get(0), old.get(before.get(0).key()));
    }
    try (KilnDataset now = KilnDataset.open(root)) {
      assertEquals(8, now.size());
      assertEquals(-1, now.indexOf("food/coffee"));
    }
  }

  @Test
  void aRunThatFindsNoChangeWritesNothing() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    arrive(in, "espresso");
    assertEquals(0, prepare(in, root, "--incremental").code());
    Path current = DatasetRoot.resolve(root);
    long modified = Files.getLastModifiedTime(root).toMillis();

    PrepareCommandTest.Run same = prepare(in, root, "--incremental", "--run-id=quiet-night");
    assertEquals(0, same.code(), same.err());
    assertTrue(
        same.out()
            .contains("nothing changed since v000002 (8 inputs as listed then); nothing written"),
        same.out());
    assertTrue(
        same.out().matches("(?s).*\\nkiln: phases: listing [0-9.]+ s, fingerprint [0-9.]+ s\\n.*"),
        same.out());
    assertEquals(current, DatasetRoot.resolve(root));
    assertEquals(
        List.of(root.resolve("v000001"), root.resolve("v000002")), DatasetRoot.of(root).versions());
    try (Stream<Path> left = Files.list(root)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")),
          "no staging left");
    }
    assertTrue(Files.getLastModifiedTime(root).toMillis() >= modified);

    // A touched file is listed otherwise: the run compares it and writes a version again.
    Path touched = in.resolve("animals/chelsea.jpg");
    Files.setLastModifiedTime(
        touched,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(touched).toMillis() + 60_000));
    PrepareCommandTest.Run after = prepare(in, root, "--incremental");
    assertEquals(0, after.code(), after.err());
    assertEquals(root.resolve("v000003"), DatasetRoot.resolve(root));
    // Same content: the sample stays where it was; no record died, no shard was written.
    assertFalse(DatasetIndex.read(root.resolve("v000003/index.kidx")).isShared());
    assertFalse(Files.exists(root.resolve("v000003/shard-v000003-00000.kiln")));
  }

  @Test
  void aSharedVersionsCatalogListsItsIndexRowForRowWithAFullRunsFields() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    arrive(in, "espresso"); // only arrivals: the previous catalog's row group is copied
    PrepareCommandTest.Run added = prepare(in, root, "--incremental", "--compact-threshold=0.9");
    assertTrue(added.out().contains("shards shared"), added.out());
    Files.delete(in.resolve("food/coffee.jpg")); // a row gone: its group is encoded again
    arrive(in, "ristretto");
    PrepareCommandTest.Run deleted = prepare(in, root, "--incremental", "--compact-threshold=0.9");
    assertTrue(deleted.out().contains("shards shared"), deleted.out());
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    Map<String, GenericRecord> fullRows = new HashMap<>();
    for (GenericRecord r : catalogRows(full)) {
      fullRows.put(r.get("key").toString(), r);
    }

    for (String name : List.of("v000002", "v000003")) {
      Path version = root.resolve(name);
      DatasetIndex index = DatasetIndex.read(version.resolve("index.kidx"));
      List<GenericRecord> rows = catalogRows(version);
      assertEquals(index.size(), rows.size(), name);
      for (int i = 0; i < rows.size(); i++) {
        GenericRecord row = rows.get(i);
        assertEquals(index.key(i), row.get("key").toString(), name + " row " + i);
        assertEquals(index.shardFileName(index.shardOf(i)), row.get("shard").toString());
        assertEquals(index.offset(i), row.get("offset"));
      }
    }
    // v000002 copied v000001's one row group and added one for the new row.
    List<BlockMetaData> first = rowGroups(root.resolve("v000001"));
    List<BlockMetaData> second = rowGroups(root.resolve("v000002"));
    assertEquals(1, first.size());
    assertEquals(
        List.of(first.get(0).getRowCount(), 1L),
        second.stream().map(BlockMetaData::getRowCount).toList());
    assertEquals(first.get(0).getCompressedSize(), second.get(0).getCompressedSize());
    List<GenericRecord> last = catalogRows(root.resolve("v000003"));
    assertEquals(
        fullRows.keySet(), new HashSet<>(last.stream().map(r -> r.get("key").toString()).toList()));
    for (GenericRecord row : last) {
      GenericRecord want = fullRows.get(row.get("key").toString());
      for (String field : List.of("source_path", "content_hash", "width", "height", "labels")) {
        assertEquals(String.valueOf(want.get(field)), String.valueOf(row.get(field)), field);
      }
    }
  }

  @Test
  void aSharedVersionLinksTheInputsItBuildsOnAndWritesOnlyWhatChanged() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    arrive(in, "espresso");
    assertTrue(
        prepare(in, root, "--incremental", "--compact-threshold=0.9")
            .out()
            .contains("shards shared"));
    Files.delete(in.resolve("food/coffee.jpg"));
    arrive(in, "ristretto");
    assertTrue(
        prepare(in, root, "--incremental", "--compact-threshold=0.9")
            .out()
            .contains("shards shared"));
    Path v1 = root.resolve("v000001");
    Path v2 = root.resolve("v000002");
    Path v3 = root.resolve("v000003");

    // Each version links the whole file of v000001 and the changes written since, and adds its own.
    assertTrue(Files.isSameFile(v1.resolve("inputs.jsonl"), v2.resolve("inputs.jsonl")));
    assertTrue(Files.isSameFile(v1.resolve("inputs.jsonl"), v3.resolve("inputs.jsonl")));
    assertTrue(
        Files.isSameFile(v2.resolve("inputs-v000002.jsonl"), v3.resolve("inputs-v000002.jsonl")));
    assertEquals(
        List.of("food/espresso"), keysIn(Files.readAllLines(v2.resolve("inputs-v000002.jsonl"))));
    List<String> night3 = Files.readAllLines(v3.resolve("inputs-v000003.jsonl"));
    assertEquals(List.of("food/coffee", "food/ristretto"), keysIn(night3));
    assertEquals(
        InputRecord.fromJsonLine(night3.get(1)), InputRecord.readAll(v3).get("food/ristretto"));
    assertTrue(night3.get(0).contains("\"deleted\":true"), night3.get(0));

    // The same for the sample fields: the shared shards' rows stay in v000001's whole file.
    assertTrue(Files.isSameFile(v1.resolve("sample-fields.bin"), v3.resolve("sample-fields.bin")));
    assertTrue(
        Files.isSameFile(
            v2.resolve("sample-fields-v000002.bin"), v3.resolve("sample-fields-v000002.bin")));
    DatasetIndex index = DatasetIndex.read(v3.resolve("index.kidx"));
    SampleFields fields = SampleFields.readFor(v3, index);
    assertEquals(index.size(), fields.size());
    List<GenericRecord> catalog = catalogRows(v3);
    for (int i = 0; i < index.size(); i++) {
      assertEquals(index.key(i), fields.row(i).key());
      assertEquals(index.offset(i), fields.row(i).offset());
      assertEquals(catalog.get(i).get("content_hash").toString(), fields.row(i).contentHash());
      assertTrue(fields.imageLength(i) > 0 && fields.imageLength(i) < index.length(i));
    }

    // Read as one set, they are the inputs a full run over the same files records.
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertEquals(InputRecord.readAll(full), InputRecord.readAll(v3));
    assertTrue(
        prepare(in, root, "--incremental").out().contains("nothing changed since v000003"),
        "the run compares its listing with the inputs read as one set");

    // Compaction writes the whole file a full run writes, and no changes.
    assertEquals(0, NightlyRunsTest.compact(root).code());
    Path compacted = root.resolve("v000004");
    assertEquals(
        Files.readString(full.resolve("inputs.jsonl")),
        Files.readString(compacted.resolve("inputs.jsonl")));
    try (Stream<Path> files = Files.list(compacted)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().startsWith("inputs-v")),
          "no changes beside a whole file");
    }
  }

  private static List<String> keysIn(List<String> lines) {
    return lines.stream().map(l -> l.replaceAll("^\\{\"key\":\"([^\"]*)\".*$", "$1")).toList();
  }

  private static List<BlockMetaData> rowGroups(Path dataset) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(dataset.resolve("catalog.parquet").toUri()),
                new Configuration(false)))) {
      return reader.getFooter().getBlocks();
    }
  }

  /** A dataset's catalog rows, as parquet-avro reads them. */
  private static List<GenericRecord> catalogRows(Path dataset) throws IOException {
    List<GenericRecord> rows = new ArrayList<>();
    Configuration conf = new Configuration(false);
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(dataset.resolve("catalog.parquet").toUri()),
                    conf))
            .withConf(conf)
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        rows.add(r);
      }
    }
    return rows;
  }

  @Test
  void aVersionPastTheCompactThresholdIsWrittenInTheCanonicalLayout() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    Files.delete(in.resolve("food/coffee.jpg"));
    arrive(in, "espresso");
    PrepareCommandTest.Run shared = prepare(in, root, "--incremental", "--compact-threshold=0.9");
    assertEquals(0, shared.code(), shared.err());
    assertTrue(DatasetIndex.read(DatasetRoot.resolve(root).resolve("index.kidx")).isShared());

    // One shard of the seven samples dead or new is past a 10% threshold: the next run compacts.
    arrive(in, "ristretto");
    PrepareCommandTest.Run next = prepare(in, root, "--incremental", "--compact-threshold=0.1");
    assertEquals(0, next.code(), next.err());
    assertTrue(
        next.out()
            .contains(
                "of v000002's shard bytes are dead records or delta shards"
                    + " (--compact-threshold=0.1); writing the canonical layout"),
        next.out());
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertSameDataset(full, root);
    assertSameSamples(full, root);

    PrepareCommandTest.Run bad = prepare(in, root, "--incremental", "--compact-threshold=1.5");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--compact-threshold=1.5: must be between 0 and 1"), bad.err());
  }

  /**
   * kill -9 at each step of a run that shares shards, found by watching its staging directory: when
   * it appears, when it holds a link to a shared shard, when the run's own shard appears, when its
   * manifest is written (just before publishing), and once CURRENT has moved (while old versions
   * are retired). Each leaves CURRENT at a complete version and every kept version's shards as they
   * were.
   */
  @Test
  void aRunKilledAtEachStepOfSharingLeavesEveryKeptVersionIntact() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    String[] settings = {"--incremental", "--keep-versions=2", "--compact-threshold=0.9"};
    assertEquals(0, prepare(in, root, settings).code());
    arrive(in, "before");
    assertEquals(0, prepare(in, root, settings).code());
    List<Predicate<Path>> steps =
        List.of(
            staging -> true,
            staging -> has(staging, n -> n.matches("shard-\\d+\\.kiln")),
            staging -> has(staging, n -> n.startsWith("shard-v")),
            staging -> has(staging, n -> n.equals("manifest.json")));
    int landed = 0;
    for (int step = 0; step <= steps.size(); step++) {
      arrive(in, "kill-" + step);
      Path before = DatasetRoot.resolve(root);
      List<String> command =
          new ArrayList<>(
              List.of("prepare", "--input=" + in, "--output=" + root, "--shard-size=60000"));
      command.addAll(List.of(settings));
      Process run = KilnProcess.start(tmp.resolve("killed-" + step + ".log"), command);
      Predicate<Path> at = step < steps.size() ? steps.get(step) : null;
      while (run.isAlive()) {
        Path staging = staging(root);
        boolean now =
            at == null
                ? !DatasetRoot.resolve(root).equals(before)
                : staging != null && at.test(staging);
        if (now) {
          run.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
          landed++;
          break;
        }
        Thread.sleep(1);
      }
      run.waitFor(30, TimeUnit.SECONDS);
      String when = "killed at step " + step;
      assertTrue(Files.exists(DatasetRoot.resolve(root).resolve("manifest.json")), when);
      assertEquals(List.of(), DatasetVerifier.verify(root), when);
      NightlyRunsTest.assertKeptVersionsIntact(root, when);
    }
    assertTrue(landed >= 3, "only " + landed + " of the kills landed while the run was going");
    PrepareCommandTest.Run last = prepare(in, root, settings);
    assertEquals(0, last.code(), last.err());
    assertEquals(null, staging(root), "the killed runs' staging is removed");
    NightlyRunsTest.assertKeptVersionsIntact(root, "after the last run");
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertSameSamples(full, root);
  }

  /** The root's staging directory, or null. */
  private static Path staging(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(".staging-"))
          .findFirst()
          .orElse(null);
    }
  }

  /**
   * Whether {@code dir} (which may vanish meanwhile) holds a file whose name {@code name} accepts.
   */
  private static boolean has(Path dir, Predicate<String> name) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> name.test(p.getFileName().toString()));
    } catch (IOException e) {
      return false;
    }
  }
}
