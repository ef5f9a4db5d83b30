package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.formats.Manifest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  @RegisterExtension
  static final FlinkSessionCluster CLUSTER =
      new FlinkSessionCluster("session", 2, 2)
          // The web UI's metrics refresh every 10 s by default; 1 s lets a short job show them.
          .with("metrics.fetcher.update-interval", "1000");

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
        KilnRuns.prepare(
            samples,
            directPng,
            "--runner=direct",
            "--shard-size=60000",
            "--encode=png",
            "--size=128");
    assertEquals(0, b.code(), b.describe());
  }

  @Test
  @Order(1)
  void sessionClusterWritesWhatTheDirectRunnerWritesAndReportsCounters() throws Exception {
    Path output = tmp.resolve("flink-1");
    KilnRuns.Run run =
        KilnRuns.prepare(
            samples,
            output,
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
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
    assertTrue(
        report.contains("data-count=\"written\">" + manifest.written() + "<"),
        "counts in the report");
    assertTrue(
        report.contains("<b>runner</b> flink")
            && report.contains("Not recorded: the job ran on a cluster"),
        "the runner named, no images/s curve");
  }

  @Test
  @Order(2)
  void secondAndThirdJobOnTheSameTaskManagersSucceed() throws Exception {
    Path second = tmp.resolve("flink-2");
    KilnRuns.Run two =
        KilnRuns.prepare(
            samples,
            second,
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
            "--parallelism=4",
            "--shard-size=60000");
    assertEquals(0, two.code(), two.describe());
    KilnRuns.assertSameDataset(direct, second);

    // A different encoder (PNG) and size: other ImageIO providers, in yet another classloader.
    Path third = tmp.resolve("flink-3");
    KilnRuns.Run three =
        KilnRuns.prepare(
            samples,
            third,
            "--runner=flink",
            "--flink-master=" + CLUSTER.restAddress(),
            "--parallelism=3",
            "--shard-size=60000",
            "--encode=png",
            "--size=128");
    assertEquals(0, three.code(), three.describe());
    KilnRuns.assertSameDataset(directPng, third);

    assertTrue(
        CLUSTER.get("/jobs/overview").path("jobs").size() >= 2,
        "the jobs ran on this cluster: " + CLUSTER.get("/jobs/overview"));
    for (Process tm : CLUSTER.taskManagers()) {
      assertTrue(tm.isAlive(), "the same TaskManagers served every job");
    }
  }

  /**
   * What Flink's web UI shows while a Kiln job runs comes from the REST API it is drawn from: the
   * job's vertices carry Kiln's step names, and Kiln's Beam counters (namespace {@code kiln}) are
   * Flink metrics of the vertex that counts them, growing before the job ends. Live counters need
   * Beam's DataStream translation of batch jobs ({@code --useDataStreamForBatch=true}); the default
   * DataSet translation reports them only as an accumulator when the job ends
   * (RUNNING_ON_FLINK.md).
   */
  @Test
  @Order(3)
  void webUiShowsStepNamesAndKilnCountersWhileTheJobRuns() throws Exception {
    // Enough images that the job runs for several seconds, longer than the JobManager's metric
    // fetch interval (1 s on this cluster).
    Path input = tmp.resolve("many");
    int copies = 60;
    int total = 0;
    try (var photos = Files.walk(samples)) {
      List<Path> files = photos.filter(Files::isRegularFile).toList();
      for (int c = 0; c < copies; c++) {
        for (Path f : files) {
          Path target = input.resolve("copy-" + c).resolve(samples.relativize(f));
          Files.createDirectories(target.getParent());
          Files.createLink(target, f);
          total++;
        }
      }
    }
    Set<String> before = jobIds();
    CompletableFuture<KilnRuns.Run> run =
        CompletableFuture.supplyAsync(
            () ->
                KilnRuns.prepare(
                    input,
                    tmp.resolve("flink-ui"),
                    "--runner=flink",
                    "--flink-master=" + CLUSTER.restAddress(),
                    "--parallelism=2",
                    "--size=512",
                    "--encode=png",
                    "--useDataStreamForBatch=true"));

    String job = null;
    String vertexNames = "";
    long writtenWhileRunning = 0;
    Set<String> kilnMetrics = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!run.isDone() && System.nanoTime() < deadline && writtenWhileRunning == 0) {
      if (job == null) {
        job = jobIds().stream().filter(id -> !before.contains(id)).findFirst().orElse(null);
      } else {
        JsonNode detail = CLUSTER.get("/jobs/" + job);
        vertexNames = String.join(" | ", detail.path("vertices").findValuesAsText("name"));
        for (JsonNode vertex : detail.path("vertices")) {
          String metrics =
              "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
          List<String> ids = CLUSTER.get(metrics).findValuesAsText("id");
          ids.stream().filter(m -> m.contains("kiln")).forEach(kilnMetrics::add);
          for (String id : ids) {
            if (id.contains("kiln") && id.endsWith("written") && !id.contains("bytes")) {
              long sum =
                  CLUSTER
                      .get(metrics + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8))
                      .path(0)
                      .path("sum")
                      .asLong();
              if (detail.path("state").asText().equals("RUNNING") && sum > 0 && sum < total) {
                writtenWhileRunning = sum;
              }
            }
          }
        }
      }
      Thread.sleep(200);
    }
    KilnRuns.Run finished = run.get(5, TimeUnit.MINUTES);
    assertEquals(0, finished.code(), finished.describe());
    assertTrue(job != null, "the job appeared in /jobs/overview");
    for (String step : List.of("List images", "Normalize images", "Write dataset")) {
      assertTrue(vertexNames.contains(step), step + " among the vertex names: " + vertexNames);
    }
    assertTrue(
        writtenWhileRunning > 0,
        "a kiln 'written' counter between 0 and the total while the job was RUNNING; kiln metrics seen: "
            + kilnMetrics);
  }

  private static Set<String> jobIds() throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonNode job : CLUSTER.get("/jobs/overview").path("jobs")) {
      ids.add(job.path("jid").asText());
    }
    return ids;
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
