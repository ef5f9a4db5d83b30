package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code s3://} inputs on a stock Flink session cluster (two TaskManagers, each with private
 * temporary directories) against a real s3proxy: the TaskManagers list nothing and read every input
 * from the store, with the endpoint, path-style addressing and credentials the pipeline options
 * carry (no AWS settings in their environment), and the dataset equals the DirectRunner's from the
 * same inputs byte for byte. An {@code s3://} output with {@code --runner=flink} is refused before
 * any work, naming why (its staging directory would not be shared).
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
  void taskManagersReadS3InputsAndWriteWhatTheDirectRunnerWrites() throws Exception {
    S3.createBucket("kiln-flink");
    S3.upload(
        FlinkSessionCluster.repoRoot().resolve("samples/images"),
        S3Location.parse("s3://kiln-flink/raw"));

    Path direct = tmp.resolve("direct");
    KilnRuns.Run reference =
        KilnRuns.kiln(
            "prepare",
            "--input=s3://kiln-flink/raw",
            "--output=" + direct,
            "--format=webdataset",
            "--shard-size=60000",
            "--runner=direct",
            S3.endpointFlag());
    assertEquals(0, reference.code(), reference.describe());

    Path flink = tmp.resolve("flink");
    KilnRuns.Run run =
        KilnRuns.kiln(
            "prepare",
            "--input=s3://kiln-flink/raw",
            "--output=" + flink,
            "--format=webdataset",
            "--shard-size=60000",
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
            S3.endpointFlag(),
            workerCredentials());
    assertEquals(0, run.code(), run.describe());
    assertTrue(run.out().contains("7 inputs, 7 written, 0 rejected"), run.out());
    KilnRuns.assertSameDataset(direct, flink);

    KilnRuns.Run refused =
        KilnRuns.kiln(
            "prepare",
            "--input=s3://kiln-flink/raw",
            "--output=s3://kiln-flink/ds",
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
            S3.endpointFlag());
    assertEquals(ExitCode.USAGE, refused.code(), refused.describe());
    assertTrue(
        refused
            .err()
            .contains(
                "--output=s3://kiln-flink/ds: an s3:// output is written from a"
                    + " local staging directory"),
        refused.err());
  }
}
