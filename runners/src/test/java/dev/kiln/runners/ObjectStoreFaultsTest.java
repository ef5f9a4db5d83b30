package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.FaultyS3Proxy;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server killed (SIGKILL of the s3proxy process) at an exact moment of a run into a
 * versioned S3 root: while the inputs are read, while an incremental run copies the previous
 * version, while shards are uploaded, and while the run publishes (the PUT of {@code CURRENT}).
 * Each time the run exits 1 naming the cause, the previous version stays current with nothing of
 * the new one readable, and the rerun, with the server back, removes what the failed run left and
 * succeeds. Throttling (HTTP 503 SlowDown) is retried and counted. The moments are hit through
 * {@link FaultyS3Proxy}, a relay in front of the server.
 */
class ObjectStoreFaultsTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  @BeforeEach
  void serverRuns() throws Exception {
    S3.start(); // again, should a test before have failed with it killed
  }

  /** A bucket holding the sample images under raw/ and version v000001 of a root nightly/. */
  private static String bucketWithFirstVersion(String bucket) {
    S3.createBucket(bucket);
    S3.upload(PrepareCommandTest.SAMPLES, S3Location.parse("s3://" + bucket + "/raw"));
    PrepareCommandTest.Run first =
        ObjectStorePrepareTest.prepare(
            S3, "s3://" + bucket + "/raw", "s3://" + bucket + "/nightly", "--versioned");
    assertEquals(0, first.code(), first.err());
    return bucket;
  }

  private static PrepareCommandTest.Run prepareThrough(FaultyS3Proxy proxy, String bucket) {
    return PrepareCommandTest.kiln(
        "prepare",
        "--input=s3://" + bucket + "/raw",
        "--output=s3://" + bucket + "/nightly",
        "--shard-size=60000",
        "--max-reject-fraction=0",
        proxy.endpointFlag());
  }

  /**
   * The run through {@code proxy} killed the server and failed; restarts the server and checks that
   * v000001 is still the current version and the rerun publishes v000002.
   */
  private static void assertFailedAndRecovered(
      FaultyS3Proxy proxy, String bucket, PrepareCommandTest.Run failed) throws Exception {
    assertFailedAndRecovered(proxy, bucket, failed, 7);
  }

  /** As above, for a bucket holding {@code inputs} images under raw/. */
  private static void assertFailedAndRecovered(
      FaultyS3Proxy proxy, String bucket, PrepareCommandTest.Run failed, int inputs)
      throws Exception {
    assertTrue(
        proxy.killed(), "the server was killed during the run: " + failed.out() + failed.err());
    assertEquals(ExitCode.FAILED, failed.code(), failed.out() + failed.err());
    assertTrue(failed.err().contains("kiln prepare: job failed: "), failed.err());
    // The object and the store's failure: which one the SDK's last retry met varies (a refused
    // connection, a dropped one, or one that failed to respond).
    assertTrue(
        failed.err().contains("s3://" + bucket + "/")
            && (failed.err().contains("cannot reach http://127.0.0.1:")
                || failed.err().contains("the object store failed: ")),
        "the cause is named: " + failed.err());
    assertFalse(failed.out().contains("kiln: done"), failed.out());

    S3.start();
    S3Location root = S3Location.parse("s3://" + bucket + "/nightly");
    try (S3Objects store = S3.store()) {
      assertEquals(
          "v000001",
          store.readString(root.resolve("CURRENT")).trim(),
          "the previous version stays current");
      assertTrue(store.exists(root.resolve("v000001/manifest.json")));
      PrepareCommandTest.Run rerun =
          ObjectStorePrepareTest.prepare(S3, "s3://" + bucket + "/raw", root.toString());
      assertEquals(0, rerun.code(), rerun.err());
      assertTrue(
          rerun.out().contains(inputs + " inputs, " + inputs + " written, 0 rejected"),
          rerun.out());
      assertEquals("v000002", store.readString(root.resolve("CURRENT")).trim());
      assertTrue(store.exists(root.resolve("v000002/manifest.json")));
    }
  }

  @Test
  void theServerKilledWhileInputsAreReadFailsTheRunInsteadOfRejectingThem() throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-read");
    try (FaultyS3Proxy proxy = new FaultyS3Proxy(S3).killOn("GET", "/" + bucket + "/raw/")) {
      PrepareCommandTest.Run failed = prepareThrough(proxy, bucket);
      assertTrue(
          failed.err().contains("s3://" + bucket + "/raw/"), "names the input: " + failed.err());
      assertTrue(failed.err().contains("the object store failed"), failed.err());
      assertFailedAndRecovered(proxy, bucket, failed);
    }
  }

  @Test
  void theServerKilledWhileShardsAreUploadedLeavesNothingOfTheNewVersion() throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-shards");
    try (FaultyS3Proxy proxy =
        new FaultyS3Proxy(S3).killOn("PUT", "/" + bucket + "/nightly/v000002/shard")) {
      PrepareCommandTest.Run failed = prepareThrough(proxy, bucket);
      assertFalse(existsAfterRestart(bucket, "nightly/v000002/manifest.json"));
      assertFailedAndRecovered(proxy, bucket, failed);
    }
  }

  @Test
  void theServerKilledWhilePublishingKeepsThePreviousVersionCurrent() throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-publish");
    try (FaultyS3Proxy proxy =
        new FaultyS3Proxy(S3).killOn("PUT", "/" + bucket + "/nightly/CURRENT")) {
      PrepareCommandTest.Run failed = prepareThrough(proxy, bucket);
      // The new version was complete; only CURRENT, which readers follow, did not move to it.
      assertTrue(existsAfterRestart(bucket, "nightly/v000002/manifest.json"));
      assertFailedAndRecovered(proxy, bucket, failed);
    }
  }

  @Test
  void theServerKilledWhileAnIncrementalRunCopiesThePreviousVersionFailsCleanly(@TempDir Path tmp)
      throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-incremental");
    // One new input, so that the run carries the other seven over from v000001's shards.
    Files.copy(PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), tmp.resolve("extra.jpg"));
    S3.upload(tmp, S3Location.parse("s3://" + bucket + "/raw/new"));
    try (FaultyS3Proxy proxy =
        new FaultyS3Proxy(S3).killOn("GET", "/" + bucket + "/nightly/v000001/shard")) {
      PrepareCommandTest.Run failed =
          PrepareCommandTest.kiln(
              "prepare",
              "--input=s3://" + bucket + "/raw",
              "--output=s3://" + bucket + "/nightly",
              "--incremental",
              "--shard-size=60000",
              proxy.endpointFlag());
      // Its files are fetched at once: the first to fail may be another than the shard.
      assertTrue(
          failed.err().contains("s3://" + bucket + "/nightly/v000001/"),
          "names an object of the previous version: " + failed.err());
      assertFalse(existsAfterRestart(bucket, "nightly/v000002/manifest.json"));
      assertFailedAndRecovered(proxy, bucket, failed, 8);
    }
  }

  @Test
  void throttledRequestsAreRetriedAndCounted() throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-throttled");
    try (FaultyS3Proxy proxy =
        new FaultyS3Proxy(S3)
            .throttle("GET", "/" + bucket + "/raw/", 3)
            .throttle("PUT", "/" + bucket + "/nightly/CURRENT", 1)) {
      PrepareCommandTest.Run run = prepareThrough(proxy, bucket);
      assertEquals(0, run.code(), run.out() + run.err());
      assertEquals(4, proxy.throttled());
      assertTrue(run.out().contains("7 inputs, 7 written, 0 rejected"), run.out());
      assertTrue(
          run.out().contains("kiln: 4 S3 requests retried after transient errors"), run.out());
      try (S3Objects store = S3.store()) {
        assertEquals(
            "v000002",
            store.readString(S3Location.parse("s3://" + bucket + "/nightly/CURRENT")).trim());
      }
    }
  }

  @Test
  void beamsS3ClientsCountTheirRetriesAsAKilnCounter() throws Exception {
    String bucket = bucketWithFirstVersion("kiln-faults-beam");
    try (FaultyS3Proxy proxy = new FaultyS3Proxy(S3).throttle("GET", "/" + bucket + "/raw/", 2)) {
      PrepareCommandTest.Run run =
          PrepareCommandTest.kiln(
              "prepare",
              "--input=s3://" + bucket + "/raw",
              "--output=s3://" + bucket + "/nightly",
              "--shard-size=60000",
              "--runner=direct",
              proxy.endpointFlag());
      assertEquals(0, run.code(), run.out() + run.err());
      assertEquals(2, proxy.throttled());
      assertTrue(run.out().contains("7 inputs, 7 written, 0 rejected"), run.out());
      assertTrue(run.out().contains(" s3-retries=2"), run.out());
      assertTrue(
          run.out().contains("kiln: 2 S3 requests retried after transient errors"), run.out());
    }
  }

  /** Whether the object exists, asked of the server started again (it is left running). */
  private static boolean existsAfterRestart(String bucket, String key) throws Exception {
    S3.start();
    try (S3Objects store = S3.store()) {
      return store.exists(new S3Location(bucket, key));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
