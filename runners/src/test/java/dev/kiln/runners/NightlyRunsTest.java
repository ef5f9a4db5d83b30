package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.DatasetIndexWriter;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.IndexEntry;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.KilnShardReader;
import dev.kiln.formats.kiln.KilnShardWriter;
import dev.kiln.formats.kiln.SampleFields;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.formats.kiln.ShardSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly reprocessing: versions behind an atomic CURRENT link, incremental runs that equal full
 * runs byte for byte, a lock against concurrent runs, retention, and runs killed with kill -9.
 */
class NightlyRunsTest {
  @TempDir Path tmp;

  Path input() throws IOException {
    return copyOfSamples(tmp.resolve("in"));
  }

  /** A writable copy of the sample images at {@code in}. */
  static Path copyOfSamples(Path in) throws IOException {
    try (Stream<Path> files = Files.walk(PrepareCommandTest.SAMPLES)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = in.resolve(PrepareCommandTest.SAMPLES.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return in;
  }

  /**
   * What changes in {@code in} (a {@link #copyOfSamples}) between two nights: one image deleted,
   * one added (new 1, deleted 1), and one touched but not changed, which is carried over by its
   * content hash: six of the seven samples then carry over.
   */
  static void aNightsChanges(Path in) throws IOException {
    Files.delete(in.resolve("food/coffee.jpg"));
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));
    Path touched = in.resolve("animals/chelsea.jpg");
    Files.setLastModifiedTime(
        touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));
  }

  static PrepareCommandTest.Run prepare(Path in, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("prepare", "--input=" + in, "--output=" + out, "--shard-size=60000"));
    args.addAll(List.of(extra));
    return PrepareCommandTest.kiln(args.toArray(String[]::new));
  }

  /** The bytes a reader depends on: every shard and the dataset index, by file name. */
  static Map<String, byte[]> datasetBytes(Path dir) throws IOException {
    Path version = DatasetRoot.resolve(dir);
    Map<String, byte[]> bytes = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(version)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".kiln") || name.equals("index.kidx")) {
          bytes.put(name, Files.readAllBytes(p));
        }
      }
    }
    return bytes;
  }

  static void assertSameDataset(Path expected, Path actual) throws IOException {
    Map<String, byte[]> a = datasetBytes(expected);
    Map<String, byte[]> b = datasetBytes(actual);
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), name);
    }
  }

  /**
   * Every sample of {@code actual} is {@code expected}'s, byte for byte, and no other: what any
   * version promises, whatever its layout.
   */
  static void assertSameSamples(Path expected, Path actual) throws IOException {
    try (KilnDataset a = KilnDataset.open(expected);
        KilnDataset b = KilnDataset.open(actual)) {
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        String key = a.index().key(i);
        int j = b.indexOf(key);
        assertTrue(j >= 0, key + " missing");
        assertArrayEquals(a.readRecord(i), b.readRecord(j), key);
      }
    }
  }

  /**
   * Every kept version of {@code root} verifies: a killed run left no shard it shares with them
   * changed (each version's index holds its shards' sizes and checksums).
   */
  static void assertKeptVersionsIntact(Path root, String when) throws IOException {
    List<Path> versions = DatasetRoot.of(root).versions();
    assertTrue(!versions.isEmpty(), when);
    for (Path version : versions) {
      assertEquals(List.of(), DatasetVerifier.verify(version), version + " " + when);
    }
  }

  static PrepareCommandTest.Run compact(Path root) {
    return PrepareCommandTest.kiln("compact", root.toString());
  }

  @Test
  void incrementalRunCarriesUnchangedSamplesAndEqualsAFullRun() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    PrepareCommandTest.Run first = prepare(in, root, "--incremental");
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.isSymbolicLink(root.resolve("CURRENT")));
    assertEquals(root.resolve("v000001"), DatasetRoot.resolve(root));

    aNightsChanges(in);

    PrepareCommandTest.Run nightly = prepare(in, root, "--incremental", "--run-id=nightly-2");
    assertEquals(0, nightly.code(), nightly.err());
    Manifest m = Manifest.readFrom(root);
    assertEquals("nightly-2", m.runId());
    assertEquals(
        Map.of(
            "new",
            1L,
            "changed",
            0L,
            "deleted",
            1L,
            "carried_over",
            6L,
            "rebuilt",
            0L,
            "rejected",
            0L),
        m.changes());
    assertTrue(
        nightly.out().contains("kiln: incremental: new 1, changed 0, deleted 1, carried over 6"),
        nightly.out());
    assertTrue(
        nightly.out().contains("carried-over=6"), "only one image decoded: " + nightly.out());
    assertTrue(
        nightly
            .out()
            .matches(
                "(?s).*\\nkiln: phases: listing [0-9.]+ s, fingerprint [0-9.]+ s, prepare [0-9.]+ s,"
                    + " write [0-9.]+ s, index [0-9.]+ s, report [0-9.]+ s, publish [0-9.]+ s\\n.*"),
        "each phase's cost: " + nightly.out());

    // The unchanged samples stayed where they were: v000002 links v000001's shards and lists
    // all but the deleted sample's record; the new one is in a shard of v000002's own.
    Path v1 = root.resolve("v000001");
    Path v2 = root.resolve("v000002");
    try (Stream<Path> shards = Files.list(v1)) {
      for (Path shard :
          (Iterable<Path>) shards.filter(p -> p.toString().endsWith(".kiln"))::iterator) {
        assertTrue(Files.isSameFile(shard, v2.resolve(shard.getFileName())), shard + " shared");
      }
    }
    assertTrue(Files.isRegularFile(v2.resolve("shard-v000002-00000.kiln")));
    assertTrue(
        DatasetIndex.read(v2.resolve("index.kidx")).isShared(), "a deleted record is unlisted");
    assertEquals(List.of(), DatasetVerifier.verify(root));

    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertSameSamples(full, root);

    // Compaction gives the full run's files, byte for byte, as the next version.
    PrepareCommandTest.Run compacted = compact(root);
    assertEquals(0, compacted.code(), compacted.err());
    assertEquals(root.resolve("v000003"), DatasetRoot.resolve(root));
    assertSameDataset(full, root);
    assertSameSampleFields(full, root);
    for (String file : List.of("catalog.parquet", "inputs.jsonl")) {
      assertArrayEquals(
          Files.readAllBytes(full.resolve(file)),
          Files.readAllBytes(DatasetRoot.resolve(root).resolve(file)),
          file);
    }
    assertEquals(List.of(), DatasetVerifier.verify(root));
    PrepareCommandTest.Run again = compact(root);
    assertEquals(0, again.code(), again.err());
    assertTrue(
        again.out().contains("v000003 is in the canonical layout; nothing written"), again.out());
    assertEquals(root.resolve("v000003"), DatasetRoot.resolve(root));

    // The Beam job carries over the same way as the local runner, into the canonical layout.
    Path beamRoot = tmp.resolve("beam-root");
    Files.delete(in.resolve("food/espresso.jpg"));
    assertEquals(0, prepare(in, beamRoot, "--incremental", "--runner=direct").code());
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));
    PrepareCommandTest.Run beamNightly = prepare(in, beamRoot, "--incremental", "--runner=direct");
    assertEquals(0, beamNightly.code(), beamNightly.err());
    assertTrue(beamNightly.out().contains("carried-over=6"), beamNightly.out());
    assertSameDataset(full, beamRoot);
  }

  @Test
  void metadataAndClassChangesRelabelCarriedSamplesWithoutDecodingAndEqualAFullRun()
      throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    Path table = tmp.resolve("meta.jsonl");
    Files.writeString(
        table,
        "{\"path\": \"food/coffee.jpg\", \"caption\": \"coffee\", \"stars\": 4}\n"
            + "{\"path\": \"vehicles/rocket.jpg\", \"caption\": \"a rocket\"}\n");
    assertEquals(
        0, prepare(in, root, "--incremental", "--labels=folder", "--metadata=" + table).code());

    // One caption edited, one row added; a class folder that sorts first shifts every class id.
    Files.writeString(
        table,
        "{\"path\": \"food/coffee.jpg\", \"caption\": \"black coffee\", \"stars\": 5}\n"
            + "{\"path\": \"vehicles/rocket.jpg\", \"caption\": \"a rocket\"}\n"
            + "{\"path\": \"people/astronaut.jpg\", \"caption\": \"in orbit\"}\n");
    PrepareCommandTest.Run relabelled =
        prepare(in, root, "--incremental", "--labels=folder", "--metadata=" + table);
    assertEquals(0, relabelled.code(), relabelled.err());
    assertTrue(relabelled.out().contains("carried over 7"), relabelled.out());
    assertTrue(
        relabelled.out().contains("relabelled=2"), "only the two edited rows: " + relabelled.out());

    Files.createDirectories(in.resolve("aardvarks"));
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("aardvarks/a.jpg"));
    PrepareCommandTest.Run shifted =
        prepare(in, root, "--incremental", "--labels=folder", "--metadata=" + table);
    assertEquals(0, shifted.code(), shifted.err());
    assertTrue(
        shifted.out().contains("class ids changed (aardvarks new -> 0, animals 0 -> 1,"),
        shifted.out());
    assertTrue(
        shifted.out().contains("carried-over=7") && shifted.out().contains("relabelled=7"),
        shifted.out());

    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full, "--labels=folder", "--metadata=" + table).code());
    assertSameSamples(full, root);
    assertEquals(0, compact(root).code());
    assertSameDataset(full, root);
    assertSameSampleFields(full, root);
    try (var ds = dev.kiln.formats.kiln.KilnDataset.open(root)) {
      assertEquals("black coffee", ds.get("food/coffee").caption());
      assertEquals(Map.of("stars", 5L), ds.get("food/coffee").labelFields().extra());
      assertEquals(1, ds.get("animals/chelsea").label());
    }
  }

  @Test
  void aVersion1DatasetIsCarriedOverIntoVersion2Shards() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    long written = Manifest.readFrom(root).written();
    rewriteAsVersion1(DatasetRoot.resolve(root));
    try (KilnDataset before = KilnDataset.open(root)) {
      assertEquals(ShardLayout.VERSION_1, before.index().version());
    }
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));

    PrepareCommandTest.Run nightly = prepare(in, root, "--incremental", "--run-id=nightly-2");
    assertEquals(0, nightly.code(), nightly.err());
    assertEquals(written, Manifest.readFrom(root).changes().get("carried_over"));
    // Records with CRC32C went into the new shards with CRC-32: the shards a full run writes.
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertSameDataset(full, root);
    assertEquals(List.of(), DatasetVerifier.verify(root));
  }

  /** Rewrites a dataset version's shards and index as earlier Kilns wrote them: version 1. */
  private static void rewriteAsVersion1(Path dir) throws IOException {
    Path old = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-v1"));
    List<ShardSummary> shards = new ArrayList<>();
    try (KilnDataset ds = KilnDataset.open(dir)) {
      DatasetIndex index = ds.index();
      for (int s = 0; s < index.shardCount(); s++) {
        KilnShardWriter w =
            KilnShardWriter.open(
                old.resolve(index.shardFileName(s)), index.align(), ShardLayout.VERSION_1);
        try {
          int first = index.shardFirstRecord(s);
          for (int i = first; i < first + index.shardRecordCount(s); i++) {
            w.write(EncodedSample.parse(ds.readRecord(i)));
          }
          shards.add(w.close());
        } finally {
          w.abort();
        }
      }
    }
    for (ShardSummary shard : shards) {
      Files.move(
          old.resolve(shard.fileName()),
          dir.resolve(shard.fileName()),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.delete(old);
    DatasetIndexWriter.write(dir, shards);
  }

  @Test
  void aDamagedRecordInThePreviousVersionFailsTheRunAndLeavesCurrentAsItWas() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    Manifest before = Manifest.readFrom(root);
    // One byte of a carried record's image flipped on disk, as a failing disk might: the run
    // copies the record unread, and the check of the copy against its checksum (on the shard's
    // completion thread, while finishing goes on) must fail the run.
    Path shard = DatasetRoot.resolve(root).resolve("shard-00000.kiln");
    IndexEntry record;
    try (KilnShardReader reader = KilnShardReader.open(shard)) {
      record = reader.entry(0);
    }
    try (FileChannel file =
        FileChannel.open(shard, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      long at = record.offset() + record.length() / 2;
      file.read(b, at);
      b.put(0, (byte) ~b.get(0)).rewind();
      file.write(b, at);
    }
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));

    // Writing the canonical layout copies the record; a run sharing the shard would not read it.
    PrepareCommandTest.Run nightly =
        prepare(in, root, "--incremental", "--run-id=nightly-2", "--compact-threshold=0");
    assertEquals(1, nightly.code(), nightly.out() + nightly.err());
    assertTrue(
        nightly.err().contains("job failed")
            && nightly.err().contains("fails its CRC-32")
            && nightly.err().contains("record at " + record.offset() + " of " + shard),
        nightly.err());
    assertEquals(before, Manifest.readFrom(root), "CURRENT is the version before");
    try (Stream<Path> left = Files.list(root)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")),
          "no staging left");
    }
  }

  /**
   * The catalog rows and image lengths the next run carries samples over with are a full run's too,
   * in the same order.
   */
  static void assertSameSampleFields(Path expected, Path actual) throws IOException {
    assertArrayEquals(
        Files.readAllBytes(DatasetRoot.resolve(expected).resolve(SampleFields.FILE_NAME)),
        Files.readAllBytes(DatasetRoot.resolve(actual).resolve(SampleFields.FILE_NAME)));
  }

  @Test
  void aVersionWithoutWholeSampleFieldsIsCarriedOverFromItsRecords() throws Exception {
    for (String previous : new String[] {"made before sample fields", "damaged"}) {
      Path in = copyOfSamples(tmp.resolve(previous).resolve("in"));
      Path root = tmp.resolve(previous).resolve("root");
      assertEquals(0, prepare(in, root, "--incremental").code());
      Path fields = DatasetRoot.resolve(root).resolve(SampleFields.FILE_NAME);
      if (previous.equals("damaged")) {
        byte[] bytes = Files.readAllBytes(fields);
        bytes[bytes.length / 2] ^= 1;
        Files.write(fields, bytes);
      } else {
        Files.delete(fields);
      }
      Files.copy(
          PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));

      // Sharing the shards takes the kept samples' catalog rows from their records too.
      PrepareCommandTest.Run nightly = prepare(in, root, "--incremental");
      assertEquals(0, nightly.code(), nightly.err());
      assertTrue(nightly.out().contains("carried-over=7"), previous + ": " + nightly.out());
      Path full = tmp.resolve(previous).resolve("full");
      assertEquals(0, prepare(in, full).code());
      assertSameSamples(full, root);
      Path catalog = DatasetRoot.resolve(root).resolve(SampleFields.FILE_NAME);
      assertEquals(8, SampleFields.readIfPresent(catalog.getParent()).size());
      assertEquals(0, compact(root).code());
      assertSameDataset(full, root);
      assertSameSampleFields(full, root);
    }
  }

  @Test
  void configurationChangeRebuildsEverythingAndSaysSo() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    PrepareCommandTest.Run changed = prepare(in, root, "--incremental", "--quality=80");
    assertEquals(0, changed.code(), changed.err());
    assertTrue(changed.out().contains("configuration changed (--quality 90 -> 80)"), changed.out());
    assertEquals(0L, Manifest.readFrom(root).changes().get("carried_over"));
    assertEquals(7L, Manifest.readFrom(root).changes().get("rebuilt"));
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full, "--quality=80").code());
    assertSameDataset(full, root);
  }

  @Test
  void keepAlphaOrLinearLightChangeRebuildsEverything() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental", "--encode=png").code());
    PrepareCommandTest.Run alpha =
        prepare(in, root, "--incremental", "--encode=png", "--keep-alpha");
    assertEquals(0, alpha.code(), alpha.err());
    assertTrue(
        alpha.out().contains("configuration changed (--keep-alpha false -> true)"), alpha.out());
    assertEquals(7L, Manifest.readFrom(root).changes().get("rebuilt"));

    PrepareCommandTest.Run linear =
        prepare(in, root, "--incremental", "--encode=png", "--keep-alpha", "--linear-light");
    assertEquals(0, linear.code(), linear.err());
    assertTrue(
        linear.out().contains("configuration changed (--linear-light false -> true)"),
        linear.out());
    assertEquals(0L, Manifest.readFrom(root).changes().get("carried_over"));
    assertEquals(7L, Manifest.readFrom(root).changes().get("rebuilt"));
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full, "--encode=png", "--keep-alpha", "--linear-light").code());
    assertSameDataset(full, root);

    Path before = DatasetRoot.resolve(root);
    PrepareCommandTest.Run same =
        prepare(in, root, "--incremental", "--encode=png", "--keep-alpha", "--linear-light");
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("nothing changed since " + before.getFileName()), same.out());
    assertEquals(
        before, DatasetRoot.resolve(root), "unchanged settings and inputs: no new version");
  }

  @Test
  void retentionKeepsTheNewestVersionsAndNeverTheCurrentOne() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    for (int i = 0; i < 4; i++) {
      Files.copy(
          PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"),
          in.resolve("food/night-" + i + ".jpg"));
      assertEquals(0, prepare(in, root, "--incremental", "--keep-versions=2").code());
    }
    assertEquals(
        List.of(root.resolve("v000003"), root.resolve("v000004")), DatasetRoot.of(root).versions());
    assertEquals(root.resolve("v000004"), DatasetRoot.resolve(root));
  }

  @Test
  void aSecondRunOnTheSameRootIsRefusedNamingTheHolder() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    Files.delete(in.resolve("food/coffee.jpg"));
    assertEquals(0, prepare(in, root, "--incremental").code()); // shares v000001's shards
    Path current = DatasetRoot.resolve(root);
    // Another process holds the root's lock (fcntl, as the JVM's FileChannel locks are).
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl,sys,time\n"
                    + "f=open(sys.argv[1],'a+'); fcntl.lockf(f, fcntl.LOCK_EX)\n"
                    + "f.truncate(0); f.write('run nightly-1, pid 4242 on other-host'); f.flush()\n"
                    + "print('locked', flush=True); time.sleep(60)\n",
                root.resolve(RunLock.FILE_NAME).toString())
            .start();
    try {
      assertEquals("locked", new String(holder.getInputStream().readNBytes(6)));
      PrepareCommandTest.Run second = prepare(in, root, "--incremental");
      assertEquals(2, second.code(), second.out());
      assertTrue(
          second
              .err()
              .contains("another Kiln run is writing it (run nightly-1, pid 4242 on other-host)"),
          second.err());
      // A compaction takes the same lock.
      PrepareCommandTest.Run compaction = compact(root);
      assertEquals(2, compaction.code(), compaction.out());
      assertTrue(
          compaction
              .err()
              .contains("another Kiln run is writing it (run nightly-1, pid 4242 on other-host)"),
          compaction.err());
      assertEquals(current, DatasetRoot.resolve(root));
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    PrepareCommandTest.Run after = prepare(in, root, "--incremental");
    assertEquals(0, after.code(), "the lock dies with its holder: " + after.err());
  }

  @Test
  void runsKilledAtAnyPointLeaveCurrentValidAndTheNextRunSucceeds() throws Exception {
    Path in = input();
    Path root = tmp.resolve("root");
    assertEquals(0, prepare(in, root, "--incremental").code());
    Files.copy(
        PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/espresso.jpg"));

    for (long delayMillis : new long[] {300, 1500, 3000, 5000, 8000}) {
      Process run =
          KilnProcess.start(
              tmp.resolve("killed-run.log"),
              List.of(
                  "prepare",
                  "--input=" + in,
                  "--output=" + root,
                  "--shard-size=60000",
                  "--incremental"));
      if (!run.waitFor(delayMillis, TimeUnit.MILLISECONDS)) {
        run.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      }
      run.waitFor(10, TimeUnit.SECONDS);
      Path current = DatasetRoot.resolve(root);
      assertTrue(
          Files.exists(current.resolve("manifest.json")),
          "CURRENT is a complete version after kill at " + delayMillis + " ms");
      assertEquals(List.of(), DatasetVerifier.verify(root), "after kill at " + delayMillis + " ms");
      assertKeptVersionsIntact(root, "after kill at " + delayMillis + " ms");
    }
    PrepareCommandTest.Run last = prepare(in, root, "--incremental");
    assertEquals(0, last.code(), last.err());
    Path full = tmp.resolve("full");
    assertEquals(0, prepare(in, full).code());
    assertSameSamples(full, root);
    // Compactions killed while writing or publishing leave CURRENT as it was too.
    Files.delete(in.resolve("food/coffee.jpg"));
    assertEquals(0, prepare(in, root, "--incremental").code());
    Path shared = DatasetRoot.resolve(root);
    for (long delayMillis : new long[] {300, 1200, 2500}) {
      Process run =
          KilnProcess.start(
              tmp.resolve("killed-compaction.log"), List.of("compact", root.toString()));
      if (!run.waitFor(delayMillis, TimeUnit.MILLISECONDS)) {
        run.destroyForcibly();
      }
      run.waitFor(10, TimeUnit.SECONDS);
      assertTrue(Files.exists(DatasetRoot.resolve(root).resolve("manifest.json")));
      assertEquals(
          List.of(),
          DatasetVerifier.verify(root),
          "after compaction killed at " + delayMillis + " ms");
      assertKeptVersionsIntact(root, "after compaction killed at " + delayMillis + " ms");
    }
    assertEquals(0, compact(root).code());
    assertTrue(
        !DatasetRoot.resolve(root).equals(shared)
            || !DatasetIndex.read(shared.resolve("index.kidx")).isShared());
    Path fullAfter = tmp.resolve("full-after");
    assertEquals(0, prepare(in, fullAfter).code());
    assertSameDataset(fullAfter, root);
    try (Stream<Path> left = Files.list(root)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")),
          "stale staging removed");
    }
  }
}
