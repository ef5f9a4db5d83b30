package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import com.sun.nio.file.ExtendedOpenOption;
import dev.kiln.formats.Closeables;
import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.StoredRecord;
import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Random-access reader of a Kiln dataset directory (shards plus {@code index.kidx}).
 *
 * <p>Opening reads the index in one read and checks every shard's size and trailer against it, so
 * truncated or replaced shards fail here with {@link CorruptShardException} rather than in the
 * middle of an epoch. After that, {@link #get(int)} and {@link #get(String)} are resolved from the
 * in-memory index and cost exactly one positional read each: the window {@code [alignDown(offset),
 * alignUp(offset + length))} (4096-byte granularity with O_DIRECT, the shard alignment otherwise),
 * into a per-thread reusable buffer. Every record's checksum (CRC-32, or CRC32C in format version
 * 1) is verified; a mismatch throws {@link CorruptRecordException} and leaves the other records
 * readable.
 *
 * <p>Thread-safe: any number of threads may read concurrently (positional reads share no file
 * position). A thread interrupted during a read gets an exception, and the shard's channel, which
 * Java closes on interrupt, is reopened so the other threads carry on.
 *
 * <p>Record order ({@code get(i)}) is the dataset order: shards in shard order, records in file
 * order. Reads cost the same in any order; {@link EpochOrder} gives the shuffled order of an epoch,
 * the same in Java and Python.
 */
public final class KilnDataset implements Iterable<Sample>, Closeable {
  private static final System.Logger LOG = System.getLogger(KilnDataset.class.getName());

  /** Thread buffers above this size are not kept, so one huge record doesn't pin memory. */
  private static final int MAX_RETAINED_BUFFER = 64 << 20;

  private static final int MIN_BUFFER = 256 << 10;

  /** The local dataset directory; null for a dataset on object storage. */
  private final Path dir;

  /** Where the dataset is, for messages: the directory or its s3:// location. */
  private final String location;

  /** The object-store client a remote dataset owns; else null. */
  private final Closeable store;

  private final DatasetIndex index;

  /** The index's checksum, which every record read is checked with. */
  private final LayoutChecksum checksum;

  private final Shard[] shards;
  private final String directFallback;
  private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();
  private final LongAdder readCalls = new LongAdder();

  /** The manifest's shard files by name, once read ({@link #shardSha256}). */
  private volatile Map<String, ShardFile> manifestShards;

  private volatile boolean closed;

  /** One shard file and its read channel; the channel is replaced if an interrupt closes it. */
  /**
   * One shard file, open as up to {@link ReadOptions#channelsPerShard()} channels that reader
   * threads are spread over by thread id. Every positional read registers the calling thread with
   * its channel under that channel's lock (so an interrupt can close it); with 32 threads on one
   * channel that lock held random reads to ~0.7x of fio (which opens the file once per job) on a
   * 2-core machine. The first channel is opened eagerly (it proves the file opens); the others on
   * first use.
   */
  private static final class Shard {
    final Path path;
    final boolean direct;

    /** For a shard on object storage: its ranged reads (no channels then); else null. */
    final RangeSource remote;

    private final AtomicReferenceArray<FileChannel> stripes;

    Shard(Path path, boolean direct, FileChannel channel, int channels) {
      this.path = path;
      this.direct = direct;
      this.remote = null;
      this.stripes = new AtomicReferenceArray<>(channels);
      stripes.set(0, channel);
    }

    Shard(Path path, RangeSource remote) {
      this.path = path;
      this.direct = false;
      this.remote = remote;
      this.stripes = new AtomicReferenceArray<>(1);
    }

    /** The calling thread's channel. */
    FileChannel channel() throws IOException {
      int k = (int) (Thread.currentThread().getId() % stripes.length());
      FileChannel c = stripes.get(k);
      return c != null ? c : openStripe(k);
    }

    private synchronized FileChannel openStripe(int k) throws IOException {
      FileChannel c = stripes.get(k);
      if (c == null) {
        c = open();
        stripes.set(k, c);
      }
      return c;
    }

    private FileChannel open() throws IOException {
      return direct ? directOpener.open(path) : FileChannel.open(path, StandardOpenOption.READ);
    }

