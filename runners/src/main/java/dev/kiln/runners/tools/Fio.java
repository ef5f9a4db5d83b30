package dev.kiln.runners.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The reference point for {@code kiln bench-read}: {@code fio} random reads of the same shard
 * files, with the same block size and queue depth, so Kiln's reader can be judged against what
 * the device and kernel deliver to a C program.
 *
 * <p>O_DIRECT: {@code psync} with {@code numjobs} = threads (the same model as Kiln's reader:
 * N threads in blocking {@code pread}), time-based for a few seconds; with no page cache,
 * re-reading a block costs the same as the first read.
 *
 * <p>Buffered: one job making exactly one random pass over the files (fio's random map reads
 * every block once), {@code io_uring} at {@code iodepth} = threads (psync at 1), started with an
 * empty cache. A time-based run would re-read blocks already cached and report memory speed,
 * and N independent psync jobs would re-read each other's blocks; a single pass is what Kiln's
 * run does too (every sample once).
 */
final class Fio {
  /** What fio measured. */
  record Result(double iops, double mibPerSecond, double p50Micros, double p99Micros,
      String command) {}

  private Fio() {}

  /** True when {@code fio} is on the PATH. */
  static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "fio"))) {
        return true;
      }
    }
    return false;
  }

  /** The fio command line for these files and settings. */
  static List<String> command(List<Path> files, long blockSize, int queueDepth, boolean direct,
      int runtimeSeconds) {
    List<String> cmd = new ArrayList<>(List.of("fio", "--name=kiln-randread",
        "--filename=" + files.stream()
            // fio separates file names with ':'; a ':' inside a name is written '\:'.
            .map(p -> p.toString().replace(":", "\\:")).collect(Collectors.joining(":")),
        "--rw=randread", "--bs=" + blockSize, "--direct=" + (direct ? 1 : 0),
        "--randrepeat=0", "--invalidate=1", "--group_reporting", "--output-format=json",
        // fio would otherwise fadvise(RANDOM) and so switch off the kernel readahead that Kiln's
        // buffered reads get; the comparison is of the same system calls.
        "--fadvise_hint=0"));
    if (direct) {
      cmd.addAll(List.of("--ioengine=psync", "--numjobs=" + queueDepth, "--thread",
          "--time_based", "--runtime=" + runtimeSeconds, "--norandommap"));
    } else if (queueDepth == 1) {
      cmd.add("--ioengine=psync");
    } else {
      cmd.addAll(List.of("--ioengine=io_uring", "--iodepth=" + queueDepth));
    }
    return cmd;
  }

  /** Runs fio and parses its JSON report. */
  static Result run(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("kiln-fio", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      String stderr = Files.readString(log).strip();
      if (code != 0) {
        throw new IOException("fio exited with " + code + ": " + tail(stderr + "\n" + stdout));
      }
      // fio may print notices before the JSON document on stdout.
      int brace = stdout.indexOf('{');
      if (brace < 0) {
        throw new IOException("fio printed no JSON report: " + tail(stdout + "\n" + stderr));
      }
      JsonNode read = new ObjectMapper().readTree(stdout.substring(brace)).path("jobs").path(0)
          .path("read");
      JsonNode pct = read.path("clat_ns").path("percentile");
      return new Result(read.path("iops").asDouble(), read.path("bw_bytes").asDouble() / (1 << 20),
          pct.path("50.000000").asDouble() / 1e3, pct.path("99.000000").asDouble() / 1e3,
          String.join(" ", command));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= 400 ? t : "..." + t.substring(t.length() - 400);
  }

  /** A short description of the fio setup, for the report. */
  static String describe(List<String> command) {
    return command.stream().filter(a -> a.startsWith("--ioengine") || a.startsWith("--numjobs")
            || a.startsWith("--iodepth") || a.startsWith("--bs") || a.startsWith("--runtime"))
        .map(a -> a.substring(2)).collect(Collectors.joining(" ")).toLowerCase(Locale.ROOT);
  }
}
