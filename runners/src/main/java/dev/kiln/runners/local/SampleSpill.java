package dev.kiln.runners.local;

import dev.kiln.formats.Closeables;
import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileTrees;
import dev.kiln.formats.TaskFailure;
import dev.kiln.pipelines.SampleOrder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;

/**
 * Prepared samples parked until all are known, because the shard count (and so which shard each
 * sample goes to) depends on the total size of all of them. Samples are parked in buckets by the
 * top bits of their key hash, i.e. by ranges of the {@link SampleOrder} hash space; reading the
 * buckets back in order therefore yields every sample in shard order while holding only a few
 * buckets in memory.
 *
 * <p>A sample is parked as its record bytes ({@link #add}), which go into a shard as they are; they
 * are appended to its bucket's file on disk. A sample carried over from the previous version of the
 * dataset is parked as a reference to its record there ({@link #addCarried}), held in memory: its
 * bytes are already on disk, so copying them into the spill and back would only double the I/O of
 * an incremental run, whose samples are nearly all carried, and a reference is a few bytes beside
 * the key the run's listing holds anyway. References become samples of the previous version when
 * the spill is drained, whose records stay where they are until a shard writer copies them.
 *
 * <p>The number of buckets follows the number of samples expected, ~{@value #SAMPLES_PER_BUCKET} to
 * a bucket (at most {@value #MAX_BUCKETS} buckets, which bounds the open files): a bucket is what
 * is held in memory while draining, and a small run does not pay for creating, reading and deleting
 * hundreds of nearly empty files.
 *
 * <p>{@link #add} and {@link #addCarried} are safe to call from many threads.
 */
final class SampleSpill implements AutoCloseable {
  static final int MAX_BUCKETS = 512;
  static final int SAMPLES_PER_BUCKET = 1024;

  /** How many buckets are read ahead of the one being consumed, each on a thread of its own. */
  private static final int READERS = 2;

  private final Path dir;
  private final IntToLongFunction measure;
  private final CarriedRecords previousRecords;

  /** How many top bits of a key hash pick its bucket (0: one bucket). */
  private final int bucketBits;

  private final DataOutputStream[] buckets;
  private final CarriedReferences[] carried;
  private final AtomicLong measured = new AtomicLong();
  private final AtomicLong count = new AtomicLong();

  /** Set once the bucket files are closed; guarded by {@link #buckets}. */
  private boolean closed;

