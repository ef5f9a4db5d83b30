package dev.kiln.runners.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runner benchmark behind {@code runners/bench/bench-runners.sh}: the same {@code kiln prepare}
 * job on {@code local}, {@code direct}, {@code flink-local} and a Flink session cluster (one
 * TaskManager with 2 slots), in interleaved rounds, each run a fresh {@code ./kiln} process
 * (start-up and, for the cluster, submission included); then the scale-out pair: a cluster of one
 * TaskManager pinned to core 0 against one of two TaskManagers pinned to cores 0 and 1, each with a
 * slot and private temporary directories. Prints per run the wall time, images/s, CPU time (the
 * launcher's, plus the TaskManagers' for cluster runs), peak RSS (the launcher's; the TaskManager's
 * for cluster runs), the steady-state rate where the run shows progress, and a digest of the shards
 * and index; then medians and ratios to {@code local}.
 *
 * <p>A main, not a test: figures belong in benchmarks, run on a quiet machine.
 */
public final class RunnersBenchmark {
  private static final Pattern PROGRESS =
      Pattern.compile("kiln: (\\d+)/(\\d+) images .* (\\d+) s$");
  private static final Pattern DONE = Pattern.compile("kiln: done: (\\d+) inputs");

  private final Path repo;
  private final Path corpus;
  private final Path work;

  private RunnersBenchmark(Path repo, Path corpus, Path work) {
    this.repo = repo;
    this.corpus = corpus;
    this.work = work;
  }

  /** One run's figures. */
  record Run(
      String runner,
      double wall,
      int inputs,
      double cpu,
      long rssKb,
      double steady,
      String digest) {
    double rate() {
      return inputs / wall;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: RunnersBenchmark CORPUS WORK_DIR [ROUNDS]");
      System.exit(2);
    }
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    RunnersBenchmark bench =
        new RunnersBenchmark(
            FlinkSessionCluster.repoRoot(),
            Path.of(args[0]).toAbsolutePath(),
            Files.createDirectories(Path.of(args[1]).toAbsolutePath()));
    bench.warmUp();
    bench.runners(rounds);
    bench.scaleOut(rounds);
  }

