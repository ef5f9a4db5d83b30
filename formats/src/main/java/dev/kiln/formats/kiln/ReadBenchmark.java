package dev.kiln.formats.kiln;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures random-order read throughput and latency the way training reads: N long-lived threads
 * pull positions from one shared random permutation (a fresh permutation per pass over the dataset)
 * and each read one record. No command line; call it from a harness or test.
 *
 * <p>Latency is per record (one positional read plus its checksum, the record left in the reader's
 * buffer as {@link KilnDataset#readRecord(int, java.util.function.Function)} hands it to a loader;
 * plus Avro decoding with {@code decode}). Throughput counts record bytes, not the aligned window
 * actually read.
 */
public final class ReadBenchmark {
  private ReadBenchmark() {}

  /**
   * What a run measured.
   *
   * @param threads reader threads
   * @param samples records read
   * @param bytes record bytes read
   * @param seconds wall time from the threads' common start to the last read
   * @param samplesPerSecond samples / seconds
   * @param mibPerSecond bytes / 2^20 / seconds
   * @param p50Micros median per-read latency in microseconds
   * @param p99Micros 99th percentile per-read latency in microseconds
   * @param directIo whether reads used O_DIRECT (false also when O_DIRECT was refused)
   * @param readCalls positional read calls issued (equals samples when every read was one I/O), or
   *     -1 when not counted
   */
  public record Result(
      int threads,
      long samples,
      long bytes,
      double seconds,
      double samplesPerSecond,
      double mibPerSecond,
      double p50Micros,
      double p99Micros,
      boolean directIo,
      long readCalls) {
    /** This result with the read calls a reader counted. */
    public Result withReadCalls(long calls) {
      return new Result(
          threads,
          samples,
          bytes,
          seconds,
          samplesPerSecond,
          mibPerSecond,
          p50Micros,
          p99Micros,
          directIo,
          calls);
    }
  }

  /** Opens {@code datasetDir}, reads {@code samples} raw records in random order, closes it. */
  public static Result run(Path datasetDir, int threads, int samples, boolean direct, long seed)
      throws IOException, InterruptedException {
    try (KilnDataset ds =
        KilnDataset.open(datasetDir, ReadOptions.defaults().withDirectIo(direct))) {
      return run(ds, threads, samples, seed, false);
    }
  }

  /**
   * Reads {@code samples} records of an open dataset in random order from {@code threads} threads;
   * with {@code decode}, each record is also decoded to a {@link dev.kiln.formats.Sample}.
   */
  public static Result run(KilnDataset ds, int threads, int samples, long seed, boolean decode)
      throws InterruptedException {
    if (ds.size() == 0 && samples > 0) {
      throw new IllegalArgumentException("dataset " + ds.directory() + " is empty");
    }
    long readsBefore = ds.readCalls();
    Result r =
        run(
            ds.size(),
            threads,
            samples,
            seed,
            ds.directIo(),
            decode ? i -> ds.get(i).image().length : i -> ds.readRecord(i, ByteBuffer::remaining));
    return r.withReadCalls(ds.readCalls() - readsBefore);
  }

  /** Reads one item by position, for {@link #run(int, int, int, long, boolean, ItemReader)}. */
  @FunctionalInterface
  public interface ItemReader {
    /** Reads item {@code position} and returns how many payload bytes it delivered. */
    long read(int position) throws Exception;
  }

  /**
   * The same measurement for any storage layout: {@code threads} long-lived threads pull positions
   * of {@code [0, population)} from one shared random permutation (same seed, same order as the
   * Kiln run) and call {@code reader} once per position. Used to compare Kiln shards with other
   * layouts (one file per sample, tar members) under identical conditions.
   *
   * @param directIo reported as is in the result (the reader decides how it reads)
   * @return the result, with {@code readCalls} -1 (the reader's I/Os are not counted here)
   */
  public static Result run(
      int population, int threads, int samples, long seed, boolean directIo, ItemReader reader)
      throws InterruptedException {
    if (threads < 1 || samples < 0) {
      throw new IllegalArgumentException("threads must be >= 1 and samples >= 0");
    }
    if (population == 0 && samples > 0) {
      throw new IllegalArgumentException("nothing to read: population is 0");
    }
    // One share, the whole permutation, that every thread pulls from.
    return runShares(
        new int[][] {permutation(population, samples, seed)}, threads, directIo, reader);
  }

  /**
   * Reads one epoch the way {@code ranks} training processes of {@code threadsPerRank} loader
   * threads do: rank {@code r} reads its share of {@link EpochOrder#shuffled(long, long, long)
   * EpochOrder.shuffled(size, seed, epoch)} ({@link EpochOrder#rankPosition}), its threads pulling
   * from that share only; every sample is read once. Each record is checksummed and left in the
   * reader's buffer ({@link KilnDataset#readRecord(int, java.util.function.Function)}).
   *
   * @return the whole epoch's result: samples / wall time from the common start to the last read
   */
  public static Result runRanks(
      KilnDataset ds, int ranks, int threadsPerRank, long seed, long epoch)
      throws InterruptedException {
    if (ranks < 1 || threadsPerRank < 1) {
      throw new IllegalArgumentException("ranks and threads per rank must be >= 1");
    }
    EpochOrder order = EpochOrder.shuffled(ds.size(), seed, epoch);
    int[][] shares = new int[ranks][];
    for (int r = 0; r < ranks; r++) {
      shares[r] = new int[(int) EpochOrder.rankShare(ds.size(), 0, r, ranks, false)];
      for (int i = 0; i < shares[r].length; i++) {
        shares[r][i] = (int) order.at(EpochOrder.rankPosition(0, r, ranks, i));
      }
    }
    long readsBefore = ds.readCalls();
    Result r =
        runShares(
            shares, threadsPerRank, ds.directIo(), i -> ds.readRecord(i, ByteBuffer::remaining));
    return r.withReadCalls(ds.readCalls() - readsBefore);
  }

  /**
   * {@code threadsPerShare} threads for each share, pulling its positions in order; every thread
   * starts at once.
   */
  static Result runShares(int[][] shares, int threadsPerShare, boolean directIo, ItemReader reader)
      throws InterruptedException {
    int threads = shares.length * threadsPerShare;
    int samples = 0;
    int[] firstLatency = new int[shares.length];
    for (int s = 0; s < shares.length; s++) {
      firstLatency[s] = samples;
      samples += shares[s].length;
    }
    long[] latencies = new long[samples];
    AtomicInteger[] cursors = new AtomicInteger[shares.length];
    for (int s = 0; s < shares.length; s++) {
      cursors[s] = new AtomicInteger();
    }
    AtomicLong bytes = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int share = t / threadsPerShare;
      int[] positions = shares[share];
      AtomicInteger cursor = cursors[share];
      int latencyAt = firstLatency[share];
      workers[t] =
          new Thread(
              () -> {
                ready.countDown();
                long mine = 0;
                try {
                  go.await();
                  for (int k;
                      (k = cursor.getAndIncrement()) < positions.length
                          && failure.get() == null; ) {
                    long t0 = System.nanoTime();
                    mine += reader.read(positions[k]);
                    latencies[latencyAt + k] = System.nanoTime() - t0;
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
                bytes.addAndGet(mine);
              },
              "kiln-read-bench-" + share + "-" + t % threadsPerShare);
      workers[t].start();
    }
    ready.await();
    long start = System.nanoTime();
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark read failed", failure.get());
    }
    Arrays.sort(latencies);
    return new Result(
        threads,
        samples,
        bytes.get(),
        seconds,
        samples / seconds,
        bytes.get() / (1024.0 * 1024.0) / seconds,
        percentile(latencies, 0.50) / 1e3,
        percentile(latencies, 0.99) / 1e3,
        directIo,
        -1);
  }

  /**
   * The read order of a run: {@code count} positions, whole shuffled passes over {@code [0, size)},
   * then a partial one. Public so a harness can prepare exactly the items a run will read.
   */
  public static int[] permutation(int size, int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] out = new int[count];
    int[] pass = new int[size];
    for (int filled = 0; filled < count; ) {
      for (int i = 0; i < size; i++) {
        pass[i] = i;
      }
      for (int i = size - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int tmp = pass[i];
        pass[i] = pass[j];
        pass[j] = tmp;
      }
      int n = Math.min(size, count - filled);
      System.arraycopy(pass, 0, out, filled, n);
      filled += n;
    }
    return out;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
