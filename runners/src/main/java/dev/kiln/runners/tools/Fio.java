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
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The reference point for {@code kiln bench-read}: {@code fio} random reads of the same shard
 * files, with the same mix of block sizes as Kiln's reads ({@link #blockSizeMix}) and the same
 * queue depth, so Kiln's reader can be judged against what the device and kernel deliver to a C
 * program doing the same I/O.
 *
 * <p>O_DIRECT: {@code psync} with {@code numjobs} = threads (the same model as Kiln's reader: N
 * threads in blocking {@code pread}) making as many reads in all as Kiln does ({@code number_ios}
 * per job), at random offsets. Equal counts matter on a virtual disk: a time-based run re-read each
 * block a dozen times where Kiln read it twice, and a host that caches the disk image serves
 * re-reads faster.
 *
 * <p>Buffered: one job making as many reads as Kiln at random offsets, each block at most once
 * (fio's random map), {@code io_uring} at {@code iodepth} = threads (psync at 1), started with an
 * empty cache. A time-based run would re-read blocks already cached and report memory speed, and N
 * independent psync jobs would re-read each other's blocks. The count matters as much: late in a
 * whole pass most reads land beside blocks already read, and the kernel serves part of them from
 * the page cache (Kiln reading all 198,160 samples of a dataset took 0.73 device reads a sample),
 * so a whole pass of fio against Kiln reading a tenth of the samples compared fio's partly cached
 * reads with Kiln's cold ones (0.62x where equal counts give 0.98-1.09x).
 */
final class Fio {
  /** What fio measured. */
  record Result(
      double iops, double mibPerSecond, double p50Micros, double p99Micros, String command) {}

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

  /** fio's limit on {@code bssplit} entries. */
  private static final int MAX_SPLITS = 64;

  /**
   * The block sizes Kiln reads, as fio's {@code bssplit} value ({@code size/percent:...}): Kiln
   * reads each record's whole aligned window, so its reads are not one size. With the whole
   * distribution fio moves the same bytes per I/O; with only the median it would read less per I/O
   * than Kiln on a device limited by bandwidth. Percentages are whole numbers (largest remainders),
   * so sizes under half a percent are dropped, which favours fio slightly.
   *
   * @param windows every record's aligned read window in bytes, sorted ascending
   */
  static String blockSizeMix(int[] windows) {
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (int w : windows) {
      counts.merge(w, 1, Integer::sum);
    }
    List<Integer> sizes = new ArrayList<>(counts.keySet());
    int n = windows.length;
    int[] percent = new int[sizes.size()];
    double[] remainder = new double[sizes.size()];
    int given = 0;
    for (int i = 0; i < sizes.size(); i++) {
      double exact = 100.0 * counts.get(sizes.get(i)) / n;
      percent[i] = (int) exact;
      remainder[i] = exact - percent[i];
      given += percent[i];
    }
    while (given < 100) {
      int best = 0;
      for (int i = 1; i < remainder.length; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      percent[best]++;
      remainder[best] = -1;
      given++;
    }
    List<int[]> kept = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      if (percent[i] > 0) {
        kept.add(new int[] {sizes.get(i), percent[i]});
      }
    }
    // Beyond fio's limit, fold the rarest sizes into the next larger kept size.
    while (kept.size() > MAX_SPLITS) {
      int rarest = 0;
      for (int i = 1; i < kept.size() - 1; i++) {
        if (kept.get(i)[1] < kept.get(rarest)[1]) {
          rarest = i;
        }
      }
      kept.get(rarest + 1)[1] += kept.get(rarest)[1];
      kept.remove(rarest);
    }
    return kept.stream().map(k -> k[0] + "/" + k[1]).collect(Collectors.joining(":"));
  }

  /** The mean block size of a {@link #blockSizeMix} value. */
  static double meanBlockSize(String mix) {
    double sum = 0;
    for (String part : mix.split(":")) {
      String[] sp = part.split("/");
      sum += Double.parseDouble(sp[0]) * Double.parseDouble(sp[1]) / 100;
    }
    return sum;
  }

  /**
   * The fio command line for these files and settings.
   *
   * @param blockSizes a {@link #blockSizeMix} value
   * @param reads how many reads Kiln makes; fio makes as many (O_DIRECT: split over its jobs)
   * @param runtimeSeconds upper bound on the O_DIRECT run's time
   */
  static List<String> command(
      List<Path> files,
      String blockSizes,
      int queueDepth,
      boolean direct,
      long reads,
      int runtimeSeconds) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "fio",
                "--name=kiln-randread",
                "--filename="
                    + files.stream()
                        // fio separates file names with ':'; a ':' inside a name is written '\:'.
                        .map(p -> p.toString().replace(":", "\\:"))
                        .collect(Collectors.joining(":")),
                "--rw=randread",
                "--bssplit=" + blockSizes,
                "--direct=" + (direct ? 1 : 0),
                "--randrepeat=0",
                "--invalidate=1",
                "--group_reporting",
                "--output-format=json",
                // fio would otherwise fadvise(RANDOM) and so switch off the kernel readahead that
                // Kiln's
                // buffered reads get; the comparison is of the same system calls.
                "--fadvise_hint=0"));
    if (direct) {
      long perJob = Math.max(1, (reads + queueDepth - 1) / queueDepth);
      // io_size far beyond the files lets number_ios, not the file size, end each job.
      cmd.addAll(
          List.of(
              "--ioengine=psync",
              "--numjobs=" + queueDepth,
              "--thread",
              "--number_ios=" + perJob,
              "--io_size=1T",
              "--runtime=" + runtimeSeconds,
              "--norandommap"));
    } else {
      cmd.add("--number_ios=" + Math.max(1, reads));
      if (queueDepth == 1) {
        cmd.add("--ioengine=psync");
      } else {
        cmd.addAll(List.of("--ioengine=io_uring", "--iodepth=" + queueDepth));
      }
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
      JsonNode read =
          new ObjectMapper().readTree(stdout.substring(brace)).path("jobs").path(0).path("read");
      JsonNode pct = read.path("clat_ns").path("percentile");
      return new Result(
          read.path("iops").asDouble(),
          read.path("bw_bytes").asDouble() / (1 << 20),
          pct.path("50.000000").asDouble() / 1e3,
          pct.path("99.000000").asDouble() / 1e3,
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
    return command.stream()
        .filter(
            a ->
                a.startsWith("--ioengine")
                    || a.startsWith("--numjobs")
                    || a.startsWith("--iodepth")
                    || a.startsWith("--number_ios"))
        .map(a -> a.substring(2))
        .collect(Collectors.joining(" "))
        .toLowerCase(Locale.ROOT);
  }
}
