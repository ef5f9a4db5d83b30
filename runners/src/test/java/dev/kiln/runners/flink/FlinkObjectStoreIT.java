package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A Flink session cluster with no shared filesystem (two TaskManagers, each with private temporary
 * directories, no AWS settings in their environment) against a real s3proxy: input, staging and
 * output are all {@code s3://}. The TaskManagers read every input from the store and stage their
 * shards and parts below a run-specific prefix, with the endpoint, path-style addressing and
 * credentials the pipeline options carry; the launcher publishes a version equal to a {@code
 * --runner=local} run's (shards, index, counts) and leaves nothing of the staging prefix. A nightly
 * {@code --incremental} run on the cluster carries the unchanged samples over from the version in
 * the store, which each TaskManager copies for itself.
 */
class FlinkObjectStoreIT {
  @RegisterExtension
  @Order(1)
  static final S3ProxyServer S3 = new S3ProxyServer();

  @RegisterExtension
  @Order(2)
  static final FlinkSessionCluster CLUSTER = new FlinkSessionCluster("s3", 2, 1);

  @TempDir static Path tmp;

  /**
   * The workers' credentials, as Beam's S3 options carry them to every worker: the TaskManagers
   * inherit no AWS variables (the test server's keys are system properties of this JVM only).
   */
  private static String workerCredentials() {
    return "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\""
        + S3ProxyServer.ACCESS_KEY
        + "\",\"secretAccessKey\":\""
        + S3ProxyServer.SECRET_KEY
        + "\"}";
  }

  @Test
  void aClusterWithoutSharedFilesystemPublishesAnS3OutputAsTheLocalRunnerDoes() throws Exception {
    S3.createBucket("kiln-flink");
    S3.upload(
        FlinkSessionCluster.repoRoot().resolve("samples/images"),
        S3Location.parse("s3://kiln-flink/raw"));

    // Input, staging and output all on the store: the TaskManagers (private temporary
    // directories, no AWS settings) stage their shards and parts below the run's prefix.
    KilnRuns.Run local =
        KilnRuns.kiln(
            "prepare",
            "--input=s3://kiln-flink/raw",
            "--output=s3://kiln-flink/local",
            "--shard-size=60000",
            "--runner=local",
            S3.endpointFlag());
    assertEquals(0, local.code(), local.describe());
    KilnRuns.Run clustered =
        KilnRuns.kiln(
            "prepare",
            "--input=s3://kiln-flink/raw",
            "--output=s3://kiln-flink/ds",
            "--versioned",
            "--shard-size=60000",
            "--run-id=it",
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
            S3.endpointFlag(),
            workerCredentials());
    assertEquals(0, clustered.code(), clustered.describe());
    assertTrue(clustered.out().contains("7 inputs, 7 written, 0 rejected"), clustered.out());
    try (S3Objects store = S3.store()) {
      assertEquals(
          "v000001", store.readString(S3Location.parse("s3://kiln-flink/ds/CURRENT")).trim());
      assertEquals(
          List.of(),
          store.list(S3Location.parse("s3://kiln-flink/.ds.staging-it")),
          "the workers' staging prefix is removed");
      Path fromLocal = download(store, S3Location.parse("s3://kiln-flink/local"));
      Path fromCluster = download(store, S3Location.parse("s3://kiln-flink/ds/v000001"));
      Manifest a = Manifest.readFrom(fromLocal);
      Manifest b = Manifest.readFrom(fromCluster);
      assertTrue(a.shards().size() >= 3, "several shards: " + a.shards());
      assertEquals(a.shards(), b.shards(), "byte-identical shard files (SHA-256s)");
      assertEquals(a.inputFingerprint(), b.inputFingerprint());
      assertEquals(a.inputs(), b.inputs());
      assertEquals(a.written(), b.written());
      for (String name :
          List.of("index.kidx", "sample-fields.bin", "inputs.jsonl", "catalog.parquet")) {
        assertArrayEquals(
            Files.readAllBytes(fromLocal.resolve(name)),
            Files.readAllBytes(fromCluster.resolve(name)),
            name);
      }
      try (KilnDataset dataset = KilnDataset.open(fromCluster)) {
        assertEquals(7, dataset.size());
      }

      // A nightly run: one input deleted, one added. Each TaskManager copies v000001 from the
      // store to carry the unchanged samples over, and the version equals a local full run's.
      List<S3Object> raw =
          store.list(S3Location.parse("s3://kiln-flink/raw")).stream()
              .filter(o -> o.key().endsWith(".jpg"))
              .toList();
      S3Location first = new S3Location("kiln-flink", raw.get(0).key());
      S3Location last = new S3Location("kiln-flink", raw.get(raw.size() - 1).key());
      Path copy = Files.write(tmp.resolve("zz-new.jpg"), store.read(first));
      store.put(S3Location.parse("s3://kiln-flink/raw/zz-new.jpg"), copy);
      store.delete("kiln-flink", List.of(last.key()));
      KilnRuns.Run nightly =
          KilnRuns.kiln(
              "prepare",
              "--input=s3://kiln-flink/raw",
              "--output=s3://kiln-flink/ds",
              "--incremental",
              "--shard-size=60000",
              "--run-id=it-2",
              "--runner=flink",
              "--flink-master=" + CLUSTER.restAddress(),
              S3.endpointFlag(),
              workerCredentials());
      assertEquals(0, nightly.code(), nightly.describe());
      assertTrue(nightly.out().contains("carried-over=6"), nightly.out());
      assertEquals(
          "v000002", store.readString(S3Location.parse("s3://kiln-flink/ds/CURRENT")).trim());
      KilnRuns.Run localAgain =
          KilnRuns.kiln(
              "prepare",
              "--input=s3://kiln-flink/raw",
              "--output=s3://kiln-flink/local-2",
              "--shard-size=60000",
              "--runner=local",
              S3.endpointFlag());
      assertEquals(0, localAgain.code(), localAgain.describe());
      Manifest full =
          Manifest.readFrom(download(store, S3Location.parse("s3://kiln-flink/local-2")));
      Manifest carried =
          Manifest.readFrom(download(store, S3Location.parse("s3://kiln-flink/ds/v000002")));
      assertEquals(full.shards(), carried.shards(), "byte-identical shard files (SHA-256s)");
      assertEquals(full.inputFingerprint(), carried.inputFingerprint());
    }
  }

  /** Every object below {@code prefix} into a new local directory. */
  private static Path download(S3Objects store, S3Location prefix) throws Exception {
    Path dir = Files.createTempDirectory(tmp, prefix.name());
    List<S3Object> objects = store.list(prefix);
    for (S3Object o : objects) {
      Path file = dir.resolve(o.key().substring(prefix.prefix().length()));
      if (o.key().endsWith("/")
          || objects.stream().anyMatch(other -> other.key().startsWith(o.key() + "/"))) {
        continue; // s3proxy's filesystem backend lists directories as objects too
      }
      Files.createDirectories(file.getParent());
      store.download(new S3Location(prefix.bucket(), o.key()), file);
    }
    return dir;
  }
}