    synchronized void reopen(FileChannel failed) throws IOException {
      for (int k = 0; k < stripes.length(); k++) {
        if (stripes.get(k) == failed) {
          stripes.set(k, open());
        }
      }
    }

    void close() throws IOException {
      List<Closeable> open = new ArrayList<>();
      for (int k = 0; k < stripes.length(); k++) {
        open.add(stripes.getAndSet(k, null));
      }
      Closeables.closeEach(open);
    }
  }

  /**
   * Byte ranges of a shard that is not a local file (an object on S3): each call is one request.
   * Must be thread-safe.
   */
  interface RangeSource {
    /** Reads {@code length} bytes at {@code position} into {@code into}, at its position. */
    void read(ByteBuffer into, long position, int length) throws IOException;
  }

  /** Opens a shard for O_DIRECT reads. */
  interface DirectOpener {
    FileChannel open(Path shard) throws IOException;
  }

  /**
   * Replaceable so tests can simulate a filesystem that refuses O_DIRECT: tmpfs accepts it since
   * Linux 6.6, so a test machine may have no refusing filesystem at hand.
   */
  static volatile DirectOpener directOpener = KilnDataset::openDirect;

  private KilnDataset(Path dir, DatasetIndex index, Shard[] shards, String directFallback) {
    this(dir, dir.toString(), index, shards, directFallback, null);
  }

  private KilnDataset(
      Path dir,
      String location,
      DatasetIndex index,
      Shard[] shards,
      String directFallback,
      Closeable store) {
    this.dir = dir;
    this.location = location;
    this.index = index;
    this.checksum = index.checksum();
    this.shards = shards;
    this.directFallback = directFallback;
    this.store = store;
  }

