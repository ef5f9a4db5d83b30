package dev.kiln.pipelines;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Locations;
import dev.kiln.formats.Sample;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes samples into deterministic shard files in the staging directory.
 *
 * <p>The shard count is {@code ceil(total bytes / shard size)}, from the measured sizes of all
 * samples; each sample goes to the shard its key hash falls in ({@link SampleOrder#shardOf}) and
 * sits inside it in key-hash order. Nothing depends on which worker saw which sample, so the files
 * are byte-identical on every runner and parallelism. Emits the index of each shard written.
 *
 * <p>How samples get from the workers that prepare them to the workers that write shards: each
 * bundle appends its samples' records to one spill file of its own in the staging directory as they
 * come, and hands on only where they are ({@link SpilledRecords}, per hash bucket). The shard count
 * is summed from those, each bucket's references go to the shards its hashes fall in, and a shard's
 * writer reads its records back bucket by bucket, in hash order. So no image passes through the
 * runner's shuffle (grouping the samples themselves made Flink sort and spill every image and then
 * hand a whole shard, 256 MiB by default, to one worker's heap), and a writer holds one bucket at a
 * time. A retried bundle writes a new file; the references of a failed attempt are never emitted,
 * so its file is only left for finishing to delete with the staging parts.
 *
 * <p>When the staging location is an object-store prefix ({@link WorkerStaging}), a bundle spills
 * into a local temporary file and, when it finishes, uploads it below the prefix with its records
 * grouped by bucket, so a writer reads each reference with one sequential ranged read; each shard
 * is written in a private temporary directory and uploaded when complete.
 */
public final class WriteShards extends PTransform<PCollection<Sample>, PCollection<Integer>> {
  /** Tar/JSON framing per sample, so the estimate tracks the file size for small images too. */
  private static final long PER_SAMPLE_OVERHEAD = 2048;

  /**
   * Hash buckets: a shard's writer holds one bucket's records, 1/4096 of the dataset's, at a time
   * (24 MB of 100 GB). More buckets cost only references: a bundle's records are in one file
   * whatever their buckets.
   */
  private static final int BUCKET_BITS = 12;

  /** The spill files' directory (or prefix) under the staging parts. */
  private static final String SPILL_DIR = "spill";

  private final ShardFormat format;
  private final ShardOptions options;
  private final String staging;

  public WriteShards(ShardFormat format, ShardOptions options, String staging) {
    this.format = format;
    this.options = options;
    this.staging = staging;
  }

  @Override
  public PCollection<Integer> expand(PCollection<Sample> samples) {
    PCollection<KV<Integer, SpilledRecords>> spilled =
        samples
            .apply("Spill samples", ParDo.of(new SpillFn(staging)))
            .setCoder(KvCoder.of(VarIntCoder.of(), SpilledRecords.Coder.of()));
    PCollectionView<Long> totalBytes =
        spilled
            .apply(
                "Measure samples",
                MapElements.into(TypeDescriptors.longs()).via(kv -> kv.getValue().measured()))
            .apply("Sum sample bytes", Sum.longsGlobally())
            .apply("Total bytes", View.asSingleton());
    return spilled
        .apply(
            "Assign shards",
            ParDo.of(new AssignShardFn(totalBytes, options.targetBytes()))
                .withSideInputs(totalBytes))
        .setCoder(KvCoder.of(VarIntCoder.of(), SpilledRecords.Coder.of()))
        .apply("Group by shard", GroupByKey.create())
        .apply(
            "Write shard files",
            ParDo.of(new WriteShardFn(format, options, staging, totalBytes))
                .withSideInputs(totalBytes));
  }

  /** The bucket of a key hash: its top {@link #BUCKET_BITS} bits. */
  static int bucketOf(long keyHash) {
    return (int) (keyHash >>> (64 - BUCKET_BITS));
  }

  /** Appends a bundle's records to its spill file; emits where each bucket's records are. */
  static final class SpillFn extends DoFn<Sample, KV<Integer, SpilledRecords>> {
    private final String staging;
    private transient Path file;
    private transient OutputStream out;
    private transient long position;
    private transient Map<Integer, BucketRecords> buckets;

    SpillFn(String staging) {
      this.staging = staging;
    }

    @StartBundle
    public void startBundle() {
      file = null;
      out = null;
      position = 0;
      buckets = new TreeMap<>();
    }

    @ProcessElement
    public void process(@Element Sample sample) throws IOException {
      if (out == null) {
        Path dir =
            Locations.isRemote(staging)
                ? Path.of(System.getProperty("java.io.tmpdir"))
                : StagingLayout.parts(Path.of(staging)).resolve(SPILL_DIR);
        Files.createDirectories(dir);
        file = dir.resolve("kiln-" + UUID.randomUUID() + ".spill");
        out =
            new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), 1 << 16);
      }
      EncodedSample encoded = EncodedSample.of(sample);
      byte[] record = encoded.record();
      long hash = SampleOrder.hash(sample.key());
      out.write(record);
      buckets
          .computeIfAbsent(bucketOf(hash), b -> new BucketRecords())
          .add(hash, position, record.length, measure(encoded.imageLength()));
      position += record.length;
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) throws IOException {
      if (out == null) {
        return;
      }
      out.close();
      out = null;
      String location = file.toString();
      if (Locations.isRemote(staging)) {
        location = uploadByBucket();
      }
      for (Map.Entry<Integer, BucketRecords> e : buckets.entrySet()) {
        c.output(
            KV.of(e.getKey(), e.getValue().spilled(location, e.getKey())),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
    }

    /**
     * Uploads the bundle's local spill file below the remote staging prefix with its records
     * reordered by bucket, so a shard's writer reads each reference with one sequential ranged
     * read; the references' offsets are moved to match. Deletes the local file.
     */
    private String uploadByBucket() throws IOException {
      String location =
          WorkerStaging.resolve(
              staging, StagingLayout.PARTS + "/" + SPILL_DIR + "/" + file.getFileName().toString());
      Path ordered = file.resolveSibling(file.getFileName() + ".ordered");
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
          OutputStream sorted =
              new BufferedOutputStream(
                  Files.newOutputStream(ordered, StandardOpenOption.CREATE_NEW), 1 << 16)) {
        long at = 0;
        for (BucketRecords bucket : buckets.values()) {
          for (int i = 0; i < bucket.size; i++) {
            ByteBuffer record = ByteBuffer.allocate(bucket.lengths[i]);
            readFully(in, record, bucket.offsets[i], file.toString());
            sorted.write(record.array());
            bucket.offsets[i] = at;
            at += bucket.lengths[i];
          }
        }
      }
      try {
        WorkerStaging.upload(ordered, location);
      } finally {
        Files.deleteIfExists(ordered);
        Files.deleteIfExists(file);
      }
      return location;
    }
  }

  /** Fills {@code record} from {@code file} at {@code at}. */
  private static void readFully(SeekableByteChannel file, ByteBuffer record, long at, String name)
      throws IOException {
    if (file instanceof FileChannel local) {
      while (record.hasRemaining()) {
        if (local.read(record, at + record.position()) < 0) {
          throw new IOException(name + " ends before its record at " + at);
        }
      }
      return;
    }
    // A remote object's channel streams from where it is: seek only when not there already.
    if (file.position() != at) {
      file.position(at);
    }
    while (record.hasRemaining()) {
      if (file.read(record) < 0) {
        throw new IOException(name + " ends before its record at " + at);
      }
    }
  }

  /** One bucket's records in one bundle's file, as they are appended. */
  private static final class BucketRecords {
    private long[] hashes = new long[8];
    private long[] offsets = new long[8];
    private int[] lengths = new int[8];
    private int size;
    private long measured;

    void add(long hash, long offset, int length, long measure) {
      if (size == hashes.length) {
        hashes = java.util.Arrays.copyOf(hashes, 2 * size);
        offsets = java.util.Arrays.copyOf(offsets, 2 * size);
        lengths = java.util.Arrays.copyOf(lengths, 2 * size);
      }
      hashes[size] = hash;
      offsets[size] = offset;
      lengths[size] = length;
      size++;
      measured += measure;
    }

    SpilledRecords spilled(String file, int bucket) {
      return new SpilledRecords(
          file,
          bucket,
          java.util.Arrays.copyOf(hashes, size),
          java.util.Arrays.copyOf(offsets, size),
          java.util.Arrays.copyOf(lengths, size),
          measured);
    }
  }

  /** Sends each bucket's references to every shard its records' hashes fall in. */
  static final class AssignShardFn
      extends DoFn<KV<Integer, SpilledRecords>, KV<Integer, SpilledRecords>> {
    private final PCollectionView<Long> totalBytes;
    private final long shardSize;

    AssignShardFn(PCollectionView<Long> totalBytes, long shardSize) {
      this.totalBytes = totalBytes;
      this.shardSize = shardSize;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int shards = shardCount(c.sideInput(totalBytes), shardSize);
      SpilledRecords records = c.element().getValue();
      // Shards are contiguous ranges of the hash space: the lowest and highest hash bound them.
      int first = SampleOrder.shardOfHash(records.minHash(), shards);
      int last = SampleOrder.shardOfHash(records.maxHash(), shards);
      for (int s = first; s <= last; s++) {
        c.output(KV.of(s, records));
      }
    }
  }

  /** Writes one shard from its buckets' spilled records, a bucket at a time, in hash order. */
  static final class WriteShardFn extends DoFn<KV<Integer, Iterable<SpilledRecords>>, Integer> {
    private final ShardFormat format;
    private final ShardOptions options;
    private final String staging;
    private final PCollectionView<Long> totalBytes;

    WriteShardFn(
        ShardFormat format,
        ShardOptions options,
        String staging,
        PCollectionView<Long> totalBytes) {
      this.format = format;
      this.options = options;
      this.staging = staging;
      this.totalBytes = totalBytes;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      int shard = c.element().getKey();
      int shards = shardCount(c.sideInput(totalBytes), options.targetBytes());
      TreeMap<Integer, List<SpilledRecords>> byBucket = new TreeMap<>();
      for (SpilledRecords r : c.element().getValue()) {
        byBucket.computeIfAbsent(r.bucket(), b -> new ArrayList<>()).add(r);
      }
      // A remote staging prefix gets the shard from a private directory once it is complete.
      Path dir = WorkerStaging.localDir(staging);
      StagedShard out = StagedShard.open(format, options, dir, shard);
      Map<String, SeekableByteChannel> files = new HashMap<>();
      try {
        for (List<SpilledRecords> bucket : byBucket.values()) {
          for (EncodedSample s : bucketSamples(bucket, shard, shards, files)) {
            out.add(s);
          }
        }
        out.finish();
      } catch (IOException | RuntimeException e) {
        out.abort();
        if (Locations.isRemote(staging)) {
          FileTrees.delete(dir);
        }
        throw e;
      } finally {
        for (SeekableByteChannel f : files.values()) {
          f.close();
        }
      }
      WorkerStaging.deliver(dir, staging);
      c.output(shard);
    }

    /**
     * The records of one bucket that belong to {@code shard}, in {@link SampleOrder#KEYS} order.
     */
    private static List<EncodedSample> bucketSamples(
        List<SpilledRecords> parts, int shard, int shards, Map<String, SeekableByteChannel> files)
        throws IOException {
      List<EncodedSample> samples = new ArrayList<>();
      List<Long> hashes = new ArrayList<>();
      for (SpilledRecords part : parts) {
        SeekableByteChannel file = files.get(part.file());
        if (file == null) {
          file =
              Locations.isRemote(part.file())
                  ? WorkerStaging.open(part.file())
                  : FileChannel.open(Path.of(part.file()), StandardOpenOption.READ);
          files.put(part.file(), file);
        }
        for (int i = 0; i < part.keyHashes().length; i++) {
          if (SampleOrder.shardOfHash(part.keyHashes()[i], shards) != shard) {
            continue;
          }
          ByteBuffer record = ByteBuffer.allocate(part.lengths()[i]);
          readFully(file, record, part.offsets()[i], part.file());
          samples.add(EncodedSample.parse(record.array()));
          hashes.add(part.keyHashes()[i]);
        }
      }
      long[] hashArray = new long[hashes.size()];
      String[] keys = new String[hashes.size()];
      for (int i = 0; i < keys.length; i++) {
        hashArray[i] = hashes.get(i);
        keys[i] = samples.get(i).key();
      }
      List<EncodedSample> sorted = new ArrayList<>(keys.length);
      for (int i : SampleOrder.order(hashArray, keys)) {
        sorted.add(samples.get(i));
      }
      return sorted;
    }
  }

  /** A sample's share of the shard-size estimate: its image plus the per-sample framing. */
  public static long measure(Sample sample) {
    return measure(sample.image().length);
  }

  /** The share of a sample whose image is {@code imageLength} bytes long. */
  public static long measure(int imageLength) {
    return imageLength + PER_SAMPLE_OVERHEAD;
  }

  /** How many shards samples measuring {@code totalBytes} in all are split into. */
  public static int shardCount(long totalBytes, long shardSize) {
    return (int) Math.max(1, Math.min(99_999, (totalBytes + shardSize - 1) / shardSize));
  }
}
