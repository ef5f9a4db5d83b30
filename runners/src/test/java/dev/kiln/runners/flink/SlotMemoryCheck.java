package dev.kiln.runners.flink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.formats.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory-per-slot check behind {@code runners/bench/bench-slot-memory.sh}: a Flink session
 * cluster of one TaskManager with 2 slots and 1 GB of task heap per slot (the rule in
 * docs/RUNNING_ON_FLINK.md) prepares an input folder that holds very large images beside a whole
 * corpus. The check passes when the job succeeds, every input is written, and no image is rejected
 * {@code out-of-memory}; it prints the TaskManager's peak heap use (polled from Flink's REST
 * metrics every 500 ms) and peak RSS.
 *
 * <p>A main, not a test: it needs the benchmark corpus and minutes of a cluster.
 */
public final class SlotMemoryCheck {
  private SlotMemoryCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: SlotMemoryCheck INPUT_DIR WORK_DIR");
    }
    Path input = Path.of(args[0]).toAbsolutePath();
    Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
    Path repo = FlinkSessionCluster.repoRoot();
    int slots = 2;
    try (FlinkSessionCluster cluster =
        new FlinkSessionCluster("slot-memory", 1, slots)
            .with("taskmanager.memory.task.heap.size", slots + "g")
            .with("taskmanager.memory.process.size", (slots * 1024 + 1600) + "m")) {
      cluster.start();
      String taskManager =
          cluster.get("/taskmanagers").path("taskmanagers").get(0).path("id").asText();
      AtomicLong peakHeap = new AtomicLong();
      Thread poller = new Thread(() -> pollHeap(cluster, taskManager, peakHeap), "heap-poller");
      poller.setDaemon(true);
      poller.start();

      Path out = work.resolve("out");
      Path log = work.resolve("log.txt");
      List<String> command =
          new ArrayList<>(
              List.of(
                  repo.resolve("kiln").toString(),
                  "prepare",
                  "--input=" + input,
                  "--output=" + out,
                  "--overwrite",
                  "--runner=flink",
                  "--flink-master=" + cluster.restAddress(),
                  "--parallelism=" + slots));
      long start = System.nanoTime();
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      int code = p.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      poller.interrupt();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      JsonNode heap = cluster.get("/taskmanagers/" + taskManager);
      long heapMax =
          heap.path("memoryConfiguration").path("taskHeap").asLong()
              + heap.path("memoryConfiguration").path("frameworkHeap").asLong();
      long rssKb = RunnersBenchmark.taskManagerPeakRssKb(cluster);

      System.out.printf(Locale.ROOT, "job: exit %d in %.1f s (log %s)%n", code, seconds, log);
      System.out.printf(
          Locale.ROOT,
          "TaskManager: %d slots, heap %d MB (task + framework), peak heap used %d MB, peak RSS %d MB%n",
          slots,
          heapMax >> 20,
          peakHeap.get() >> 20,
          rssKb / 1024);
      if (code != 0) {
        throw new IllegalStateException("FAILED: the job exited " + code + ":\n" + output);
      }
      Manifest manifest = Manifest.readFrom(out);
      long oom = manifest.rejectedByReason().getOrDefault("out-of-memory", 0L);
      System.out.printf(
          Locale.ROOT,
          "inputs %d, written %d, rejected %d (by reason %s)%n",
          manifest.inputs(),
          manifest.written(),
          manifest.rejected(),
          manifest.rejectedByReason());
      boolean ok = oom == 0 && manifest.written() == manifest.inputs();
      if (!ok) {
        throw new IllegalStateException(
            "FAILED: "
                + oom
                + " out-of-memory rejects, "
                + manifest.rejected()
                + " rejects in all");
      }
      System.out.println("OK: every input written, no out-of-memory reject");
    }
  }

  private static void pollHeap(FlinkSessionCluster cluster, String taskManager, AtomicLong peak) {
    String path = "/taskmanagers/" + taskManager + "/metrics?get=Status.JVM.Memory.Heap.Used";
    while (!Thread.currentThread().isInterrupted()) {
      try {
        for (JsonNode metric : cluster.get(path)) {
          peak.accumulateAndGet(metric.path("value").asLong(), Math::max);
        }
        TimeUnit.MILLISECONDS.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        // The REST endpoint may be busy for a moment; the next poll tries again.
      }
    }
  }
}