  /**
   * Opens a dataset by location: a local directory, or {@code s3://bucket/prefix} (a dataset or a
   * versioned root, whose {@code CURRENT} object names the version to open), reached with the
   * standard AWS settings ({@link S3Access#fromEnvironment}). On S3, opening reads the index once
   * and checks every shard's size and trailer; each sample is then one ranged GET.
   */
  public static KilnDataset open(String location) throws IOException {
    if (!S3Location.isS3(location)) {
      return open(Path.of(location));
    }
    S3Objects store = new S3Objects(S3Access.fromEnvironment());
    try {
      return openRemote(S3Location.parse(location), store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens the dataset at {@code location} on object storage through {@code store}, which the
   * dataset then owns and closes.
   */
  public static KilnDataset open(S3Location location, S3Objects store) throws IOException {
    return openRemote(location, store);
  }

  private static KilnDataset openRemote(S3Location given, S3Objects store) throws IOException {
    S3Location dir = given;
    S3Location current = given.resolve(DatasetRoot.CURRENT);
    if (store.exists(current)) {
      dir = given.resolve(store.readString(current).trim());
    }
    if (!store.exists(dir.resolve(Manifest.FILE_NAME))) {
      // manifest.json is written last: without it the dataset is not (yet) published.
      throw new NoSuchFileException(
          dir.resolve(Manifest.FILE_NAME).toString(),
          null,
          "no published dataset there (its manifest.json is written last)");
    }
    S3Location indexObject = dir.resolve(INDEX_FILE_NAME);
    DatasetIndex index =
        DatasetIndex.parse(store.read(indexObject), Path.of(indexObject.toString()));
    Map<String, Long> sizes = new HashMap<>();
    for (var o : store.list(dir)) {
      sizes.put(o.key().substring(dir.prefix().length()), o.size());
    }
    Shard[] shards = new Shard[index.shardCount()];
    for (int s = 0; s < shards.length; s++) {
      S3Location object = dir.resolve(index.shardFileName(s));
      Path name = Path.of(object.toString());
      Long size = sizes.get(index.shardFileName(s));
      if (size == null) {
        throw new CorruptShardException(name, "missing (listed in " + INDEX_FILE_NAME + ")");
      }
      RangeSource source =
          (into, position, length) -> into.put(store.readRange(object, position, length));
      checkTrailer(name, size, index, s, source);
      shards[s] = new Shard(name, source);
    }
    return new KilnDataset(null, dir.toString(), index, shards, null, store);
  }

  /** Checks a remote shard's size and trailer against the index (one ranged read). */
  private static void checkTrailer(
      Path path, long size, DatasetIndex index, int s, RangeSource source) throws IOException {
    if (size != index.shardFileSize(s)) {
      throw new CorruptShardException(
          path,
          "object is "
              + size
              + " bytes but the index says "
              + index.shardFileSize(s)
              + (size < index.shardFileSize(s) ? " (truncated)" : ""));
    }
    if (size < HDR_FIXED_SIZE + TRAILER_SIZE) {
      throw new CorruptShardException(path, "only " + size + " bytes");
    }
    ByteBuffer t = LayoutCodec.le(TRAILER_SIZE);
    source.read(t, size - TRAILER_SIZE, TRAILER_SIZE);
    LayoutCodec.Trailer trailer;
    try {
      trailer = LayoutCodec.parseTrailer(t.flip(), size, path.toString(), index.checksum());
    } catch (IllegalArgumentException e) {
      throw new CorruptShardException(path, e.getMessage());
    }
    if (trailer.footerCrc() != index.shardFooterCrc32c(s)
        || trailer.recordCount() != index.shardRecordCount(s)) {
      throw new CorruptShardException(path, "trailer does not match " + INDEX_FILE_NAME);
    }
  }

  /** Opens a dataset directory with {@link ReadOptions#defaults()}. */
  public static KilnDataset open(Path datasetDir) throws IOException {
    return open(datasetDir, ReadOptions.defaults());
  }

  /**
   * Opens a dataset directory.
   *
   * @throws CorruptIndexException if {@code index.kidx} is damaged
   * @throws CorruptShardException if a shard is missing, truncated, has bad magic or a trailer or
   *     footer that doesn't match the index
   * @throws NoSuchFileException if there is no index and {@link ReadOptions#requireIndex()}
   */
  public static KilnDataset open(Path datasetDir, ReadOptions options) throws IOException {
    // A versioned output root opens the version its CURRENT link points to.
    datasetDir = DatasetRoot.resolve(datasetDir);
    Path indexFile = datasetDir.resolve(INDEX_FILE_NAME);
    DatasetIndex index;
    if (Files.exists(indexFile)) {
      index = DatasetIndex.read(indexFile);
    } else if (options.requireIndex()) {
      throw new NoSuchFileException(
          indexFile.toString(), null, "dataset index missing (write it with DatasetIndexWriter)");
    } else {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} missing: reading every shard footer instead",
          indexFile);
      index = DatasetIndex.fromShardFiles(datasetDir, false);
    }
    Shard[] shards = new Shard[index.shardCount()];
    String fallback = null;
    boolean tryDirect = options.directIo();
    try {
      for (int s = 0; s < shards.length; s++) {
        Path path = datasetDir.resolve(index.shardFileName(s));
        FileChannel buffered = openChecked(path, index, s, options.verifyFootersOnOpen());
        FileChannel direct = null;
        if (tryDirect) {
          try {
            direct = directOpener.open(path);
          } catch (IOException | UnsupportedOperationException e) {
            // Typical: tmpfs, some FUSE/network filesystems and old overlayfs answer EINVAL.
            fallback = "O_DIRECT refused for " + path + " (" + e + "); using buffered reads";
            LOG.log(System.Logger.Level.WARNING, fallback);
            tryDirect = false;
            shards = downgrade(shards, s, options.channelsPerShard());
          }
        }
        if (direct != null) {
          buffered.close();
          shards[s] = new Shard(path, true, direct, options.channelsPerShard());
        } else {
          shards[s] = new Shard(path, false, buffered, options.channelsPerShard());
        }
      }
    } catch (IOException | RuntimeException e) {
      try {
        closeAll(shards);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new KilnDataset(datasetDir, index, shards, fallback);
  }

  /** Reopens the first {@code n} (direct) shards buffered, so the whole dataset reads one way. */
  private static Shard[] downgrade(Shard[] shards, int n, int channels) throws IOException {
    for (int s = 0; s < n; s++) {
      shards[s].close();
      shards[s] =
          new Shard(
              shards[s].path,
              false,
              FileChannel.open(shards[s].path, StandardOpenOption.READ),
              channels);
    }
    return shards;
  }

  /** Opens with O_DIRECT and proves it with one aligned read (some filesystems fail only then). */
  private static FileChannel openDirect(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
    try {
      ByteBuffer probe =
          ByteBuffer.allocateDirect(2 * DIRECT_IO_ALIGN).alignedSlice(DIRECT_IO_ALIGN);
      probe.limit(DIRECT_IO_ALIGN);
      ch.read(probe, 0);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Opens a shard buffered and checks size and trailer (and optionally footer) against the index.
   */
  private static FileChannel openChecked(Path path, DatasetIndex index, int s, boolean footer)
      throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new CorruptShardException(path, "missing (listed in " + INDEX_FILE_NAME + ")");
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size != index.shardFileSize(s)) {
        throw new CorruptShardException(
            path,
            "file is "
                + size
                + " bytes but the index says "
                + index.shardFileSize(s)
                + (size < index.shardFileSize(s) ? " (truncated)" : ""));
      }
      if (size < HDR_FIXED_SIZE + TRAILER_SIZE) {
        throw new CorruptShardException(path, "only " + size + " bytes");
      }
      ByteBuffer t = LayoutCodec.le(TRAILER_SIZE);
      readFully(ch, t, size - TRAILER_SIZE);
      LayoutCodec.Trailer trailer;
      try {
        trailer = LayoutCodec.parseTrailer(t.flip(), size, path.toString(), index.checksum());
      } catch (IllegalArgumentException e) {
        throw new CorruptShardException(path, e.getMessage());
      }
      if (trailer.footerCrc() != index.shardFooterCrc32c(s)
          || trailer.recordCount() != index.shardFileRecordCount(s)) {
        throw new CorruptShardException(
            path,
            "trailer ("
                + trailer.recordCount()
                + " records, footer CRC "
                + LayoutCodec.hex(trailer.footerCrc())
                + ") does not match "
                + INDEX_FILE_NAME
                + " ("
                + index.shardFileRecordCount(s)
                + " records, footer CRC "
                + LayoutCodec.hex(index.shardFooterCrc32c(s))
                + ")");
      }
      if (footer) {
        ByteBuffer f = LayoutCodec.le((int) trailer.footerLength());
        readFully(ch, f, trailer.footerOffset());
        int crc = index.checksum().of(f.flip());
        if (crc != trailer.footerCrc()) {
          throw new CorruptShardException(
              path,
              "footer "
                  + index.checksum().label()
                  + " mismatch (stored "
                  + LayoutCodec.hex(trailer.footerCrc())
                  + ", computed "
                  + LayoutCodec.hex(crc)
                  + ")");
        }
        // The index lists the shard's records, or (a shard shared by versions) some of them,
        // in footer order: each listed entry must be the next footer entry at its offset.
        int first = index.shardFirstRecord(s);
        int listed = index.shardRecordCount(s);
        int r = 0;
        for (long k = 0; k < trailer.recordCount() && r < listed; k++) {
          IndexEntry e = index.entry(first + r);
          long off = f.getLong();
          int len = f.getInt();
          int rc = f.getInt();
          byte[] key = new byte[Short.toUnsignedInt(f.getShort())];
          f.get(key);
          if (off != e.offset()) {
            continue;
          }
          if (len != e.length()
              || rc != e.crc32c()
              || !new String(key, java.nio.charset.StandardCharsets.UTF_8).equals(e.key())) {
            throw new CorruptShardException(
                path, "footer entry " + k + " differs from " + INDEX_FILE_NAME);
          }
          r++;
        }
        if (r < listed) {
          throw new CorruptShardException(
              path,
              INDEX_FILE_NAME + " entry " + (first + r) + " is no record of the shard's footer");
        }
      }
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long start = position - b.position();
    while (b.hasRemaining()) {
      if (ch.read(b, start + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  // ------------------------------------------------------------------ queries

  /** Number of samples. */
  public int size() {
    return index.size();
  }

  /** The dataset directory; null for a dataset on object storage ({@link #location()}). */
  public Path directory() {
    return dir;
  }

  /** Where the dataset is: its directory, or its {@code s3://} location. */
  public String location() {
    return location;
  }

  /** Whether the dataset is read from object storage (ranged GETs) rather than local files. */
  public boolean remote() {
    return store != null;
  }

  /** The in-memory index (shards, keys, offsets, lengths, CRCs). */
  public DatasetIndex index() {
    return index;
  }

  /** Keys in dataset order. */
  public List<String> keys() {
    return index.keys();
  }

  /** Key of sample {@code i}, from the index (no I/O). */
  public String key(int i) {
    return index.key(i);
  }

  /** Position of {@code key} in dataset order, or -1 (no I/O). */
  public int indexOf(String key) {
    return index.indexOf(key);
  }

  /** True when records are read with O_DIRECT. */
  public boolean directIo() {
    return shards.length > 0 && shards[0].direct;
  }

  /** Why O_DIRECT was requested but not used, if that happened. */
  public Optional<String> directIoFallback() {
    return Optional.ofNullable(directFallback);
  }

  /**
   * Positional read calls issued by record reads so far (one per record unless a read was short).
   */
  public long readCalls() {
    return readCalls.sum();
  }

  /**
   * Sample {@code i} in dataset order.
   *
   * @throws CorruptRecordException if its bytes fail their checksum or disagree with the index
   */
  public Sample get(int i) {
    byte[] record = readRecord(i);
    Sample s;
    try {
      s = SampleCodec.decode(record);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          shardPath(i),
          i,
          index.key(i),
          "CRC matches but the record does not decode: " + e.getMessage());
    }
    if (!s.key().equals(index.key(i))) {
      throw new CorruptRecordException(
          shardPath(i),
          i,
          index.key(i),
          "record holds key '" + s.key() + "' (index and shard disagree)");
    }
    return s;
  }

  /**
   * The sample with this key.
   *
   * @throws NoSuchElementException if the dataset has no such key
   */
  public Sample get(String key) {
    int i = index.indexOf(key);
    if (i < 0) {
      throw new NoSuchElementException("no sample with key '" + key + "' in " + location);
    }
    return get(i);
  }

  /**
   * The raw record bytes of sample {@code i} (Avro binary under the dataset schema), read with one
   * positional read and checked against its checksum.
   */
  public byte[] readRecord(int i) {
    return readRecord(
        i,
        record -> {
          byte[] out = new byte[record.remaining()];
          record.get(out);
          return out;
        });
  }

  /**
   * Reads sample {@code i}'s record with one positional read, verifies its checksum and hands
   * {@code reader} a read-only view of the record bytes in this thread's read buffer, without
   * copying them out: a loader that decodes the image straight from the view saves a copy and an
   * allocation per sample. The view is only valid during the call.
   */
  public <T> T readRecord(int i, Function<ByteBuffer, T> reader) {
    Shard shard = shards[index.shardOf(i)];
    long offset = index.offset(i);
    int length = index.length(i);
    ByteBuffer buf = read(i, offset, length, true);
    int computed = checksum.of(buf);
    if (computed != index.crc32c(i)) {
      throw new CorruptRecordException(
          shard.path,
          i,
          index.key(i),
          checksum.label()
              + " mismatch (stored "
              + LayoutCodec.hex(index.crc32c(i))
              + ", computed "
              + LayoutCodec.hex(computed)
              + ") for record at offset "
              + offset
              + ", "
              + length
              + " bytes");
    }
    return reader.apply(buf.asReadOnlyBuffer());
  }

  /**
   * Reads {@code length} bytes of sample {@code i}'s record from byte {@code from} of it with one
   * positional read, and hands {@code reader} a read-only view of them, valid during the call.
   * Unlike {@link #readRecord} it cannot check the record's checksum: it is for reading a few of a
   * record's fields (its image length, the fields after the image) while the rest stays unread.
   *
   * @throws IllegalArgumentException if the part does not lie inside the record
   */
  public <T> T readRecordPart(int i, int from, int length, Function<ByteBuffer, T> reader) {
    if (from < 0 || length < 0 || (long) from + length > index.length(i)) {
      throw new IllegalArgumentException(
          "bytes ["
              + from
              + ", "
              + ((long) from + length)
              + ") are not inside record "
              + i
              + " ("
              + index.length(i)
              + " bytes)");
    }
    return reader.apply(read(i, index.offset(i) + from, length, false).asReadOnlyBuffer());
  }

  /** Where sample {@code i}'s record lies: shard file, number there, offset, length, checksum. */
  public StoredRecord storedRecord(int i) {
    int shard = index.shardOf(i);
    return new StoredRecord(
        shards[shard].path,
        i - index.shardFirstRecord(shard),
        index.offset(i),
        index.length(i),
        index.crc32c(i),
        shardSha256(shard));
  }

  /**
   * The SHA-256 of a shard file as the dataset's {@code manifest.json} states it, or null when
   * there is no manifest or it lists the shard at another size. Read on first use.
   */
  private String shardSha256(int shard) {
    Map<String, ShardFile> listed = manifestShards;
    if (listed == null) {
      listed = new HashMap<>();
      try {
        if (dir != null && Files.exists(dir.resolve(Manifest.FILE_NAME))) {
          for (ShardFile f : Manifest.readFrom(dir).shards()) {
            listed.put(f.name(), f);
          }
        }
      } catch (IOException | RuntimeException e) {
        // Without a readable manifest, copies are hashed as they are written.
        LOG.log(System.Logger.Level.DEBUG, "no shard digests from the manifest in " + dir, e);
      }
      manifestShards = listed;
    }
    ShardFile f = listed.get(index.shardFileName(shard));
    return f != null && f.bytes() == index.shardFileSize(shard) && !f.sha256().isEmpty()
        ? f.sha256()
        : null;
  }

  /**
   * The length of sample {@code i}'s image, read from the first bytes of its record (its key and
   * the image's length): what measuring a sample needs, without reading the rest.
   */
  public int imageLength(int i) {
    int length = index.length(i);
    int head = Math.min(length, SampleCodec.imageLengthEnd(index.key(i)));
    return readRecordPart(i, 0, head, start -> SampleCodec.imageLength(start, length));
  }

  /**
   * Sample {@code i}, whose image is {@code imageLength} bytes long ({@link #imageLength}), as a
   * record that stays where it is ({@link EncodedSample#stored}): only the fields after its image
   * are read, for a catalog row. A Kiln shard writer copies the record's bytes; {@link
   * EncodedSample#record()} reads them ({@link #readRecord}).
   *
   * @throws CorruptRecordException if the record has no image of that length or its fields after
   *     the image do not decode
   */
  public EncodedSample storedSample(int i, int imageLength) {
    String key = index.key(i);
    int length = index.length(i);
    int fields = SampleCodec.fieldsAfterImage(key, imageLength);
    if (imageLength < 0 || fields > length) {
      throw new CorruptRecordException(
          shardPath(i),
          i,
          key,
          "a record of " + length + " bytes has no image of " + imageLength + " bytes");
    }
    Sample withoutImage;
    try {
      withoutImage =
          readRecordPart(
              i, fields, length - fields, tail -> SampleCodec.decodeAfterImage(key, tail));
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(shardPath(i), i, key, e.getMessage());
    }
    return EncodedSample.stored(withoutImage, imageLength, storedRecord(i), () -> readRecord(i));
  }

  /**
   * Reads the {@code length} bytes at {@code offset} of sample {@code i}'s shard with one
   * positional read into this thread's buffer, which it returns positioned on them.
   *
   * @param wholeBlocks whether a buffered read takes the whole alignment blocks the bytes lie in (a
   *     record read, one aligned I/O as the format intends) or just the bytes (a part of a record:
   *     its first bytes or the fields after its image, a few hundred bytes that a block read would
   *     copy 4 KiB or more for); direct I/O always reads whole blocks
   */
  private ByteBuffer read(int i, long offset, int length, boolean wholeBlocks) {
    if (closed) {
      throw new IllegalStateException("dataset " + location + " is closed");
    }
    Shard shard = shards[index.shardOf(i)];
    // A ranged GET costs per request, not per block: it takes exactly the bytes.
    long block =
        shard.remote != null
            ? 1
            : shard.direct ? DIRECT_IO_ALIGN : wholeBlocks ? Math.max(1, index.align()) : 1;
    long start = alignDown(offset, block);
    long end = alignUp(offset + length, block);
    if (end - start > Integer.MAX_VALUE - 2L * DIRECT_IO_ALIGN) {
      throw new CorruptRecordException(
          shard.path, i, index.key(i), "record length " + length + " too large");
    }
    int window = (int) (end - start);
    int need = (int) (offset + length - start);
    ByteBuffer buf = buffer(window, shard.direct);
    int got = readWindow(shard, buf, start, window, need, i);
    if (got < need) {
      throw new CorruptRecordException(
          shard.path,
          i,
          index.key(i),
          "short read: "
              + got
              + " of "
              + need
              + " bytes at "
              + start
              + " (file truncated after open?)");
    }
    int at = (int) (offset - start);
    return buf.limit(at + length).position(at);
  }

  private int readWindow(Shard shard, ByteBuffer buf, long start, int window, int need, int i) {
    if (shard.remote != null) {
      buf.clear().limit(window);
      try {
        shard.remote.read(buf, start, need);
      } catch (IOException e) {
        throw new UncheckedIOException("reading record " + i + " from " + shard.path, e);
      }
      readCalls.increment();
      return buf.position();
    }
    for (int attempt = 0; ; attempt++) {
      FileChannel ch;
      try {
        ch = shard.channel();
      } catch (IOException e) {
        throw new UncheckedIOException("opening " + shard.path + " for record " + i, e);
      }
      buf.clear().limit(window);
      try {
        while (buf.position() < need) {
          int requested = buf.remaining();
          int r = ch.read(buf, start + buf.position());
          readCalls.increment();
          // A short read on a regular file means end of file; with O_DIRECT a retry would also
          // be at an unaligned position, so stop and let the caller report the truncation.
          if (r <= 0 || (shard.direct && r < requested)) {
            break;
          }
        }
        return buf.position();
      } catch (ClosedByInterruptException e) {
        reopenQuietly(shard, ch);
        throw new UncheckedIOException(
            "interrupted while reading record " + i + " from " + shard.path, e);
      } catch (ClosedChannelException e) {
        // Another thread's interrupt closed the shared channel under us: reopen and retry once.
        if (closed) {
          throw new IllegalStateException("dataset " + dir + " is closed", e);
        }
        if (attempt > 0) {
          throw new UncheckedIOException("reading record " + i + " from " + shard.path, e);
        }
        reopenQuietly(shard, ch);
      } catch (IOException e) {
        throw new UncheckedIOException("reading record " + i + " from " + shard.path, e);
      }
    }
  }

  private void reopenQuietly(Shard shard, FileChannel failed) {
    if (closed) {
      return;
    }
    try {
      shard.reopen(failed);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not reopen " + shard.path, e);
    }
  }

  /** This thread's read buffer, grown to {@code n} bytes; 4096-aligned for O_DIRECT. */
  private ByteBuffer buffer(int n, boolean direct) {
    ByteBuffer b = buffers.get();
    if (b != null && b.capacity() >= n) {
      return b;
    }
    int capacity =
        (int)
            Math.min(
                Integer.MAX_VALUE - 2L * DIRECT_IO_ALIGN,
                Math.max(MIN_BUFFER, alignUp(n, 64 << 10)));
    b =
        direct
            ? ByteBuffer.allocateDirect(capacity + DIRECT_IO_ALIGN).alignedSlice(DIRECT_IO_ALIGN)
            : ByteBuffer.allocateDirect(capacity);
    if (capacity <= MAX_RETAINED_BUFFER) {
      buffers.set(b);
    }
    return b;
  }

  private Path shardPath(int i) {
    return shards[index.shardOf(i)].path;
  }

  /** Samples in dataset order. */
  @Override
  public Iterator<Sample> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size();
      }

      @Override
      public Sample next() {
        if (next >= size()) {
          throw new NoSuchElementException();
        }
        return get(next++);
      }
    };
  }

  /** Samples in dataset order; parallel streams read concurrently. */
  public Stream<Sample> stream() {
    return IntStream.range(0, size()).mapToObj(this::get);
  }

  /** Closes all shard files. Reads after close throw {@link IllegalStateException}. */
  @Override
  public void close() throws IOException {
    closed = true;
    closeAll(shards);
    if (store != null) {
      store.close();
    }
  }

  private static void closeAll(Shard[] shards) throws IOException {
    List<Closeable> open = new ArrayList<>();
    for (Shard s : shards) {
      open.add(s == null ? null : s::close);
    }
    Closeables.closeEach(open);
  }
}
