package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.webdataset.WebDatasetReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager killed with SIGKILL in the middle of a Kiln job: the cluster's fixed-delay restart
 * strategy reruns the job on a replacement TaskManager, and the published dataset holds every input
 * exactly once - the same bytes a DirectRunner run of the same input writes.
 */
class FlinkFailoverIT {
  /** Inputs: enough large JPEGs that the job runs well past the kill on two cores. */
  private static final int INPUTS = 900;

  private static final int DISTINCT = 12;

  @RegisterExtension
  static final FlinkSessionCluster CLUSTER = new FlinkSessionCluster("failover", 2, 1);

  @TempDir Path tmp;

  @Test
  void jobSurvivesAKilledTaskManagerAndWritesEveryInputOnce() throws Exception {
    Path input = tmp.resolve("input");
    Set<String> keys = generateInputs(input);
    Path output = tmp.resolve("flink");

    CompletableFuture<KilnRuns.Run> job =
        CompletableFuture.supplyAsync(
            () ->
                KilnRuns.prepare(
                    input,
                    output,
                    "--runner=flink",
                    "--flink-master=" + CLUSTER.restAddress(),
                    "--parallelism=2",
                    "--shard-size=4000000"));

    String jid = awaitDecodingRunning(job, Duration.ofMinutes(3));
    Thread.sleep(4000);
    assertFalse(job.isDone(), "the job must still be running when the TaskManager dies");
    long killed = CLUSTER.taskManagers().get(0).pid();
    CLUSTER.killTaskManager(0);
    System.out.println("FlinkFailoverIT: killed TaskManager pid " + killed + " during job " + jid);
    // The job needs both slots again to restart; a replacement joins like a rescheduled worker.
    CLUSTER.startTaskManager();

    KilnRuns.Run run = job.get(15, TimeUnit.MINUTES);
    assertEquals(0, run.code(), run.describe());

    JsonNode exceptions = CLUSTER.get("/jobs/" + jid + "/exceptions");
    assertTrue(
        exceptions.path("exceptionHistory").path("entries").size() > 0,
        "the job saw the TaskManager's loss and restarted: " + exceptions);
    assertEquals("FINISHED", CLUSTER.get("/jobs/" + jid).path("state").asText());

    Manifest manifest = Manifest.readFrom(output);
    assertEquals(INPUTS, manifest.inputs(), "counts.inputs");
    assertEquals(INPUTS, manifest.written() + manifest.rejected(), "written + rejected");
    assertEquals(0, manifest.rejected(), "valid JPEGs only: " + manifest.rejectedByReason());
    // members() fails on a member that appears twice, so this also proves no duplicates.
    Set<String> members = WebDatasetReader.members(output).keySet();
    Set<String> written =
        members.stream()
            .map(m -> m.substring(0, m.lastIndexOf('.')))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(keys, written, "every input key exactly once");
    assertEquals(2L * INPUTS, members.size(), "a .jpg and a .json per sample");
    for (ShardFile shard : manifest.shards()) {
      assertEquals(shard.sha256(), sha256(output.resolve(shard.name())), shard.name());
    }
    try (Stream<Path> files = Files.list(output)) {
      Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertTrue(
          names.stream()
              .allMatch(
                  n ->
                      n.endsWith(".tar")
                          || n.equals("manifest.json")
                          || n.equals("rejects")
                          || n.equals("catalog.parquet")
                          || n.equals("inputs.jsonl")
                          || n.equals("run.json")
                          || n.equals("report.html")),
          "nothing left over from the failed attempt: " + names);
    }

    // A restarted job is the same job: byte-identical to an undisturbed DirectRunner run.
    Path direct = tmp.resolve("direct");
    KilnRuns.Run reference =
        KilnRuns.prepare(input, direct, "--runner=direct", "--shard-size=4000000");
    assertEquals(0, reference.code(), reference.describe());
    KilnRuns.assertSameDataset(direct, output);
  }

  /** The job id, once its decoding operator runs on the cluster. */
  private static String awaitDecodingRunning(CompletableFuture<KilnRuns.Run> job, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (job.isDone()) {
        throw new AssertionError(
            "the job ended before it could be disturbed: " + job.get().describe());
      }
      for (JsonNode j : CLUSTER.get("/jobs/overview").path("jobs")) {
        if (!j.path("state").asText().equals("RUNNING")) {
          continue;
        }
        String jid = j.path("jid").asText();
        for (JsonNode v : CLUSTER.get("/jobs/" + jid).path("vertices")) {
          if (v.path("name").asText().contains("Decode")
              && v.path("status").asText().equals("RUNNING")) {
            return jid;
          }
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the job's decoding never started within " + timeout);
  }

  /**
   * {@value #INPUTS} JPEGs of 2000x1500 in subdirectories: {@value #DISTINCT} distinct pictures
   * (smooth gradients with a per-picture pattern, cheap to make but full-size to decode), copied
   * under different names. Returns the keys Kiln gives them (relative path without extension).
   */
  private static Set<String> generateInputs(Path dir) throws IOException {
    Path originals = dir.resolveSibling("originals");
    Files.createDirectories(originals);
    for (int i = 0; i < DISTINCT; i++) {
      BufferedImage image = new BufferedImage(2000, 1500, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int r = (x * 255 / 2000 + i * 20) & 0xff;
          int g = (y * 255 / 1500) & 0xff;
          int b = ((x ^ y) * (i + 1)) & 0xff;
          image.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
      ImageIO.write(image, "jpeg", originals.resolve(i + ".jpg").toFile());
    }
    Set<String> keys = new TreeSet<>();
    for (int n = 0; n < INPUTS; n++) {
      String key = String.format("part-%d/img-%04d", n % 10, n);
      Path file = dir.resolve(key + ".jpg");
      Files.createDirectories(file.getParent());
      Files.copy(originals.resolve((n % DISTINCT) + ".jpg"), file);
      keys.add(key);
    }
    return keys;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
  }
}
