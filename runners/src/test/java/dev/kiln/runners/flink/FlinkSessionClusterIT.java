package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln jobs on a stock Flink session cluster (a JobManager and two TaskManagers with two slots
 * each, real JVMs on loopback): the output equals the DirectRunner's byte for byte, the kiln
 * counters reach the summary, and several jobs in a row on the same long-lived TaskManagers all
 * succeed - the case where a JVM-global ImageIO registry would keep the first job's classes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkSessionClusterIT {
  @RegisterExtension static final FlinkSessionCluster CLUSTER = new FlinkSessionCluster("session", 2, 2);

  @TempDir static Path tmp;

  static Path samples;
  static Path direct;
  static Path directPng;

  @BeforeAll
  static void directRunnerReference() {
    samples = FlinkSessionCluster.repoRoot().resolve("samples/images");
    direct = tmp.resolve("direct");
    directPng = tmp.resolve("direct-png");
    KilnRuns.Run a = KilnRuns.prepare(samples, direct, "--runner=direct", "--shard-size=60000");
    assertEquals(0, a.code(), a.describe());
    KilnRuns.Run b =
        KilnRuns.prepare(samples, directPng, "--runner=direct", "--shard-size=60000", "--encode=png", "--size=128");
    assertEquals(0, b.code(), b.describe());
  }

  @Test
  @Order(1)
  void sessionClusterWritesWhatTheDirectRunnerWritesAndReportsCounters() throws Exception {
    Path output = tmp.resolve("flink-1");
    KilnRuns.Run run =
        KilnRuns.prepare(samples, output, "--runner=flink", "--flink-master=" + CLUSTER.restAddress(),
            "--shard-size=60000");
    assertEquals(0, run.code(), run.describe());
    KilnRuns.assertSameDataset(direct, output);

    // The kiln counters travel back from the TaskManagers as Flink accumulators.
    Manifest manifest = Manifest.readFrom(output);
    Matcher counters = Pattern.compile("(?m)^kiln: counters: (.*)$").matcher(run.out());
    assertTrue(counters.find(), "no counters line in the summary:\n" + run.out());
    assertTrue(counters.group(1).contains("inputs=" + manifest.inputs()), counters.group(1));
    assertTrue(counters.group(1).contains("written=" + manifest.written()), counters.group(1));
    // No --parallelism: Kiln sized the job to the cluster's 4 slots.
    assertTrue(jobParallelism() >= 4, "job used the whole cluster");
    // The launcher writes the run report; the cluster's progress is not seen from it.
    assertTrue(run.out().contains("kiln: report " + output.resolve("report.html")), run.out());
    String report = Files.readString(output.resolve("report.html"));
    assertTrue(report.contains("data-count=\"written\">" + manifest.written() + "<"), "counts in the report");
    assertTrue(report.contains("<b>runner</b> flink") && report.contains("Not recorded: the job ran on a cluster"),
        "the runner named, no images/s curve");
  }

  @Test
  @Order(2)
  void secondAndThirdJobOnTheSameTaskManagersSucceed() throws Exception {
    Path second = tmp.resolve("flink-2");
    KilnRuns.Run two =
        KilnRuns.prepare(samples, second, "--runner=flink", "--flink-master=" + CLUSTER.restAddress(),
            "--parallelism=4", "--shard-size=60000");
    assertEquals(0, two.code(), two.describe());
    KilnRuns.assertSameDataset(direct, second);

    // A different encoder (PNG) and size: other ImageIO providers, in yet another classloader.
    Path third = tmp.resolve("flink-3");
    KilnRuns.Run three =
        KilnRuns.prepare(samples, third, "--runner=flink", "--flink-master=" + CLUSTER.restAddress(),
            "--parallelism=3", "--shard-size=60000", "--encode=png", "--size=128");
    assertEquals(0, three.code(), three.describe());
    KilnRuns.assertSameDataset(directPng, third);

    assertTrue(
        CLUSTER.get("/jobs/overview").path("jobs").size() >= 2,
        "the jobs ran on this cluster: " + CLUSTER.get("/jobs/overview"));
    for (Process tm : CLUSTER.taskManagers()) {
      assertTrue(tm.isAlive(), "the same TaskManagers served every job");
    }
  }

  /** The largest vertex parallelism of the latest finished job. */
  private static int jobParallelism() throws Exception {
    var jobs = CLUSTER.get("/jobs/overview").path("jobs");
    String latest = null;
    long start = -1;
    for (var job : jobs) {
      if (job.path("start-time").asLong() > start) {
        start = job.path("start-time").asLong();
        latest = job.path("jid").asText();
      }
    }
    int max = 0;
    for (var vertex : CLUSTER.get("/jobs/" + latest).path("vertices")) {
      max = Math.max(max, vertex.path("parallelism").asInt());
    }
    return max;
  }
}
