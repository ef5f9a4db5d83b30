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
import java.nio.charset.StandardCharsets;
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
 * Prepared samples parked on disk until all are known, because the shard count (and so which
 * shard each sample goes to) depends on the total size of all of them. Samples are appended to
 * one of {@value #BUCKETS} files by the top bits of their key hash, i.e. by ranges of the
 * {@link SampleOrder} hash space; reading the buckets back in order therefore yields every
 * sample in shard order while holding only one bucket in memory.
 *
 * <p>A sample is parked as its record bytes ({@link #add}), which go into a shard as they are.
 * A sample carried over from the previous version of the dataset is parked as a reference to its
 * record there ({@link #addCarried}): its bytes are already on disk, so copying them into the
 * spill and back would only double the I/O of an incremental run, whose samples are nearly all
 * carried. References become samples of the previous version when the spill is drained, whose
 * records stay where they are until a shard writer copies them.
 *
 * <p>{@link #add} and {@link #addCarried} are safe to call from many threads.
 */
final class SampleSpill implements AutoCloseable {
  static final int BUCKETS = 256;
  /** How many buckets are read ahead of the one being consumed, each on a thread of its own. */
  private static final int READERS = 2;

  /** Entry tags in a bucket file. */
  private static final byte ENCODED = 0;
  private static final byte CARRIED = 1;

  private final Path dir;
  private final IntToLongFunction measure;
  private final CarriedRecords previousRecords;
  private final DataOutputStream[] buckets = new DataOutputStream[BUCKETS];
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
   */
  SampleSpill(Path dir, IntToLongFunction measure, CarriedRecords previousRecords)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.measure = measure;
    this.previousRecords = previousRecords;
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
      DataOutputStream out = bucket(keyHash);
      out.writeByte(ENCODED);
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
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    synchronized (buckets) {
      DataOutputStream out = bucket(keyHash);
      out.writeByte(CARRIED);
      out.writeLong(keyHash);
      out.writeInt(keyBytes.length);
      out.write(keyBytes);
      out.writeInt(previousRecord);
      out.writeInt(imageLength);
    }
    counted(imageLength);
  }

  /**
   * The open file of the bucket of the key whose {@link SampleOrder#hash} is {@code keyHash}; call
   * holding the {@link #buckets} lock.
   */
  private DataOutputStream bucket(long keyHash) throws IOException {
    if (closed) {
      // A worker finishing its image after the run failed must not reopen a bucket file.
      throw new IOException("the spill in " + dir + " is closed");
    }
    int bucket = (int) (keyHash >>> 56);
    DataOutputStream out = buckets[bucket];
    if (out == null) {
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(bucket)), 1 << 16));
      buckets[bucket] = out;
    }
    return out;
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

  /**
   * Hands every bucket's samples, in {@link SampleOrder#KEYS} order, to {@code consumer}, buckets
   * in hash order; each bucket file is deleted once read. Carried samples come from the previous
   * version here. Call after the last {@link #add}.
   *
   * <p>Buckets are read on {@value #READERS} other threads while the ones before are consumed:
   * looking up the carried samples' catalog fields in the previous version costs more than
   * writing them into a shard, and the two then go on side by side.
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
      for (int b = 0; b < BUCKETS; b++) {
        while (next < BUCKETS && ahead.size() < READERS) {
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

  /** The samples of bucket {@code b} in {@link SampleOrder#KEYS} order; deletes its file. */
  private Bucket read(int b) throws IOException {
    Path file = file(b);
    if (!Files.exists(file)) {
      return Bucket.EMPTY;
    }
    List<EncodedSample> samples = new ArrayList<>();
    long[] hashes = new long[64];
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      while (true) {
        byte tag;
        try {
          tag = in.readByte();
        } catch (EOFException end) {
          break;
        }
        if (samples.size() == hashes.length) {
          hashes = Arrays.copyOf(hashes, 2 * hashes.length);
        }
        hashes[samples.size()] = in.readLong();
        samples.add(tag == CARRIED ? carried(in) : encoded(in));
      }
    }
    Files.delete(file);
    String[] keys = new String[samples.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = samples.get(i).key();
    }
    int[] order = SampleOrder.order(Arrays.copyOf(hashes, keys.length), keys);
    List<EncodedSample> sorted = new ArrayList<>(order.length);
    long[] sortedHashes = new long[order.length];
    for (int i = 0; i < order.length; i++) {
      sorted.add(samples.get(order[i]));
      sortedHashes[i] = hashes[order[i]];
    }
    return new Bucket(sorted, sortedHashes);
  }

  private static EncodedSample encoded(DataInputStream in) throws IOException {
    byte[] record = new byte[in.readInt()];
    in.readFully(record);
    return EncodedSample.parse(record);
  }

  private EncodedSample carried(DataInputStream in) throws IOException {
    byte[] keyBytes = new byte[in.readInt()];
    in.readFully(keyBytes);
    String key = new String(keyBytes, StandardCharsets.UTF_8);
    int previousRecord = in.readInt();
    int imageLength = in.readInt();
    EncodedSample sample = previousRecords.sample(previousRecord, imageLength);
    if (!sample.key().equals(key)) {
      throw new IOException(
          "record " + previousRecord + " of the previous version holds '" + sample.key()
              + "', not '" + key + "' (was it replaced during the run?)");
    }
    return sample;
  }

  private Path file(int bucket) {
    // Not String.format: its first calls cost a run more than all the rest of draining.
    return dir.resolve("bucket-" + Integer.toString(1000 + bucket).substring(1) + ".spill");
  }

  /** Closes every bucket file, even when closing one fails (e.g. its last flush hits a full disk). */
  private void closeWriters() throws IOException {
    synchronized (buckets) {
      closed = true;
      List<DataOutputStream> open = new ArrayList<>(Arrays.asList(buckets));
      Arrays.fill(buckets, null);
      Closeables.closeEach(open);
    }
  }

  /** Closes any open bucket file and deletes the spill directory. */
  @Override
  public void close() throws IOException {
    try {
      closeWriters();
    } finally {
      FileTrees.delete(dir);
    }
  }
}
