package dev.kiln.runners.tools;

import com.sun.nio.file.ExtendedOpenOption;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.EpochOrder;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.ReadBenchmark;
import dev.kiln.formats.kiln.ReadOptions;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.formats.webdataset.WebDatasetShardWriter;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kiln bench-read DIR}: random-order reads of a kiln-format dataset the way training reads
 * it (N long-lived threads, a fresh random order, every sample once), measured from an empty page
 * cache, and compared with what {@code fio} gets from the same shard files with the same block size
 * and queue depth. With {@code --compare}, the same samples in the same order are also read as one
 * file per sample and as members of a WebDataset tar (positional reads through an in-memory offset
 * index), and reported as ratios to Kiln.
 *
 * <p>With {@code --ranks P}, the read is shaped like training on P servers: one epoch in {@link
 * EpochOrder}, each rank reading its share with {@code --threads} threads, by Kiln's Java reader (P
 * groups of threads in this JVM) and by P processes of the Python reader ({@link PythonRanks}),
 * against fio at the same total queue depth.
 *
 * <p>Every measured run is preceded by warm-up reads (two seconds by default; JIT) and then a
 * page-cache drop, so buffered figures are device reads, not memory copies.
 */
public final class BenchReadCommand {
  static final String USAGE =
      "kiln bench-read DIR [--threads N] [--samples N] [--direct]"
          + " [--seed S] [--compare] [--no-fio] [--fio-runtime SECONDS] [--work-dir DIR]"
          + " [--warmup SECONDS] [--rounds N] [--no-drop-caches] [--ranks P [--python PYTHON]"
          + " [--no-python]]";
  private static final int WARMUP_SAMPLES = 2000;

  /**
   * Warm-up runs repeat for at least this long (--warmup): the first tens of thousands of reads run
   * in code C2 has not compiled yet, and a first-measured reader would otherwise look up to 40%
   * slower than the same code measured later in the same JVM.
   */
  private static final long DEFAULT_WARMUP_SECONDS = 2;

  private final PrintStream out;
  private final PrintStream err;
  private boolean dropCaches;
  private long warmupNanos;
  private String dropRefused;

  public BenchReadCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** One measured way of reading the samples. */
  private record Row(
      String name,
      double perSecond,
      double mibPerSecond,
      double p50Micros,
      double p99Micros,
      String note) {}