  /**
   * One small local run first: the build that precedes the benchmark renews the launcher's
   * class-data archive, which the first run after it writes (a second or so of its time).
   */
  private void warmUp() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                repo.resolve("kiln").toString(),
                "prepare",
                "--input=" + repo.resolve("samples/images"),
                "--output=" + work.resolve("warm-up"),
                "--overwrite")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("log-warm-up.txt").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "the warm-up run failed; see " + work.resolve("log-warm-up.txt"));
    }
  }

  private void runners(int rounds) throws Exception {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    try (FlinkSessionCluster cluster = cluster("bench-1tm-2slots", 2, 1)) {
      cluster.start();
      for (int round = 1; round <= rounds; round++) {
        for (String runner : List.of("local", "direct", "flink-local", "cluster")) {
          Run run =
              runner.equals("cluster")
                  ? prepare(
                      "cluster",
                      List.of(
                          "--runner=flink",
                          "--flink-master=" + cluster.restAddress(),
                          "--parallelism=2"),
                      cluster)
                  : prepare(runner, List.of("--runner=" + runner, "--parallelism=2"), null);
          runs.computeIfAbsent(runner, r -> new ArrayList<>()).add(run);
          print(round, run);
        }
      }
    }
    double local = median(runs.get("local").stream().mapToDouble(Run::rate).toArray());
    String localDigest = runs.get("local").get(0).digest();
    System.out.println();
    System.out.println(
        "runner        median wall  median images/s  vs local  median CPU  max RSS  steady images/s  same shards");
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Run> r = e.getValue();
      double rate = median(r.stream().mapToDouble(Run::rate).toArray());
      System.out.printf(
          Locale.ROOT,
          "%-12s  %9.1f s  %15.1f  %7.2fx  %8.1f s  %5d MB  %15s  %s%n",
          e.getKey(),
          median(r.stream().mapToDouble(Run::wall).toArray()),
          rate,
          rate / local,
          median(r.stream().mapToDouble(Run::cpu).toArray()),
          r.stream().mapToLong(Run::rssKb).max().orElse(0) / 1024,
          r.get(0).steady() > 0
              ? String.format(
                  Locale.ROOT, "%.1f", median(r.stream().mapToDouble(Run::steady).toArray()))
              : "n/a",
          r.stream().allMatch(x -> x.digest().equals(localDigest)) ? "yes" : "NO");
    }
  }

  private void scaleOut(int rounds) throws Exception {
    List<Run> one = new ArrayList<>();
    List<Run> two = new ArrayList<>();
    try (FlinkSessionCluster single = cluster("bench-1tm-core0", 1, 1).pinTaskManagers("0");
        FlinkSessionCluster pair =
            cluster("bench-2tm-core0-core1", 1, 2).pinTaskManagers("0", "1")) {
      single.start();
      pair.start();
      System.out.println();
      System.out.println(
          "scale-out: 1 TaskManager pinned to core 0 vs 2 pinned to cores 0 and 1, 1 slot each");
      for (int round = 1; round <= rounds; round++) {
        Run a =
            prepare(
                "1tm-1core",
                List.of(
                    "--runner=flink", "--flink-master=" + single.restAddress(), "--parallelism=1"),
                single);
        print(round, a);
        one.add(a);
        Run b =
            prepare(
                "2tm-2cores",
                List.of(
                    "--runner=flink", "--flink-master=" + pair.restAddress(), "--parallelism=2"),
                pair);
        print(round, b);
        two.add(b);
      }
    }
    double ratio =
        median(two.stream().mapToDouble(Run::rate).toArray())
            / median(one.stream().mapToDouble(Run::rate).toArray());
    double[] perRound = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      perRound[i] = two.get(i).rate() / one.get(i).rate();
    }
    System.out.printf(
        Locale.ROOT,
        "scale-out: 2 TaskManagers / 1 = %.2fx (ratio of medians), %.2fx (median of rounds), same shards: %s%n",
        ratio,
        median(perRound),
        one.get(0).digest().equals(two.get(0).digest()) ? "yes" : "NO");
  }

  private FlinkSessionCluster cluster(String name, int slots, int taskManagers) {
    // 1 GB of task heap per slot, as docs/RUNNING_ON_FLINK.md recommends.
    return new FlinkSessionCluster(name, taskManagers, slots)
        .with("taskmanager.memory.task.heap.size", slots + "g")
        .with("taskmanager.memory.process.size", (slots * 1024 + 1600) + "m");
  }

  /** One {@code ./kiln prepare} of the corpus, timed by {@code /usr/bin/time}. */
  private Run prepare(String label, List<String> runnerArgs, FlinkSessionCluster cluster)
      throws IOException, InterruptedException {
    Path out = work.resolve("out-" + label);
    Path timing = work.resolve("time-" + label + ".txt");
    Path log = work.resolve("log-" + label + ".txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/time",
                "-f",
                "%e %U %S %M",
                "-o",
                timing.toString(),
                repo.resolve("kiln").toString(),
                "prepare",
                "--input=" + corpus,
                "--output=" + out,
                "--overwrite"));
    command.addAll(runnerArgs);
    long tmTicks = cluster == null ? 0 : taskManagerTicks(cluster);
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = p.waitFor();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (code != 0) {
      throw new IllegalStateException(label + " exited " + code + ":\n" + output);
    }
    String[] t = Files.readString(timing).trim().split("\\s+");
    double cpu = Double.parseDouble(t[1]) + Double.parseDouble(t[2]);
    long rss = Long.parseLong(t[3]);
    if (cluster != null) {
      cpu += (taskManagerTicks(cluster) - tmTicks) / 100.0; // USER_HZ
      rss = taskManagerPeakRssKb(cluster);
    }
    return new Run(
        label, Double.parseDouble(t[0]), inputs(output), cpu, rss, steadyRate(output), digest(out));
  }

  private static int inputs(String output) {
    Matcher m = DONE.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no summary line in:\n" + output);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Images/s between the progress lines past 10% and before 90% of the inputs; 0 without. */
  static double steadyRate(String output) {
    long n0 = -1;
    long s0 = 0;
    long n1 = -1;
    long s1 = 0;
    for (String line : output.lines().toList()) {
      Matcher m = PROGRESS.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      long n = Long.parseLong(m.group(1));
      long total = Long.parseLong(m.group(2));
      long s = Long.parseLong(m.group(3));
      if (n0 < 0 && n >= total / 10) {
        n0 = n;
        s0 = s;
      } else if (n0 >= 0 && n <= total * 9 / 10) {
        n1 = n;
        s1 = s;
      }
    }
    return n0 >= 0 && n1 > n0 && s1 > s0 ? (double) (n1 - n0) / (s1 - s0) : 0;
  }

  private static long taskManagerTicks(FlinkSessionCluster cluster) throws IOException {
    long ticks = 0;
    for (Process tm : cluster.taskManagers()) {
      // /proc/PID/stat: fields 14 and 15 (utime, stime) after the command name in parentheses.
      String stat = Files.readString(Path.of("/proc", Long.toString(tm.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks;
  }

  static long taskManagerPeakRssKb(FlinkSessionCluster cluster) throws IOException {
    long max = 0;
    for (Process tm : cluster.taskManagers()) {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(tm.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          max = Math.max(max, Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    }
    return max;
  }

  /** SHA-256 over the shard files and index, by name. */
  private static String digest(Path dataset) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(dataset)) {
      for (Path f :
          files
              .filter(f -> f.getFileName().toString().matches("shard-\\d+\\..*|index\\.kidx"))
              .sorted()
              .toList()) {
        sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(f));
      }
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  private static void print(int round, Run r) {
    System.out.printf(
        Locale.ROOT,
        "round %d  %-11s  %6.1f s  %6.1f images/s  CPU %6.1f s  RSS %5d MB  steady %6s  shards %s%n",
        round,
        r.runner(),
        r.wall(),
        r.rate(),
        r.cpu(),
        r.rssKb() / 1024,
        r.steady() > 0 ? String.format(Locale.ROOT, "%.1f", r.steady()) : "n/a",
        r.digest());
    System.out.flush();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
