package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.FaultyS3Proxy;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code kiln prepare} with {@code s3://} inputs and outputs against a real S3 server (s3proxy):
 * shard bytes equal a local run's, publishing without rename (manifest last, CURRENT after the
 * version), leftovers of killed runs removed, and exit 2 before any work for a missing bucket,
 * refused credentials or an unreachable endpoint.
 */
class ObjectStorePrepareTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @TempDir Path tmp;

  /** A new bucket for one test. */
  static String bucket() {
    String name = "kiln-test-" + BUCKETS.incrementAndGet();
    S3.createBucket(name);
    return name;
  }

  static PrepareCommandTest.Run prepare(String input, String output, String... extra) {
    return prepare(S3, input, output, extra);
  }

  /** {@code kiln prepare} with small shards, reaching {@code server} for s3:// locations. */
  static PrepareCommandTest.Run prepare(
      S3ProxyServer server, String input, String output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "prepare",
                "--input=" + input,
                "--output=" + output,
                "--shard-size=60000",
                "--run-id=test",
                server.endpointFlag()));
    args.addAll(List.of(extra));
    return PrepareCommandTest.kiln(args.toArray(String[]::new));
  }

  /** Every shard and the index of a local dataset directory, by name. */
  static Map<String, byte[]> localBytes(Path dir) throws IOException {
    Map<String, byte[]> bytes = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".kiln") || name.equals("index.kidx")) {
          bytes.put(name, Files.readAllBytes(p));
        }
      }
    }
    return bytes;
  }

  /** Every shard and the index below an S3 prefix, by name. */
  static Map<String, byte[]> s3Bytes(S3Location dir) throws IOException {
    try (S3Objects store = S3.store()) {
      return s3Bytes(store, dir);
    }
  }

  /** Every shard and the index below an S3 prefix of {@code store}, by name. */
  static Map<String, byte[]> s3Bytes(S3Objects store, S3Location dir) throws IOException {
    Map<String, byte[]> bytes = new TreeMap<>();
    for (S3Object o : store.list(dir)) {
      String name = o.key().substring(dir.prefix().length());
      if (!name.contains("/") && (name.endsWith(".kiln") || name.equals("index.kidx"))) {
        bytes.put(name, store.read(new S3Location(dir.bucket(), o.key())));
      }
    }
    return bytes;
  }

  static void assertSameBytes(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    assertTrue(expected.size() >= 3, "several shards and the index: " + expected.keySet());
    expected.forEach((name, b) -> assertArrayEquals(b, actual.get(name), name));
  }

  @Test
  void anS3OutputHoldsTheShardBytesOfALocalRun() throws Exception {
    String bucket = bucket();
    Path local = tmp.resolve("local");
    PrepareCommandTest.Run localRun =
        prepare(PrepareCommandTest.SAMPLES.toString(), local.toString());
    assertEquals(0, localRun.code(), localRun.err());

    PrepareCommandTest.Run run =
        prepare(PrepareCommandTest.SAMPLES.toString(), "s3://" + bucket + "/datasets/samples");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("s3://" + bucket + "/datasets/samples"), run.out());
    S3Location out = S3Location.parse("s3://" + bucket + "/datasets/samples");
    assertSameBytes(localBytes(local), s3Bytes(out));
    try (S3Objects store = S3.store()) {
      assertTrue(store.exists(out.resolve("manifest.json")));
      assertTrue(store.exists(out.resolve("catalog.parquet")));
      assertEquals(
          Files.readString(local.resolve("manifest.json")).contains("\"written\" : 7")
              || Files.readString(local.resolve("manifest.json")).contains("\"written\":7"),
          store.readString(out.resolve("manifest.json")).contains("\"written\" : 7")
              || store.readString(out.resolve("manifest.json")).contains("\"written\":7"));
    }
  }

  @Test
  void s3InputsPrepareToTheSameSamplesOnTheLocalAndDirectRunners() throws Exception {
    String bucket = bucket();
    S3.upload(PrepareCommandTest.SAMPLES, S3Location.parse("s3://" + bucket + "/raw/photos"));
    Path fromDisk = tmp.resolve("from-disk");
    assertEquals(0, prepare(PrepareCommandTest.SAMPLES.toString(), fromDisk.toString()).code());
    Map<String, byte[]> expected = images(fromDisk);
    assertEquals(7, expected.size());
    for (String runner : List.of("local", "direct")) {
      Path out = tmp.resolve("from-s3-" + runner);
      PrepareCommandTest.Run run =
          prepare("s3://" + bucket + "/raw/photos/", out.toString(), "--runner=" + runner);
      assertEquals(0, run.code(), runner + ": " + run.err());
      Map<String, byte[]> got = images(out);
      assertEquals(expected.keySet(), got.keySet(), runner);
      expected.forEach((key, image) -> assertArrayEquals(image, got.get(key), runner + " " + key));
    }
    // A glob below the bucket selects by pattern, with keys relative to the part before it.
    Path pngs = tmp.resolve("pngs");
    PrepareCommandTest.Run glob =
        prepare("s3://" + bucket + "/raw/photos/misc/*.png", pngs.toString());
    assertEquals(0, glob.code(), glob.err());
    assertEquals(
        Map.of(
            "camera-gray",
            expected.get("misc/camera-gray").length,
            "coffee-cutout-alpha",
            expected.get("misc/coffee-cutout-alpha").length),
        lengths(images(pngs)));
    // '**' crosses '/', '*' does not: the same two PNGs, now keyed below photos/.
    Path deep = tmp.resolve("deep-pngs");
    PrepareCommandTest.Run anyDepth =
        prepare("s3://" + bucket + "/raw/photos/**/*.png", deep.toString());
    assertEquals(0, anyDepth.code(), anyDepth.err());
    assertEquals(Set.of("misc/camera-gray", "misc/coffee-cutout-alpha"), images(deep).keySet());
    PrepareCommandTest.Run none =
        prepare("s3://" + bucket + "/raw/photos/*.png", tmp.resolve("none").toString());
    assertEquals(ExitCode.USAGE, none.code(), none.out());
    assertTrue(none.err().contains("no image files found"), none.err());
  }

  @Test
  void eachRunnerListsOnceAndReadsAnS3InputWithOneGetAndNoHead() throws Exception {
    String bucket = bucket();
    S3.upload(PrepareCommandTest.SAMPLES, S3Location.parse("s3://" + bucket + "/raw"));
    Path notes = Files.writeString(tmp.resolve("notes.txt"), "not an image");
    try (S3Objects store = S3.store()) {
      store.put(S3Location.parse("s3://" + bucket + "/raw/notes.txt"), notes);
    }
    Map<String, Long> listings = new TreeMap<>();
    for (String runner : List.of("local", "direct")) {
      try (FaultyS3Proxy relay = new FaultyS3Proxy(S3)) {
        PrepareCommandTest.Run run =
            PrepareCommandTest.kiln(
                "prepare",
                "--input=s3://" + bucket + "/raw",
                "--output=" + tmp.resolve(runner),
                "--runner=" + runner,
                relay.endpointFlag());
        assertEquals(0, run.code(), runner + ": " + run.err());
        assertTrue(run.out().contains("7 inputs, 7 written, 0 rejected, 1 ignored"), run.out());
        // The listing's GETs name the bucket and a query, never a key below raw/.
        assertEquals(7, relay.requests("GET", "/" + bucket + "/raw/"), runner);
        assertEquals(
            0, relay.requests("HEAD", "/" + bucket + "/raw/"), runner + ": " + relay.requests());
        listings.put(runner, relay.requests("GET", "/" + bucket + "?list-type=2"));
        if (runner.equals("direct")) {
          // The job's workers took the launcher's listing, the ignored file with it.
          assertTrue(run.out().contains("ignored-extension=1"), run.out());
        }
      }
    }
    assertEquals(listings.get("local"), listings.get("direct"), "listed by the launcher only");
  }

  @Test
  void metadataTablesAndAnnotationsAreReadFromTheStore() throws Exception {
    String bucket = bucket();
    Path meta = Files.createDirectories(tmp.resolve("meta"));
    Files.writeString(
        meta.resolve("captions.csv"),
        "path,caption\nfood/coffee.jpg,a cup of coffee\nanimals/chelsea.jpg,a cat\n");
    Files.writeString(
        meta.resolve("broken.jsonl"),
        "{\"path\": \"food/coffee.jpg\"}\n{\"path\": \"animals/chelsea.jpg\", \"caption\": }\n");
    Files.copy(
        PrepareCommandTest.SAMPLES.resolveSibling("annotations.json"),
        meta.resolve("annotations.json"));
    S3.upload(meta, S3Location.parse("s3://" + bucket + "/meta"));
    String store = "s3://" + bucket + "/meta/";

    Path fromDisk = tmp.resolve("from-disk");
    PrepareCommandTest.Run local =
        prepare(
            PrepareCommandTest.SAMPLES.toString(),
            fromDisk.toString(),
            "--metadata=" + meta.resolve("captions.csv"),
            "--annotations=" + meta.resolve("annotations.json"),
            "--framing=per-object");
    assertEquals(0, local.code(), local.err());
    Path fromStore = tmp.resolve("from-store");
    PrepareCommandTest.Run remote =
        prepare(
            PrepareCommandTest.SAMPLES.toString(),
            fromStore.toString(),
            "--metadata=" + store + "captions.csv",
            "--annotations=" + store + "annotations.json",
            "--framing=per-object");
    assertEquals(0, remote.code(), remote.err());
    // Captions and boxes are in the shards: the same bytes whichever way the tables came.
    assertSameBytes(localBytes(fromDisk), localBytes(fromStore));
    Manifest manifest = Manifest.readFrom(fromStore);
    assertTrue(manifest.written() > manifest.inputs(), "one sample per object");
    assertEquals(
        Manifest.readFrom(fromDisk).configuration().get("annotations-sha256"),
        manifest.configuration().get("annotations-sha256"));

    PrepareCommandTest.Run broken =
        prepare(
            PrepareCommandTest.SAMPLES.toString(),
            tmp.resolve("broken").toString(),
            "--metadata=" + store + "broken.jsonl");
    assertEquals(ExitCode.USAGE, broken.code(), broken.out());
    assertTrue(broken.err().contains(store + "broken.jsonl line 2, column 44"), broken.err());
    PrepareCommandTest.Run missing =
        prepare(
            PrepareCommandTest.SAMPLES.toString(),
            tmp.resolve("missing").toString(),
            "--annotations=" + store + "gone.json",
            "--framing=per-object");
    assertEquals(ExitCode.USAGE, missing.code(), missing.out());
    assertTrue(
        missing.err().contains("--annotations=" + store + "gone.json: no such object"),
        missing.err());
  }

  @Test
  void aSplitRunPublishesEachSplitAndTheRootManifestToTheStore() throws Exception {
    String bucket = bucket();
    String split = "--split=hash:train=0.5,val=0.5";
    Path local = tmp.resolve("local-splits");
    PrepareCommandTest.Run localRun =
        prepare(PrepareCommandTest.SAMPLES.toString(), local.toString(), split);
    assertEquals(0, localRun.code(), localRun.err());
    S3Location root = S3Location.parse("s3://" + bucket + "/splits");
    PrepareCommandTest.Run run =
        prepare(PrepareCommandTest.SAMPLES.toString(), root.toString(), split);
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("-> " + root.resolve("manifest.json")), run.out());
    try (S3Objects store = S3.store()) {
      for (String name : List.of("train", "val")) {
        Map<String, byte[]> expected = localBytes(local.resolve(name));
        Map<String, byte[]> actual = s3Bytes(root.resolve(name));
        assertEquals(expected.keySet(), actual.keySet(), name);
        expected.forEach((file, b) -> assertArrayEquals(b, actual.get(file), name + "/" + file));
        assertTrue(store.exists(root.resolve(name + "/manifest.json")), name);
      }
      // The same run id and inputs: the same root manifest and no-split rejects.
      assertEquals(
          Files.readString(local.resolve("manifest.json")),
          store.readString(root.resolve("manifest.json")));
      assertEquals(
          Files.readString(local.resolve("rejects/rejects.jsonl")),
          store.readString(root.resolve("rejects/rejects.jsonl")));
    }
  }

  @Test
  void aLocalRunTakesTheStoreFromTheEnvironmentWithoutBeamsOptions() throws Exception {
    String bucket = bucket();
    S3.upload(PrepareCommandTest.SAMPLES, S3Location.parse("s3://" + bucket + "/raw/photos"));
    List<String> args =
        List.of(
            "prepare",
            "--input=s3://" + bucket + "/raw/photos",
            "--output=" + tmp.resolve("env"),
            "--run-id=test");
    // Only Kiln's settings: read without Beam, which then never reads its S3 options.
    assertTrue(PrepareArguments.parse(args.subList(1, args.size())).readWithoutBeam());
    Path log = tmp.resolve("kiln.log");
    // A JVM of its own: the endpoint and keys come from the environment, as users give them.
    Process kiln =
        KilnProcess.start(
            log,
            args,
            Map.of(
                "AWS_ENDPOINT_URL", S3.endpoint(),
                "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY));
    assertTrue(kiln.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "kiln prepare finished");
    assertEquals(0, kiln.exitValue(), Files.readString(log));
    Path fromDisk = tmp.resolve("from-disk");
    assertEquals(0, prepare(PrepareCommandTest.SAMPLES.toString(), fromDisk.toString()).code());
    Map<String, byte[]> expected = images(fromDisk);
    Map<String, byte[]> got = images(tmp.resolve("env"));
    assertEquals(expected.keySet(), got.keySet());
    expected.forEach((key, image) -> assertArrayEquals(image, got.get(key), key));
  }

  private static Map<String, Integer> lengths(Map<String, byte[]> images) {
    Map<String, Integer> lengths = new TreeMap<>();
    images.forEach((k, v) -> lengths.put(k, v.length));
    return lengths;
  }

  /** Each sample's image bytes by key. */
  static Map<String, byte[]> images(Path dataset) throws IOException {
    Map<String, byte[]> images = new TreeMap<>();
    try (KilnDataset ds = KilnDataset.open(dataset)) {
      for (Sample s : ds) {
        images.put(s.key(), s.image());
      }
    }
    return images;
  }

  @Test
  void aVersionedRootPointsCurrentAtTheNewestCompleteVersion() throws Exception {
    String bucket = bucket();
    String root = "s3://" + bucket + "/nightly";
    S3Location rootLocation = S3Location.parse(root);
    PrepareCommandTest.Run first =
        prepare(PrepareCommandTest.SAMPLES.toString(), root, "--versioned", "--keep-versions=1");
    assertEquals(0, first.code(), first.err());
    try (S3Objects store = S3.store()) {
      assertEquals("v000001", store.readString(rootLocation.resolve("CURRENT")).trim());
      // What a killed run leaves: part of a version newer than CURRENT, without a manifest.
      store.putString(rootLocation.resolve("v000002/shard-00000.kiln"), "half a shard");

      PrepareCommandTest.Run second =
          prepare(PrepareCommandTest.SAMPLES.toString(), root, "--keep-versions=1");
      assertEquals(0, second.code(), second.err());
      assertTrue(second.err().contains("incomplete version " + root + "/v000002"), second.err());
      assertEquals("v000002", store.readString(rootLocation.resolve("CURRENT")).trim());
      assertTrue(store.list(rootLocation.resolve("v000001")).isEmpty(), "--keep-versions=1");
      Path local = tmp.resolve("local");
      assertEquals(0, prepare(PrepareCommandTest.SAMPLES.toString(), local.toString()).code());
      assertSameBytes(localBytes(local), s3Bytes(rootLocation.resolve("v000002")));
    }
  }

  @Test
  void anExistingOutputIsReplacedOnlyWithOverwrite() throws Exception {
    String bucket = bucket();
    String output = "s3://" + bucket + "/ds";
    assertEquals(0, prepare(PrepareCommandTest.SAMPLES.toString(), output).code());
    PrepareCommandTest.Run again = prepare(PrepareCommandTest.SAMPLES.toString(), output);
    assertEquals(ExitCode.USAGE, again.code());
    assertTrue(
        again.err().contains("--output=" + output + ": already holds objects; pass --overwrite"),
        again.err());

    try (S3Objects store = S3.store()) {
      S3Location stale = S3Location.parse(output).resolve("shard-00099.kiln");
      store.putString(stale, "from an older run");
      PrepareCommandTest.Run replaced =
          prepare(PrepareCommandTest.SAMPLES.toString(), output, "--overwrite");
      assertEquals(0, replaced.code(), replaced.err());
      assertFalse(store.exists(stale), "objects of the replaced dataset are removed");
      assertTrue(store.exists(S3Location.parse(output).resolve("manifest.json")));
    }
  }

  @Test
  void aMissingBucketIsExit2NamingIt() {
    PrepareCommandTest.Run in =
        prepare("s3://no-such-bucket-kiln/raw", tmp.resolve("o").toString());
    assertEquals(ExitCode.USAGE, in.code());
    assertEquals(1, in.err().lines().count(), in.err());
    assertTrue(
        in.err()
            .contains(
                "--input=s3://no-such-bucket-kiln/raw: bucket 'no-such-bucket-kiln' does not exist"),
        in.err());
    PrepareCommandTest.Run out =
        prepare(PrepareCommandTest.SAMPLES.toString(), "s3://no-such-bucket-kiln/ds");
    assertEquals(ExitCode.USAGE, out.code());
    assertTrue(
        out.err()
            .contains(
                "--output=s3://no-such-bucket-kiln/ds: bucket 'no-such-bucket-kiln' does not exist"),
        out.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void refusedCredentialsAreExit2() {
    String bucket = bucket();
    System.setProperty("aws.secretAccessKey", "wrong");
    try {
      PrepareCommandTest.Run run =
          prepare(PrepareCommandTest.SAMPLES.toString(), "s3://" + bucket + "/ds");
      assertEquals(ExitCode.USAGE, run.code(), run.err());
      assertTrue(
          run.err().contains("--output=s3://" + bucket + "/ds: access denied by " + S3.endpoint()),
          run.err());
      assertTrue(run.err().contains("AWS_SECRET_ACCESS_KEY"), run.err());
    } finally {
      System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void anUnreachableEndpointIsExit2() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln(
            "prepare",
            "--input=" + PrepareCommandTest.SAMPLES,
            "--output=s3://some-bucket/ds",
            "--endpoint=http://127.0.0.1:" + closed);
    assertEquals(ExitCode.USAGE, run.code(), run.err());
    assertTrue(
        run.err().contains("--output=s3://some-bucket/ds: cannot reach http://127.0.0.1:" + closed),
        run.err());
  }
}