  /** Runs the command and returns its exit code. */
  public int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(help());
      return ExitCode.OK;
    }
    if (ObjectStoreDatasetTools.locationIn(args) != null) {
      return ObjectStoreDatasetTools.benchRead(args, out, err);
    }
    Path dir;
    int threads;
    int samples;
    long seed;
    int fioRuntime;
    int rounds;
    boolean direct;
    boolean compare;
    boolean fio;
    Path workParent;
    int ranks;
    String python;
    KilnDataset ds;
    try {
      ToolArguments a =
          ToolArguments.parse(
              args,
              Set.of(
                  "threads",
                  "samples",
                  "seed",
                  "fio-runtime",
                  "work-dir",
                  "warmup",
                  "rounds",
                  "ranks",
                  "python"),
              Set.of("direct", "compare", "no-fio", "no-drop-caches", "no-python"));
      dir = a.directory(USAGE);
      ranks = a.has("ranks") ? (int) a.number("ranks", 1, 1, 1024) : 0;
      threads = (int) a.number("threads", ranks > 0 ? 8 : 32, 1, 4096);
      python =
          a.flag("no-python")
              ? null
              : a.has("python")
                  ? a.string("python", "")
                  : System.getenv().getOrDefault("KILN_PYTHON", "python3");
      if (ranks > 0 && (a.has("samples") || a.flag("compare"))) {
        throw new UsageException(
            "--ranks reads one whole epoch: --samples and --compare do not" + " apply");
      }
      seed = a.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
      fioRuntime = (int) a.number("fio-runtime", 120, 1, 3600);
      rounds = (int) a.number("rounds", 3, 1, 100);
      warmupNanos = a.number("warmup", DEFAULT_WARMUP_SECONDS, 0, 600) * 1_000_000_000L;
      direct = a.flag("direct");
      compare = a.flag("compare");
      fio = !a.flag("no-fio");
      dropCaches = !a.flag("no-drop-caches");
      workParent = a.has("work-dir") ? Path.of(a.string("work-dir", "")) : null;
      if (workParent != null && !Files.isDirectory(workParent)) {
        throw new UsageException("--work-dir=" + workParent + ": not a directory");
      }
      DatasetDirectory d = DatasetDirectory.open(dir);
      if (!d.isKiln()) {
        throw new UsageException(
            dir
                + ": bench-read reads kiln-format datasets, this one is "
                + (d.format() == null ? "not a Kiln dataset" : d.format()));
      }
      ds = KilnDataset.open(dir, ReadOptions.defaults().withDirectIo(direct));
      samples = (int) a.number("samples", ds.size(), 1, Integer.MAX_VALUE);
      if (ds.size() == 0) {
        ds.close();
        throw new UsageException(dir + ": the dataset has no samples");
      }
    } catch (UsageException e) {
      err.println("kiln bench-read: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (IOException | RuntimeException e) {
      err.println(
          "kiln bench-read: "
              + dir(args)
              + ": "
              + e.getMessage()
              + " (kiln verify lists every problem)");
      return ExitCode.FAILED;
    }
    try (ds) {
      if (ranks > 0) {
        return benchRanks(ds, ranks, threads, seed, direct, fio, fioRuntime, rounds, python);
      }
      return bench(
          ds, threads, samples, seed, direct, compare, fio, fioRuntime, rounds, workParent);
    } catch (IOException | RuntimeException e) {
      err.println("kiln bench-read: " + dir + ": " + e.getMessage());
      return ExitCode.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("kiln bench-read: interrupted");
      return ExitCode.FAILED;
    }
  }

  private static String dir(List<String> args) {
    return args.stream().filter(s -> !s.startsWith("--")).findFirst().orElse("");
  }

  private int bench(
      KilnDataset ds,
      int threads,
      int samples,
      long seed,
      boolean direct,
      boolean compare,
      boolean fio,
      int fioRuntime,
      int rounds,
      Path workParent)
      throws IOException, InterruptedException {
    DatasetIndex ix = ds.index();
    InspectCommand.KilnSpace space = InspectCommand.KilnSpace.of(ix);
    boolean reallyDirect = ds.directIo();
    out.printf(
        "kiln bench-read %s: %d of %d samples in random order (seed %d), %d thread%s"
            + " (queue depth %d), %s%n",
        ds.directory(),
        samples,
        ds.size(),
        seed,
        threads,
        threads == 1 ? "" : "s",
        threads,
        reallyDirect ? "O_DIRECT" : "buffered");
    ds.directIoFallback().ifPresent(f -> out.println("note: " + f));
    if (samples > ds.size() && !reallyDirect) {
      out.println(
          "note: --samples exceeds the dataset; repeated samples may come from the page"
              + " cache");
    }
    List<Row> rows = new ArrayList<>();
    boolean failed = false;

    // Kiln (the dataset's own reader: one positional read + checksum per sample) and fio on the
    // same shard files, in interleaved rounds: the device's speed drifts over seconds (other
    // tenants, flash housekeeping), and pairing each Kiln run with the fio run next to it
    // compares the two under the same conditions.
    String blockSizes = Fio.blockSizeMix(space.windows());
    List<String> fioCommand = null;
    if (fio) {
      List<Path> shards = new ArrayList<>();
      for (int s = 0; s < ix.shardCount(); s++) {
        shards.add(ds.directory().resolve(ix.shardFileName(s)));
      }
      fioCommand = Fio.command(shards, blockSizes, threads, reallyDirect, samples, fioRuntime);
      if (!Fio.available()) {
        out.println(
            "fio: not found on PATH (Debian/Ubuntu: apt-get install fio); no fio"
                + " comparison (--no-fio skips it)");
        failed = true;
        fioCommand = null;
      }
    }
    boolean fioWorks = fioCommand != null;
    long until = System.nanoTime() + warmupNanos;
    do {
      ReadBenchmark.run(ds, threads, Math.min(samples, WARMUP_SAMPLES), seed, false);
    } while (System.nanoTime() < until);
    List<ReadBenchmark.Result> kilnRuns = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    List<Fio.Result> fioRuns = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      drop();
      Optional<DiskStats.Snapshot> before = DiskStats.read();
      ReadBenchmark.Result k = ReadBenchmark.run(ds, threads, samples, seed + round - 1, false);
      Optional<DiskStats.Snapshot> after = DiskStats.read();
      kilnRuns.add(k);
      String device = "";
      if (before.isPresent() && after.isPresent()) {
        DiskStats.Snapshot d = after.get().minus(before.get());
        device =
            String.format(
                "; device: %.2f reads, %s per sample",
                (double) d.reads() / samples, DatasetDirectory.bytes(d.bytes() / samples));
      }
      devices.add(device);
      String line = String.format("round %d: kiln %.0f samples/s", round, k.samplesPerSecond());
      if (fioWorks) {
        drop();
        try {
          Fio.Result f = Fio.run(fioCommand);
          fioRuns.add(f);
          ratios.add(k.samplesPerSecond() / f.iops());
          line +=
              String.format(
                  ", fio %.0f IOPS, kiln/fio %.2f", f.iops(), ratios.get(ratios.size() - 1));
        } catch (IOException e) {
          out.println("fio: failed: " + e.getMessage());
          failed = true;
          fioWorks = false;
        }
      }
      if (rounds > 1) {
        out.println(line);
      }
    }
    int middle =
        medianIndex(
            kilnRuns.stream().mapToDouble(ReadBenchmark.Result::samplesPerSecond).toArray());
    ReadBenchmark.Result kiln = kilnRuns.get(middle);
    rows.add(
        row(
            "kiln",
            kiln,
            String.format(
                "%.2f preads/sample%s%s",
                (double) kiln.readCalls() / Math.max(1, kiln.samples()),
                devices.get(middle),
                rounds > 1 ? "; median round" : "")));
    if (!fioRuns.isEmpty()) {
      Fio.Result f =
          fioRuns.get(medianIndex(fioRuns.stream().mapToDouble(Fio.Result::iops).toArray()));
      rows.add(
          new Row(
              "fio",
              f.iops(),
              f.mibPerSecond(),
              f.p50Micros(),
              f.p99Micros(),
              "IOPS; "
                  + Fio.describe(fioCommand)
                  + String.format(
                      "; mean block %s",
                      DatasetDirectory.bytes((long) Fio.meanBlockSize(blockSizes)))));
    }

    // One file per sample and tar members, same samples, same order.
    Comparison cmp = null;
    if (compare) {
      Path parent =
          workParent != null ? workParent : ds.directory().toAbsolutePath().normalize().getParent();
      Path work = Files.createTempDirectory(parent, "." + ds.directory().getFileName() + ".bench-");
      try {
        out.println("compare: writing the samples as files and as a tar under " + work);
        Comparison c =
            Comparison.build(
                ds, ReadBenchmark.permutation(ds.size(), samples, seed), work, reallyDirect);
        try (c) {
          rows.add(
              measure(
                  "files",
                  ds.size(),
                  threads,
                  samples,
                  seed,
                  reallyDirect,
                  c::readFile,
                  "one file per sample"));
          rows.add(
              measure(
                  "tar members",
                  ds.size(),
                  threads,
                  samples,
                  seed,
                  reallyDirect,
                  c::readMember,
                  "positional reads, in-memory offset index"));
        }
        cmp = c;
      } finally {
        dev.kiln.formats.FileTrees.delete(work);
      }
    }

    out.println(
        dropRefused == null
            ? (dropCaches
                ? "page cache: dropped before every run (" + PageCache.COMMAND + ")"
                : "page cache: not dropped (--no-drop-caches)")
            : "page cache: NOT dropped ("
                + dropRefused
                + "); buffered figures may include cached"
                + " reads");
    out.printf("%-12s %11s %10s %10s %10s  %s%n", "", "samples/s", "MiB/s", "p50 ms", "p99 ms", "");
    for (Row r : rows) {
      out.printf(
          "%-12s %11.0f %10.1f %10.3f %10.3f  %s%n",
          r.name(),
          r.perSecond(),
          r.mibPerSecond(),
          r.p50Micros() / 1e3,
          r.p99Micros() / 1e3,
          r.note());
    }
    StringBuilder summary = new StringBuilder();
    if (!ratios.isEmpty()) {
      double[] r = ratios.stream().mapToDouble(Double::doubleValue).toArray();
      summary.append(String.format("kiln/fio IOPS %.2f", r[medianIndex(r)]));
      if (r.length > 1) {
        summary.append(
            String.format(
                " (median of %d interleaved rounds, range %.2f-%.2f)",
                r.length, Arrays.stream(r).min().orElse(0), Arrays.stream(r).max().orElse(0)));
      }
    }
    for (Row r : rows) {
      if (r.name().equals("files") || r.name().equals("tar members")) {
        summary
            .append(summary.length() > 0 ? "; " : "")
            .append(
                String.format(
                    "%s/kiln %.2f",
                    r.name().replace(' ', '-'), r.perSecond() / kiln.samplesPerSecond()));
      }
    }
    if (summary.length() > 0) {
      out.println("ratios       " + summary);
    }
    long indexBytes =
        Files.exists(ds.directory().resolve(ShardLayout.INDEX_FILE_NAME))
            ? Files.size(ds.directory().resolve(ShardLayout.INDEX_FILE_NAME))
            : 0;
    out.printf(
        "space        kiln: shards+index / records %.3f (%s + %s index for %s of records;"
            + " alignment padding %.1f%%); aligned read median %s%n",
        (double) (space.shardBytes() + indexBytes) / Math.max(1, space.recordBytes()),
        DatasetDirectory.bytes(space.shardBytes()),
        DatasetDirectory.bytes(indexBytes),
        DatasetDirectory.bytes(space.recordBytes()),
        100.0 * space.paddingBytes() / Math.max(1, space.recordBytes()),
        DatasetDirectory.bytes(space.windowPercentile(0.5)));
    if (cmp != null) {
      out.printf(
          "             files: 4 KiB blocks / image bytes %.3f (inodes not counted);"
              + " tar: file / image bytes %.3f (with <key>.json members)%n",
          (double) cmp.fileBlockBytes / Math.max(1, cmp.imageBytes),
          (double) cmp.tarBytes / Math.max(1, cmp.imageBytes));
    }
    if (fioWorks) {
      out.println("fio command  " + String.join(" ", fioCommand));
    }
    return failed ? ExitCode.FAILED : ExitCode.OK;
  }

  /**
   * {@code --ranks}: one epoch in epoch order read by {@code ranks} ranks of {@code threads}
   * threads, Java, Python and fio (total queue depth {@code ranks x threads}) in interleaved rounds
   * from an empty page cache; round {@code r} reads epoch {@code r - 1}.
   */
  private int benchRanks(
      KilnDataset ds,
      int ranks,
      int threads,
      long seed,
      boolean direct,
      boolean fio,
      int fioRuntime,
      int rounds,
      String python)
      throws IOException, InterruptedException {
    DatasetIndex ix = ds.index();
    int depth = ranks * threads;
    out.printf(
        "kiln bench-read %s: one epoch of %d samples in epoch order (seed %d), %d ranks x"
            + " %d threads (queue depth %d), %s, checksums (%s) verified%n",
        ds.directory(),
        ds.size(),
        seed,
        ranks,
        threads,
        depth,
        ds.directIo() ? "O_DIRECT" : "buffered",
        ix.checksum().label());
    ds.directIoFallback().ifPresent(f -> out.println("note: " + f));
    boolean failed = false;
    Path script = null;
    if (python != null) {
      script = PythonRanks.script().orElse(null);
      if (script == null) {
        out.println(
            "python: formats/python/bench_reader.py not found beside this Kiln; no"
                + " Python ranks (--no-python skips them)");
        failed = true;
      } else if (direct) {
        out.println("python: kiln_reader reads buffered; with --direct only Java and fio run");
        script = null;
      }
    }
    List<String> fioCommand = null;
    if (fio) {
      List<Path> shards = new ArrayList<>();
      for (int s = 0; s < ix.shardCount(); s++) {
        shards.add(ds.directory().resolve(ix.shardFileName(s)));
      }
      String blockSizes = Fio.blockSizeMix(InspectCommand.KilnSpace.of(ix).windows());
      fioCommand = Fio.command(shards, blockSizes, depth, ds.directIo(), ds.size(), fioRuntime);
      if (!Fio.available()) {
        out.println(
            "fio: not found on PATH (Debian/Ubuntu: apt-get install fio); no fio"
                + " comparison (--no-fio skips it)");
        failed = true;
        fioCommand = null;
      }
    }
    long until = System.nanoTime() + warmupNanos;
    do {
      ReadBenchmark.runRanks(ds, ranks, threads, seed, 0);
    } while (System.nanoTime() < until);
    List<Double> java = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    List<Double> fios = new ArrayList<>();
    List<Double> javaRatio = new ArrayList<>();
    List<Double> pyRatio = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      drop();
      ReadBenchmark.Result j = ReadBenchmark.runRanks(ds, ranks, threads, seed, round - 1);
      java.add(j.samplesPerSecond());
      String line = String.format("round %d: java %.0f samples/s", round, j.samplesPerSecond());
      Double p = null;
      if (script != null) {
        drop();
        try {
          p =
              PythonRanks.run(python, script, ds.directory(), ranks, threads, seed, round - 1)
                  .samplesPerSecond();
          py.add(p);
          line += String.format(", python %.0f samples/s", p);
        } catch (IOException e) {
          out.println("python: failed: " + e.getMessage());
          failed = true;
          script = null;
        }
      }
      if (fioCommand != null) {
        drop();
        try {
          Fio.Result f = Fio.run(fioCommand);
          fios.add(f.iops());
          javaRatio.add(j.samplesPerSecond() / f.iops());
          line +=
              String.format(
                  ", fio %.0f IOPS; java/fio %.2f", f.iops(), javaRatio.get(javaRatio.size() - 1));
          if (p != null) {
            pyRatio.add(p / f.iops());
            line += String.format(", python/fio %.2f", pyRatio.get(pyRatio.size() - 1));
          }
        } catch (IOException e) {
          out.println("fio: failed: " + e.getMessage());
          failed = true;
          fioCommand = null;
        }
      }
      out.println(line);
    }
    out.println(
        dropRefused == null
            ? (dropCaches
                ? "page cache: dropped before every run (" + PageCache.COMMAND + ")"
                : "page cache: not dropped (--no-drop-caches)")
            : "page cache: NOT dropped (" + dropRefused + "); figures may include cached reads");
    StringBuilder medians =
        new StringBuilder(String.format("median       java %.0f samples/s", median(java)));
    if (!py.isEmpty()) {
      medians.append(String.format(", python %.0f samples/s", median(py)));
    }
    if (!fios.isEmpty()) {
      medians.append(String.format(", fio %.0f IOPS", median(fios)));
    }
    out.println(medians);
    if (!javaRatio.isEmpty()) {
      String ratios = "ratios       java/fio " + spread(javaRatio);
      if (!pyRatio.isEmpty()) {
        ratios += "; python/fio " + spread(pyRatio);
      }
      out.println(ratios + " (median of interleaved rounds, range)");
    }
    if (fioCommand != null) {
      out.println("fio command  " + String.join(" ", fioCommand));
    }
    return failed ? ExitCode.FAILED : ExitCode.OK;
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    return v[medianIndex(v)];
  }

  private static String spread(List<Double> values) {
    return String.format(
        "%.2f (%.2f-%.2f)",
        median(values),
        values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  /** The index of the median value (the lower middle for an even count). */
  static int medianIndex(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
    return order[(order.length - 1) / 2];
  }

  private Row measure(
      String name,
      int population,
      int threads,
      int samples,
      long seed,
      boolean direct,
      ReadBenchmark.ItemReader reader,
      String note)
      throws InterruptedException {
    // Same seed: the warm-up reads a prefix of the measured order, i.e. only prepared samples.
    long until = System.nanoTime() + warmupNanos;
    do {
      ReadBenchmark.run(
          population, threads, Math.min(samples, WARMUP_SAMPLES), seed, direct, reader);
    } while (System.nanoTime() < until);
    drop();
    return row(name, ReadBenchmark.run(population, threads, samples, seed, direct, reader), note);
  }

  private static Row row(String name, ReadBenchmark.Result r, String note) {
    return new Row(
        name, r.samplesPerSecond(), r.mibPerSecond(), r.p50Micros(), r.p99Micros(), note);
  }

  /** Drops the page cache unless told not to; after one refusal, stops trying and says so. */
  private void drop() {
    if (dropCaches && dropRefused == null) {
      Optional<String> refused = PageCache.drop();
      dropRefused = refused.orElse(null);
    }
  }

  private static String help() {
    return "Usage: "
        + USAGE
        + "\n"
        + "Random-order reads of a kiln-format dataset (every sample once, fresh order) from an\n"
        + "empty page cache; prints samples/s, MiB/s, p50/p99 latency, then fio on the same\n"
        + "shards (the same mix of block sizes as Kiln's aligned reads, queue depth = threads)\n"
        + "in interleaved rounds, Kiln's IOPS as a ratio of fio's, and the space alignment costs.\n"
        + "  --threads N       reader threads = queue depth (default 32)\n"
        + "  --samples N       samples to read (default: all)\n"
        + "  --direct          O_DIRECT reads (fio direct=1)\n"
        + "  --seed S          random order seed (default 1)\n"
        + "  --compare         also read the same samples as one file per sample and as tar\n"
        + "                    members (written to a temporary directory first)\n"
        + "  --no-fio          skip fio\n"
        + "  --fio-runtime S   upper bound on an O_DIRECT fio run, which makes as many reads\n"
        + "                    as Kiln (default 120)\n"
        + "  --work-dir DIR    where --compare writes its files (default: beside the dataset,\n"
        + "                    same filesystem); removed afterwards\n"
        + "  --warmup S        seconds of warm-up reads before each measured run (default 2)\n"
        + "  --rounds N        interleaved Kiln/fio rounds; the median is reported (default 3)\n"
        + "  --no-drop-caches  do not drop the page cache (it is dropped as root by default)\n"
        + "  --ranks P         training-shaped: one epoch in epoch order, P ranks of --threads\n"
        + "                    threads each (default 8), read by Kiln's Java reader and by P\n"
        + "                    Python reader processes, against fio at queue depth P x threads\n"
        + "  --python PYTHON   interpreter for the Python ranks (default $KILN_PYTHON or python3)\n"
        + "  --no-python       --ranks without the Python ranks\n";
  }

  /**
   * The same samples laid out as one file per sample and as one WebDataset tar, with readers that
   * mirror Kiln's: one positional read per sample into a reused per-thread buffer (4096- aligned,
   * whole blocks, for O_DIRECT), copied out to a fresh array.
   */
  private static final class Comparison implements AutoCloseable {
    private final boolean direct;
    private final Path[] files;
    private final int[] sizes;
    private final long[] memberOffsets;
    private final FileChannel tar;
    private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();
    long imageBytes;
    long fileBlockBytes;
    long tarBytes;

    private Comparison(boolean direct, int size, FileChannel tar) {
      this.direct = direct;
      this.files = new Path[size];
      this.sizes = new int[size];
      this.memberOffsets = new long[size];
      this.tar = tar;
    }

    static Comparison build(KilnDataset ds, int[] order, Path work, boolean direct)
        throws IOException {
      boolean[] wanted = new boolean[ds.size()];
      for (int i : order) {
        wanted[i] = true;
      }
      Path fileRoot = Files.createDirectories(work.resolve("files"));
      Path tarFile = work.resolve("samples.tar");
      WebDatasetShardWriter w = WebDatasetShardWriter.open(tarFile);
      String[] memberNames = new String[ds.size()];
      long imageBytes = 0;
      long blockBytes = 0;
      try {
        for (int i = 0; i < ds.size(); i++) {
          if (!wanted[i]) {
            continue;
          }
          Sample s = ds.get(i);
          memberNames[i] = s.key() + "." + s.fileExtension();
          w.write(s);
          imageBytes += s.image().length;
          blockBytes += ShardLayout.alignUp(s.image().length, 4096);
        }
        w.close();
      } finally {
        w.abort();
      }
      FileChannel ch =
          direct
              ? FileChannel.open(tarFile, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)
              : FileChannel.open(tarFile, StandardOpenOption.READ);
      Comparison c = new Comparison(direct, ds.size(), ch);
      try {
        java.util.Map<String, TarMembers.Member> members = new java.util.HashMap<>();
        for (TarMembers.Member m : TarMembers.list(tarFile)) {
          members.put(m.name(), m);
        }
        for (int i = 0; i < ds.size(); i++) {
          if (!wanted[i]) {
            continue;
          }
          TarMembers.Member m = members.get(memberNames[i]);
          Sample s = ds.get(i);
          c.files[i] = DatasetDirectory.writeInside(fileRoot, memberNames[i], s.image());
          c.sizes[i] = s.image().length;
          c.memberOffsets[i] = m.offset();
        }
        c.imageBytes = imageBytes;
        c.fileBlockBytes = blockBytes;
        c.tarBytes = Files.size(tarFile);
        return c;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    /** Opens, reads and closes sample {@code i}'s own file, as a loader of image folders does. */
    long readFile(int i) throws IOException {
      if (!direct) {
        return Files.readAllBytes(files[i]).length;
      }
      try (FileChannel ch =
          FileChannel.open(files[i], StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
        int window = (int) ShardLayout.alignUp(sizes[i], ShardLayout.DIRECT_IO_ALIGN);
        return copyOut(read(ch, 0, window, sizes[i]), 0, sizes[i]);
      }
    }

    /** Reads sample {@code i}'s image member from the tar with one positional read. */
    long readMember(int i) throws IOException {
      long off = memberOffsets[i];
      long start = direct ? ShardLayout.alignDown(off, ShardLayout.DIRECT_IO_ALIGN) : off;
      long end =
          direct
              ? ShardLayout.alignUp(off + sizes[i], ShardLayout.DIRECT_IO_ALIGN)
              : off + sizes[i];
      ByteBuffer b = read(tar, start, (int) (end - start), (int) (off + sizes[i] - start));
      return copyOut(b, (int) (off - start), sizes[i]);
    }

    /**
     * Reads {@code [start, start + window)}, stopping at end of file once {@code need} bytes are
     * in.
     */
    private ByteBuffer read(FileChannel ch, long start, int window, int need) throws IOException {
      ByteBuffer b = buffer(window);
      b.clear().limit(window);
      while (b.position() < need) {
        if (ch.read(b, start + b.position()) <= 0) {
          throw new IOException("unexpected end of file");
        }
      }
      return b;
    }

    private static long copyOut(ByteBuffer b, int at, int length) {
      byte[] out = new byte[length];
      b.limit(at + length).position(at);
      b.get(out);
      return out.length;
    }

    private ByteBuffer buffer(int n) {
      ByteBuffer b = buffers.get();
      if (b == null || b.capacity() < n) {
        int cap = (int) ShardLayout.alignUp(Math.max(n, 256 << 10), 64 << 10);
        b =
            direct
                ? ByteBuffer.allocateDirect(cap + ShardLayout.DIRECT_IO_ALIGN)
                    .alignedSlice(ShardLayout.DIRECT_IO_ALIGN)
                : ByteBuffer.allocateDirect(cap);
        buffers.set(b);
      }
      return b;
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }
}
