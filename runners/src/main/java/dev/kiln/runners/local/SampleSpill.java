package dev.kiln.runners.local;

import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Prepared samples parked on disk until all are known, because the shard count (and so which
 * shard each sample goes to) depends on the total size of all of them. Samples are appended to
 * one of {@value #BUCKETS} files by the top bits of their key hash, i.e. by ranges of the
 * {@link SampleOrder} hash space; reading the buckets back in order therefore yields every
 * sample in shard order while holding only one bucket in memory.
 *
 * <p>{@link #add} is safe to call from many threads.
 */
final class SampleSpill implements AutoCloseable {
  static final int BUCKETS = 256;

  private final Path dir;
  private final ToLongFunction<Sample> measure;
  private final DataOutputStream[] buckets = new DataOutputStream[BUCKETS];
  private final AtomicLong measured = new AtomicLong();
  private final AtomicLong count = new AtomicLong();
  /** Set once the bucket files are closed; guarded by {@link #buckets}. */
  private boolean closed;

  /** A spill in {@code dir} (created; emptied by {@link #close}), measuring each sample. */
  SampleSpill(Path dir, ToLongFunction<Sample> measure) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.measure = measure;
  }

  /** Parks one sample. */
  void add(Sample sample) throws IOException {
    byte[] record = SampleCodec.encode(sample);
    int bucket = (int) (SampleOrder.hash(sample.key()) >>> 56);
    synchronized (buckets) {
      // One lock for all buckets: an append is a memory copy into a buffer, far cheaper than
      // preparing the sample, so workers rarely wait here.
      if (closed) {
        // A worker finishing its image after the run failed must not reopen a bucket file.
        throw new IOException("the spill in " + dir + " is closed");
      }
      DataOutputStream out = buckets[bucket];
      if (out == null) {
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(bucket)), 1 << 16));
        buckets[bucket] = out;
      }
      out.writeInt(record.length);
      out.write(record);
    }
    measured.addAndGet(measure.applyAsLong(sample));
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
    void accept(List<Sample> samples) throws IOException;
  }

  /**
   * Hands every bucket's samples, in {@link SampleOrder#KEYS} order, to {@code consumer}, buckets
   * in hash order; each bucket file is deleted once read. Call after the last {@link #add}.
   */
  void drainInOrder(BucketConsumer consumer) throws IOException {
    closeWriters();
    for (int b = 0; b < BUCKETS; b++) {
      Path file = file(b);
      if (!Files.exists(file)) {
        continue;
      }
      List<Sample> samples = new ArrayList<>();
      try (InputStream raw = Files.newInputStream(file);
          DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
        while (true) {
          int length;
          try {
            length = in.readInt();
          } catch (EOFException end) {
            break;
          }
          byte[] record = new byte[length];
          in.readFully(record);
          samples.add(SampleCodec.decode(record));
        }
      }
      Files.delete(file);
      consumer.accept(SampleOrder.sorted(samples));
    }
  }

  private Path file(int bucket) {
    return dir.resolve(String.format("bucket-%03d.spill", bucket));
  }

  /** Closes every bucket file, even when closing one fails (e.g. its last flush hits a full disk). */
  private void closeWriters() throws IOException {
    IOException first = null;
    synchronized (buckets) {
      closed = true;
      for (int b = 0; b < BUCKETS; b++) {
        if (buckets[b] == null) {
          continue;
        }
        try {
          buckets[b].close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        } finally {
          buckets[b] = null;
        }
      }
    }
    if (first != null) {
      throw first;
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
