package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import dev.kiln.formats.Closeables;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.StoredRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one Kiln shard ({@link ShardLayout}): header, records in the order given, footer index and
 * trailer. Records are {@link SampleCodec#encode(Sample)} bytes, each starting at an offset aligned
 * to {@code align} with zero padding in between.
 *
 * <p>The shard is written to {@code file + ".tmp"} and renamed to {@code file} (atomically, after
 * fsync) by {@link #close()}, so a shard file only ever exists complete. Output is deterministic:
 * the same samples in the same order with the same alignment give a byte-identical file.
 *
 * <p>A record that already lies in another file ({@link EncodedSample#stored()}, a sample carried
 * over from the previous version of a dataset) is copied from there. Records that lay one after
 * another there and follow each other here are copied as one byte range, padding included, in the
 * kernel: position-independent records and padding that depends only on the alignment make those
 * bytes exactly what writing the records one by one would give, and copying them is what makes a
 * run that carries nearly every sample over cheap. Each copied record is checked against its
 * source's checksum before the shard is finished. A record from a file of another format version (a
 * version 1 dataset carried into version 2 shards) has another checksum: it is read, checked
 * against its source's checksum and written with this shard's.
 *
 * <p>Not thread-safe: one writer per shard, used by one thread. Typical use:
 *
 * <pre>{@code
 * KilnShardWriter w = KilnShardWriter.open(dir.resolve(ShardLayout.shardFileName("train", 3)), 4096);
 * try {
 *   for (Sample s : samples) w.write(s);
 *   summaries.add(w.close());
 * } finally {
 *   w.abort(); // no-op after a successful close; deletes the .tmp file otherwise
 * }
 * }</pre>
 */
public final class KilnShardWriter {
  private static final byte[] ZEROS = new byte[4096];

  /**
   * A run is copied once it is this long, rather than when it ends: a shard of carried records is
   * one run, which would otherwise be copied, checksummed and synced only on {@link #close()},
   * after the caller has read every record's fields, instead of while it does.
   */
  private static final long RUN_LIMIT = 8L << 20;

  private final Path file;
  private final Path tmp;
  private final int align;
  private final int version;
  private final LayoutChecksum checksum;
  private final String schemaJson;
  private final ShardOutput out;
  private final List<IndexEntry> entries = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();

  /** Where the next record would start: the end of what is written and of the pending run. */
  private long position;

  private boolean closed;

  /**
   * The finished file's SHA-256 (for the manifest): taken as it was written, or that of the file it
   * turned out to be a copy of.
   */
  private String sha256;

  /**
   * Stored records to be copied as one range: from one file, one after another there, placed here
   * as they lay there. Copied when a record breaks the run, or on close.
   */
  private final List<StoredRecord> run = new ArrayList<>();

  /** Where the run's first record goes in this shard. */
  private long runStart;

  /** The files copied from, each opened once. */
  private final Map<Path, FileChannel> sources = new HashMap<>();

  /** The checksum of each file copied from, read from its header. */
  private final Map<Path, LayoutChecksum> sourceChecksums = new HashMap<>();

  /** The header as written, to compare with a file this shard may be a copy of. */
  private final byte[] header;

  /**
   * While this shard is, so far, a copy of one file from its first record on, each record at the
   * offset it has there: that file's record last copied. Null once the shard is no such copy (or
   * before its first record).
   */
  private StoredRecord copyOf;

  /** False once a record showed that this shard is no such copy. */
  private boolean maybeCopy = true;

  private KilnShardWriter(Path file, int align, int version) throws IOException {
    this.file = file;
    this.tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    this.align = align;
    this.version = version;
    this.checksum = LayoutChecksum.forVersion(version);
    this.schemaJson = SampleCodec.SCHEMA_JSON;
    this.header = LayoutCodec.encodeHeader(version, align, schemaJson);
    this.out = new ShardOutput(tmp, checksum);
    try {
      put(header, 0, header.length);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** Opens a writer with the default 4096-byte alignment. */
  public static KilnShardWriter open(Path file) throws IOException {
    return open(file, DEFAULT_ALIGN);
  }

  /**
   * Opens a writer for {@code file} (conventionally {@code <prefix>-NNNNN.kiln}, see {@link
   * ShardLayout#shardFileName}).
   *
   * @param align record alignment in bytes: 0 (packed) or a power of two; 4096 for one-I/O reads
   */
  public static KilnShardWriter open(Path file, int align) throws IOException {
    return open(file, align, VERSION);
  }

  /**
   * Opens a writer of a given format version: {@link ShardLayout#VERSION} (what {@link #open(Path,
   * int)} writes) or {@link ShardLayout#VERSION_1}, which only tests of reading and carrying over
   * datasets of earlier Kilns need.
   */
  public static KilnShardWriter open(Path file, int align, int version) throws IOException {
    LayoutChecksum.forVersion(version); // rejects unknown versions
    if (!isValidAlign(align)) {
      throw new IllegalArgumentException("align must be 0 or a power of two, got " + align);
    }
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("not a file path: " + file);
    }
    return new KilnShardWriter(file, align, version);
  }

  /**
   * Appends a sample as the next record.
   *
   * @return where it was written
   * @throws IllegalArgumentException if the key was already written to this shard or is longer than
   *     {@link ShardLayout#MAX_KEY_BYTES} UTF-8 bytes
   */
  public IndexEntry write(Sample sample) throws IOException {
    checkOpen();
    return writeRecord(sample.key(), SampleCodec.encode(sample));
  }

  /**
   * Appends an already encoded sample as the next record, its bytes as they are: the same record
   * {@link #write(Sample)} writes for the sample they encode. A sample whose record lies in a file
   * ({@link EncodedSample#stored()}) is copied from there, unread; its file must stay as it is
   * until {@link #close()}.
   *
   * @return where it was written (for a stored record of this shard's format version, with the
   *     checksum its file's index states)
   * @throws IllegalArgumentException as {@link #write(Sample)}
   */
  public IndexEntry write(EncodedSample sample) throws IOException {
    checkOpen();
    StoredRecord stored = sample.stored();
    return stored != null
        ? copyRecord(sample.key(), stored)
        : writeRecord(sample.key(), sample.record());
  }

  private IndexEntry writeRecord(String key, byte[] record) throws IOException {
    checkKey(key);
    notACopy();
    copyRun();
    padTo(alignUp(position, align));
    IndexEntry e =
        new IndexEntry(key, position, record.length, checksum.of(record, 0, record.length));
    put(record, 0, record.length);
    entries.add(e);
    return e;
  }

  /**
   * Places a stored record: at the end of the pending run when it is the record after the run's
   * last one in the same file and where writing it would put it is where it lies relative to the
   * run (the same padding before it), else at the start of a new run.
   */
  private IndexEntry copyRecord(String key, StoredRecord stored) throws IOException {
    if (sourceChecksum(stored.file()) != checksum) {
      return writeRecord(key, convert(stored));
    }
    checkKey(key);
    long at = alignUp(position, align);
    if (!run.isEmpty()) {
      StoredRecord first = run.get(0);
      StoredRecord last = run.get(run.size() - 1);
      boolean continues =
          stored.file().equals(last.file())
              && stored.number() == last.number() + 1
              && stored.offset() - first.offset() == at - runStart;
      if (!continues) {
        copyRun();
        padTo(at);
      }
    } else {
      padTo(at);
    }
    if (run.isEmpty()) {
      runStart = at;
    }
    boolean copyGoesOn =
        maybeCopy
            && (copyOf == null
                ? entries.isEmpty() && stored.number() == 0
                : stored.file().equals(copyOf.file()) && stored.number() == copyOf.number() + 1);
    if (copyGoesOn && stored.offset() == at) {
      copyOf = stored;
    } else {
      notACopy();
    }
    run.add(stored);
    position = at + stored.length();
    IndexEntry e = new IndexEntry(key, at, stored.length(), stored.crc32c());
    entries.add(e);
    if (position - runStart >= RUN_LIMIT) {
      copyRun();
    }
    return e;
  }

  /** Copies the pending run, if any, into the file. */
  private void copyRun() throws IOException {
    if (run.isEmpty()) {
      return;
    }
    out.copy(source(run.get(0).file()), run);
    run.clear();
  }

  /**
   * The bytes of a stored record from a file of another format version, checked against the
   * checksum its file gives it, to be written with this shard's.
   */
  private byte[] convert(StoredRecord stored) throws IOException {
    LayoutChecksum theirs = sourceChecksum(stored.file());
    ByteBuffer b = ByteBuffer.allocate(stored.length());
    FileChannel source = source(stored.file());
    while (b.hasRemaining()) {
      if (source.read(b, stored.offset() + b.position()) < 0) {
        throw new IOException(
            "record at "
                + stored.offset()
                + " of "
                + stored.file()
                + " ("
                + stored.length()
                + " bytes) runs past the end of the file: it is not copied");
      }
    }
    int computed = theirs.of(b.array(), 0, stored.length());
    if (computed != stored.crc32c()) {
      throw new IOException(
          "record at "
              + stored.offset()
              + " of "
              + stored.file()
              + " ("
              + stored.length()
              + " bytes) fails its "
              + theirs.label()
              + " (stored "
              + LayoutCodec.hex(stored.crc32c())
              + ", computed "
              + LayoutCodec.hex(computed)
              + "): the file is damaged, so it is not copied");
    }
    return b.array();
  }

  /** The checksum of a file copied from, as the version in its header says. */
  private LayoutChecksum sourceChecksum(Path file) throws IOException {
    LayoutChecksum known = sourceChecksums.get(file);
    if (known == null) {
      ByteBuffer start = ByteBuffer.allocate(HDR_FIXED_SIZE);
      FileChannel source = source(file);
      while (start.hasRemaining() && source.read(start, start.position()) >= 0) {
        // Short reads only; a file shorter than a header fails its magic below.
      }
      try {
        known = LayoutChecksum.forVersion(LayoutCodec.version(start.flip(), file.toString()));
      } catch (IllegalArgumentException e) {
        throw new IOException("cannot copy records from " + file + ": " + e.getMessage());
      }
      sourceChecksums.put(file, known);
    }
    return known;
  }

  private FileChannel source(Path file) throws IOException {
    FileChannel channel = sources.get(file);
    if (channel == null) {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      sources.put(file, channel);
    }
    return channel;
  }

  /** Notes that this shard is no copy of a whole file: its SHA-256 is to be taken. */
  private void notACopy() {
    if (maybeCopy) {
      maybeCopy = false;
      copyOf = null;
      out.hashFromStart();
    }
  }

  /**
   * The SHA-256 of the file this shard turned out to be a copy of, when known: its records, copied
   * from the first one on to the offsets they had, have been checked against their checksums and
   * the padding between them for zeros, and here the rest of that file (header and the padding
   * after it, footer, trailer) is compared with what this writer wrote. The shard is then that file
   * byte for byte, whose SHA-256 its dataset's manifest states. Null otherwise.
   */
  private String sha256OfCopiedFile(byte[] footer, byte[] trailer) throws IOException {
    if (copyOf == null || copyOf.fileSha256() == null) {
      return null;
    }
    FileChannel source = source(copyOf.file());
    long firstRecord = entries.get(0).offset();
    if (source.size() != position || firstRecord > Integer.MAX_VALUE) {
      return null;
    }
    byte[] start = Arrays.copyOf(header, (int) firstRecord); // the header, then zero padding
    byte[] end = Arrays.copyOf(footer, footer.length + trailer.length);
    System.arraycopy(trailer, 0, end, footer.length, trailer.length);
    return matches(source, 0, start) && matches(source, position - end.length, end)
        ? copyOf.fileSha256()
        : null;
  }

  private static boolean matches(FileChannel file, long at, byte[] expected) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(expected.length);
    while (b.hasRemaining()) {
      if (file.read(b, at + b.position()) < 0) {
        return false;
      }
    }
    return Arrays.equals(b.array(), expected);
  }

  private void checkKey(String key) {
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key longer than " + MAX_KEY_BYTES + " bytes: " + key.substring(0, 64) + "...");
    }
    if (!keys.add(key)) {
      throw new IllegalArgumentException(
          "duplicate key in shard " + file.getFileName() + ": " + key);
    }
  }

  /** The finished file's SHA-256 in hex; available after {@link #close()}. */
  public String sha256() {
    if (sha256 == null) {
      throw new IllegalStateException("shard " + file + " is not finished");
    }
    return sha256;
  }

  /** Records written so far. */
  public int recordCount() {
    return entries.size();
  }

  /** Bytes written so far (header, records, padding); lets callers roll shards over by size. */
  public long bytesWritten() {
    return position;
  }

  /** The final path the shard will have after {@link #close()}. */
  public Path file() {
    return file;
  }

  /**
   * Writes footer and trailer, fsyncs, renames {@code .tmp} into place and reports the shard. On
   * failure the temporary file is deleted and nothing appears under the final name.
   */
  public ShardSummary close() throws IOException {
    checkOpen();
    try {
      copyRun();
      padTo(alignUp(position, align));
      long footerOffset = position;
      byte[] footer = LayoutCodec.encodeEntries(entries);
      int footerCrc = checksum.of(footer, 0, footer.length);
      put(footer, 0, footer.length);
      byte[] trailer =
          LayoutCodec.encodeTrailer(
              checksum, footerOffset, footer.length, entries.size(), footerCrc);
      put(trailer, 0, trailer.length);
      ShardOutput.Digests digests = out.finish(sha256OfCopiedFile(footer, trailer));
      closeSources();
      sha256 = digests.sha256();
      closed = true;
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.toAbsolutePath().getParent());
      return new ShardSummary(
          file.getFileName().toString(),
          entries.size(),
          position,
          digests.crc32c(),
          footerCrc,
          align,
          schemaJson,
          entries,
          version);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** Discards the shard: closes and deletes the temporary file. No-op after {@link #close()}. */
  public void abort() {
    if (closed && !Files.exists(tmp)) {
      return;
    }
    closed = true;
    out.abort();
    try {
      closeSources();
    } catch (IOException ignored) {
      // Only read from; a failing close changes nothing for the caller.
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + tmp, e);
    }
  }

  /** Closes the files copied from (once the background no longer reads what was copied). */
  private void closeSources() throws IOException {
    List<Closeable> open = new ArrayList<>(sources.values());
    sources.clear();
    Closeables.closeEach(open);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("shard writer for " + file + " is closed");
    }
  }

  private void padTo(long target) throws IOException {
    while (position < target) {
      int n = (int) Math.min(target - position, ZEROS.length);
      put(ZEROS, 0, n);
    }
  }

  private void put(byte[] b, int off, int len) throws IOException {
    out.put(b, off, len);
    position += len;
  }

  /** Makes the rename durable; best effort because not every platform can open a directory. */
  static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Directory fsync is unsupported on some filesystems/OSes; the data itself is already synced.
    }
  }
}
