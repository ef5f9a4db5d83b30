package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nightly runs into an {@code s3://} root on a real S3 server (s3proxy): {@code --incremental}
 * carries the unchanged samples of the current version over without decoding them, on the local
 * runner from the launcher's copy of the version and on a Beam runner from the copy each worker
 * fetches itself; the new version equals a full run's bytes; and a run that finds nothing changed
 * publishes nothing.
 */
class ObjectStoreNightlyTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @TempDir Path tmp;

  private static String bucket() {
    // The JVM's pid in the name: a worker's copy in the temporary directory is named after its
    // bucket, and an earlier test JVM's bucket of the same number may have left one.
    String name = "kiln-nightly-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    S3.createBucket(name);
    return name;
  }

  private static PrepareCommandTest.Run prepare(Path in, String output, String... extra) {
    return ObjectStorePrepareTest.prepare(S3, in.toString(), output, extra);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "direct"})
  void anIncrementalRunCarriesSamplesOverFromTheStoreAndEqualsAFullRun(String runner)
      throws Exception {
    String bucket = bucket();
    String root = "s3://" + bucket + "/nightly";
    S3Location rootLocation = S3Location.parse(root);
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    PrepareCommandTest.Run first = prepare(in, root, "--incremental");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("no current version yet, building in full"), first.out());

    NightlyRunsTest.aNightsChanges(in);

    PrepareCommandTest.Run nightly = prepare(in, root, "--incremental", "--runner=" + runner);
    assertEquals(0, nightly.code(), nightly.err());
    assertTrue(nightly.out().contains("(incremental, from v000001)"), nightly.out());
    assertTrue(nightly.out().contains("versions in object storage share no shards"), nightly.out());
    assertTrue(
        nightly.out().contains("carried-over=6"), "only one image decoded: " + nightly.out());
    try (S3Objects store = S3.store()) {
      assertEquals("v000002", store.readString(rootLocation.resolve("CURRENT")).trim());
      S3Location v2 = rootLocation.resolve("v000002");
      Manifest manifest =
          Manifest.readFrom(
              new ByteArrayInputStream(store.read(v2.resolve(Manifest.FILE_NAME))), v2.toString());
      assertEquals(
          Map.of(
              "new", 1L,
              "changed", 0L,
              "deleted", 1L,
              "carried_over", 6L,
              "rebuilt", 0L,
              "rejected", 0L),
          manifest.changes());

      // The canonical layout: what a full run over the same inputs writes, byte for byte.
      Path full = tmp.resolve("full");
      PrepareCommandTest.Run fullRun =
          ObjectStorePrepareTest.prepare(S3, in.toString(), full.toString());
      assertEquals(0, fullRun.code(), fullRun.err());
      ObjectStorePrepareTest.assertSameBytes(
          ObjectStorePrepareTest.localBytes(full), ObjectStorePrepareTest.s3Bytes(store, v2));

      if (runner.equals("direct")) {
        // The workers (this JVM) copied v000001 for themselves, and the launcher deleted the copy
        // when done. What an earlier job on a long-lived worker left, the next copy deletes.
        assertEquals(List.of(), workerCopies(bucket));
        Path left =
            Path.of(System.getProperty("java.io.tmpdir"), "kiln-previous-" + bucket + "-nightly@1");
        Files.createDirectories(left.resolve("v000001"));
        Files.writeString(left.resolve("v000001/index.kidx"), "left by an earlier job");
        Files.copy(
            PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("food/latte.jpg"));
        PrepareCommandTest.Run third = prepare(in, root, "--incremental", "--runner=" + runner);
        assertEquals(0, third.code(), third.err());
        assertTrue(third.out().contains("carried-over=7"), third.out());
        assertFalse(Files.exists(left), "an earlier job's copy of the root is deleted");
        assertEquals(List.of(), workerCopies(bucket));
      }

      String current = runner.equals("direct") ? "v000003" : "v000002";
      String next = runner.equals("direct") ? "v000004" : "v000003";
      int inputs = runner.equals("direct") ? 8 : 7;
      PrepareCommandTest.Run again = prepare(in, root, "--incremental", "--runner=" + runner);
      assertEquals(0, again.code(), again.err());
      assertTrue(
          again.out().contains("nothing changed since " + current + " (" + inputs + " inputs"),
          again.out());
      assertEquals(current, store.readString(rootLocation.resolve("CURRENT")).trim());
      assertTrue(store.list(rootLocation.resolve(next)).isEmpty(), "nothing published");
    }
  }

  /** The versions of which this JVM holds a worker's copy, for the root in {@code bucket}. */
  private static List<String> workerCopies(String bucket) throws IOException {
    List<String> versions = new ArrayList<>();
    try (DirectoryStream<Path> copies =
        Files.newDirectoryStream(
            Path.of(System.getProperty("java.io.tmpdir")),
            "kiln-previous-" + bucket + "-nightly@*")) {
      for (Path copy : copies) {
        try (Stream<Path> version = Files.list(copy)) {
          version.forEach(v -> versions.add(v.getFileName().toString()));
        }
      }
    }
    return versions;
  }

  @Test
  void aChangedSettingRebuildsEverySampleAndSaysWhy() throws Exception {
    String bucket = bucket();
    String root = "s3://" + bucket + "/nightly";
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    assertEquals(0, prepare(in, root, "--incremental").code());

    PrepareCommandTest.Run resized = prepare(in, root, "--incremental", "--size=64");
    assertEquals(0, resized.code(), resized.err());
    assertTrue(resized.out().contains("configuration changed (--size"), resized.out());
    assertTrue(!resized.out().contains("carried-over="), resized.out());
    try (S3Objects store = S3.store()) {
      assertEquals("v000002", store.readString(S3Location.parse(root).resolve("CURRENT")).trim());
    }
  }
}