  /**
   * A spill in {@code dir} (created; emptied by {@link #close}).
   *
   * @param measure a sample's measure from its image length
   * @param previousRecords the previous version's samples by position, for carried samples; null
   *     when nothing is carried
   * @param expectedSamples about how many samples will be parked, which sets the number of buckets
   *     (any number works; only memory and file counts depend on it)
   */
  SampleSpill(
      Path dir, IntToLongFunction measure, CarriedRecords previousRecords, long expectedSamples)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.measure = measure;
    this.previousRecords = previousRecords;
    this.bucketBits = bucketBits(expectedSamples);
    this.buckets = new DataOutputStream[1 << bucketBits];
    this.carried = new CarriedReferences[1 << bucketBits];
  }

  /** The fewest hash bits that give buckets of about {@link #SAMPLES_PER_BUCKET} samples. */
  static int bucketBits(long expectedSamples) {
    int bits = 0;
    while ((1L << bits) * SAMPLES_PER_BUCKET < expectedSamples && (1 << bits) < MAX_BUCKETS) {
      bits++;
    }
    return bits;
  }

  /** How many buckets the samples are parked in. */
  int bucketCount() {
    return buckets.length;
  }

  /** The previous version's samples, by the position of their records there. */
  @FunctionalInterface
  interface CarriedRecords {
    /** The sample of record {@code record}, whose image is {@code imageLength} bytes long. */
    EncodedSample sample(int record, int imageLength);
  }

  /** Parks one sample's record. */
  void add(EncodedSample sample) throws IOException {
    byte[] record = sample.record();
    long keyHash = SampleOrder.hash(sample.key());
    synchronized (buckets) {
      // One lock for all buckets: an append is a memory copy into a buffer, far cheaper than
      // preparing the sample, so workers rarely wait here.
      DataOutputStream out = bucketFile(bucket(keyHash));
      out.writeLong(keyHash);
      out.writeInt(record.length);
      out.write(record);
    }
    counted(sample.imageLength());
  }

  /**
   * Parks a reference to record {@code previousRecord} of the previous version, the sample of
   * {@code key} with an image of {@code imageLength} bytes.
   */
  void addCarried(String key, int previousRecord, int imageLength) throws IOException {
    if (previousRecords == null) {
      throw new IllegalStateException("no previous version to carry " + key + " from");
    }
    long keyHash = SampleOrder.hash(key);
    int bucket = bucket(keyHash);
    synchronized (buckets) {
      requireOpen();
      if (carried[bucket] == null) {
        carried[bucket] = new CarriedReferences();
      }
      carried[bucket].add(keyHash, key, previousRecord, imageLength);
    }
    counted(imageLength);
  }

  private int bucket(long keyHash) {
    return bucketBits == 0 ? 0 : (int) (keyHash >>> (64 - bucketBits));
  }

  /** The open file of bucket {@code bucket}; call holding the {@link #buckets} lock. */
  private DataOutputStream bucketFile(int bucket) throws IOException {
    requireOpen();
    DataOutputStream out = buckets[bucket];
    if (out == null) {
      out =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(file(bucket)), 1 << 16));
      buckets[bucket] = out;
    }
    return out;
  }

  private void requireOpen() throws IOException {
    if (closed) {
      // A worker finishing its image after the run failed must not park it (nor reopen a file).
      throw new IOException("the spill in " + dir + " is closed");
    }
  }

  private void counted(int imageLength) {
    measured.addAndGet(measure.applyAsLong(imageLength));
    count.incrementAndGet();
  }

  /** The sum of every parked sample's measure. */
  long measured() {
    return measured.get();
  }

  /** How many samples are parked. */
  long count() {
    return count.get();
  }

  /** Receives the samples of one bucket. */
  @FunctionalInterface
  interface BucketConsumer {
    /**
     * @param samples the bucket's samples, in {@link SampleOrder#KEYS} order
     * @param keyHashes each sample's {@link SampleOrder#hash}, at its position: hashed once, when
     *     the sample was parked, it is not hashed again for sorting or sharding
     */
    void accept(List<EncodedSample> samples, long[] keyHashes) throws IOException;
  }

  /** A bucket's samples and their key hashes, in {@link SampleOrder#KEYS} order. */
  private record Bucket(List<EncodedSample> samples, long[] keyHashes) {
    static final Bucket EMPTY = new Bucket(List.of(), new long[0]);
  }

  /** One bucket's references to carried records, in the order they were parked. */
  private static final class CarriedReferences {
    long[] hashes = new long[16];
    String[] keys = new String[16];
    int[] records = new int[16];
    int[] imageLengths = new int[16];
    int size;

    void add(long hash, String key, int record, int imageLength) {
      if (size == hashes.length) {
        int grown = 2 * size;
        hashes = Arrays.copyOf(hashes, grown);
        keys = Arrays.copyOf(keys, grown);
        records = Arrays.copyOf(records, grown);
        imageLengths = Arrays.copyOf(imageLengths, grown);
      }
      hashes[size] = hash;
      keys[size] = key;
      records[size] = record;
      imageLengths[size] = imageLength;
      size++;
    }
  }

  /**
   * Hands every bucket's samples, in {@link SampleOrder#KEYS} order, to {@code consumer}, buckets
   * in hash order; each bucket file is deleted once read. Carried samples come from the previous
   * version here. Call after the last {@link #add}.
   *
   * <p>Buckets are read on {@value #READERS} other threads while the ones before are consumed:
   * looking up the carried samples' catalog fields in the previous version costs more than writing
   * them into a shard, and the two then go on side by side.
   *
   * @throws IOException if a carried record is not the sample it was parked as
   */
  void drainInOrder(BucketConsumer consumer) throws IOException {
    closeWriters();
    ExecutorService reader =
        Executors.newFixedThreadPool(READERS, DaemonThreads.named("kiln-spill-reader"));
    try {
      Deque<Future<Bucket>> ahead = new ArrayDeque<>();
      int next = 0;
      for (int b = 0; b < buckets.length; b++) {
        while (next < buckets.length && ahead.size() < READERS) {
          int bucket = next++;
          ahead.add(reader.submit(() -> read(bucket)));
        }
        Bucket bucket = TaskFailure.await(ahead.remove(), "reading the spill in " + dir);
        if (!bucket.samples().isEmpty()) {
          consumer.accept(bucket.samples(), bucket.keyHashes());
        }
      }
    } finally {
      reader.shutdownNow();
      // Closing the spill deletes its files next: the reader must be done with them.
      try {
        reader.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The samples of bucket {@code b} in {@link SampleOrder#KEYS} order: those in its file (which is
   * deleted) and its carried ones, looked up in the previous version.
   */
  private Bucket read(int b) throws IOException {
    CarriedReferences references = carried[b];
    carried[b] = null; // read once; the spill need not hold them any longer
    int carriedCount = references == null ? 0 : references.size;
    List<EncodedSample> samples = new ArrayList<>(carriedCount);
    long[] hashes = new long[16];
    Path file = file(b);
    if (Files.exists(file)) {
      try (InputStream raw = Files.newInputStream(file);
          DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
        while (true) {
          long hash;
          try {
            hash = in.readLong();
          } catch (EOFException end) {
            break;
          }
          if (samples.size() == hashes.length) {
            hashes = Arrays.copyOf(hashes, 2 * hashes.length);
          }
          hashes[samples.size()] = hash;
          byte[] record = new byte[in.readInt()];
          in.readFully(record);
          samples.add(EncodedSample.parse(record));
        }
      }
      Files.delete(file);
    }
    // Exactly one hash per sample from here: the file's, then the carried ones'.
    hashes = Arrays.copyOf(hashes, samples.size() + carriedCount);
    for (int i = 0; i < carriedCount; i++) {
      hashes[samples.size()] = references.hashes[i];
      samples.add(
          carriedSample(references.keys[i], references.records[i], references.imageLengths[i]));
    }
    if (samples.isEmpty()) {
      return Bucket.EMPTY;
    }
    String[] keys = new String[samples.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = samples.get(i).key();
    }
    int[] order = SampleOrder.order(hashes, keys);
    List<EncodedSample> sorted = new ArrayList<>(order.length);
    long[] sortedHashes = new long[order.length];
    for (int i = 0; i < order.length; i++) {
      sorted.add(samples.get(order[i]));
      sortedHashes[i] = hashes[order[i]];
    }
    return new Bucket(sorted, sortedHashes);
  }

  /** The previous version's sample of {@code key}, checked to be the one parked. */
  private EncodedSample carriedSample(String key, int previousRecord, int imageLength)
      throws IOException {
    EncodedSample sample = previousRecords.sample(previousRecord, imageLength);
    if (!sample.key().equals(key)) {
      throw new IOException(
          "record "
              + previousRecord
              + " of the previous version holds '"
              + sample.key()
              + "', not '"
              + key
              + "' (was it replaced during the run?)");
    }
    return sample;
  }

  private Path file(int bucket) {
    // Not String.format: its first calls cost a run more than all the rest of draining.
    return dir.resolve("bucket-" + Integer.toString(1000 + bucket).substring(1) + ".spill");
  }

  /**
   * Closes every bucket file, even when closing one fails (e.g. its last flush hits a full disk).
   */
  private void closeWriters() throws IOException {
    synchronized (buckets) {
      closed = true;
      List<DataOutputStream> open = new ArrayList<>(Arrays.asList(buckets));
      Arrays.fill(buckets, null);
      Closeables.closeEach(open);
    }
  }

  /** Closes any open bucket file, drops the carried references and deletes the spill directory. */
  @Override
  public void close() throws IOException {
    try {
      closeWriters();
    } finally {
      synchronized (buckets) {
        Arrays.fill(carried, null);
      }
      FileTrees.delete(dir);
    }
  }
}
