package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.TaskFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Writes one Kiln shard ({@link ShardLayout}): header, records in the order given, footer index and
 * trailer. Records are {@link SampleCodec#encode(Sample)} bytes, each starting at an offset aligned
 * to {@code align} with zero padding in between.
 *
 * <p>The shard is written to {@code file + ".tmp"} and renamed to {@code file} (atomically, after
 * fsync) by {@link #close()}, so a shard file only ever exists complete. Output is deterministic:
 * the same samples in the same order with the same alignment give a byte-identical file.
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
  private static final int BUFFER_SIZE = 1 << 20;
  private static final byte[] ZEROS = new byte[4096];
  /**
   * How much is written between background syncs: the disk takes the shard while the rest is
   * still being written, instead of all of it in {@link #close()}'s fsync (0.2 s for 180 MB).
   */
  private static final long SYNC_STEP = 32L << 20;
  /** Runs the background writes and syncs of every writer. */
  private static final ExecutorService BACKGROUND =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kiln-shard-io");
            t.setDaemon(true);
            return t;
          });

  private final Path file;
  private final Path tmp;
  private final int align;
  private final String schemaJson;
  private final FileChannel channel;
  /**
   * The buffer being filled, and the one a background task checksums and writes meanwhile
   * ({@link #flush}): the SHA-256 and the write of a shard cost as much as preparing its
   * records, and now happen beside it.
   */
  private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
  private ByteBuffer spare = ByteBuffer.allocateDirect(BUFFER_SIZE);
  /** The background write of the last full buffer. */
  private Future<?> writing = CompletableFuture.completedFuture(null);
  /** Bytes the background writes have written; only they touch it and the checksums. */
  private long written;
  private final CRC32C fileCrc = new CRC32C();
  /** The whole file's SHA-256 (for the manifest), taken as it is written instead of re-read. */
  private final MessageDigest fileSha256 = FileDigest.newSha256();
  private String sha256;
  private final List<IndexEntry> entries = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();
  private long position;
  private boolean closed;
  /** Where the last background sync started, and that sync. */
  private long syncedTo;
  private Future<?> syncing = CompletableFuture.completedFuture(null);

  private KilnShardWriter(Path file, int align) throws IOException {
    this.file = file;
    this.tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    this.align = align;
    this.schemaJson = SampleCodec.SCHEMA.toString();
    this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    try {
      byte[] header = LayoutCodec.encodeHeader(align, schemaJson);
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
    if (!isValidAlign(align)) {
      throw new IllegalArgumentException("align must be 0 or a power of two, got " + align);
    }
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("not a file path: " + file);
    }
    return new KilnShardWriter(file, align);
  }

  /**
   * Appends a sample as the next record.
   *
   * @return where it was written
   * @throws IllegalArgumentException if the key was already written to this shard or is longer
   *     than {@link ShardLayout#MAX_KEY_BYTES} UTF-8 bytes
   */
  public IndexEntry write(Sample sample) throws IOException {
    checkOpen();
    return writeRecord(sample.key(), SampleCodec.encode(sample));
  }

  /**
   * Appends an already encoded sample as the next record, its bytes as they are: the same record
   * {@link #write(Sample)} writes for the sample they encode.
   *
   * @return where it was written
   * @throws IllegalArgumentException as {@link #write(Sample)}
   */
  public IndexEntry write(EncodedSample sample) throws IOException {
    checkOpen();
    return writeRecord(sample.key(), sample.record());
  }

  private IndexEntry writeRecord(String key, byte[] record) throws IOException {
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key longer than " + MAX_KEY_BYTES + " bytes: "
          + key.substring(0, 64) + "...");
    }
    if (!keys.add(key)) {
      throw new IllegalArgumentException("duplicate key in shard " + file.getFileName() + ": "
          + key);
    }
    padTo(alignUp(position, align));
    IndexEntry e =
        new IndexEntry(key, position, record.length, LayoutCodec.crc32c(record, 0, record.length));
    put(record, 0, record.length);
    entries.add(e);
    return e;
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
   * Writes footer and trailer, fsyncs, renames {@code .tmp} into place and reports the shard.
   * On failure the temporary file is deleted and nothing appears under the final name.
   */
  public ShardSummary close() throws IOException {
    checkOpen();
    try {
      padTo(alignUp(position, align));
      long footerOffset = position;
      byte[] footer = LayoutCodec.encodeEntries(entries);
      int footerCrc = LayoutCodec.crc32c(footer, 0, footer.length);
      put(footer, 0, footer.length);
      byte[] trailer =
          LayoutCodec.encodeTrailer(footerOffset, footer.length, entries.size(), footerCrc);
      put(trailer, 0, trailer.length);
      flush();
      awaitWrite();
      sha256 = HexFormat.of().formatHex(fileSha256.digest());
      awaitSync(); // what it synced need not be synced again, and its failure is reported
      channel.force(true);
      channel.close();
      closed = true;
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.toAbsolutePath().getParent());
      return new ShardSummary(file.getFileName().toString(), entries.size(), position,
          (int) fileCrc.getValue(), footerCrc, align, schemaJson, entries);
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
    try {
      awaitWrite();
    } catch (IOException ignored) {
      // The file is being thrown away: what became of writing it does not matter.
    }
    try {
      awaitSync();
    } catch (IOException ignored) {
      // Nor what became of syncing it.
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // The file is being thrown away; a failing close changes nothing for the caller.
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + tmp, e);
    }
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
    while (len > 0) {
      if (!buffer.hasRemaining()) {
        flush();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.put(b, off, n);
      off += n;
      len -= n;
      position += n;
    }
  }

  /** Hands the full buffer to a background write, once the previous one is written. */
  private void flush() throws IOException {
    awaitWrite(); // the spare buffer is free again
    ByteBuffer full = buffer.flip();
    buffer = spare;
    spare = full;
    writing = BACKGROUND.submit(() -> {
      write(full);
      return null;
    });
  }

  /**
   * Checksums and writes a full buffer, and every {@link #SYNC_STEP} bytes starts a background
   * sync of what is written. Background writes run one at a time, in order.
   */
  private void write(ByteBuffer full) throws IOException {
    fileCrc.update(full.duplicate());
    fileSha256.update(full.duplicate());
    written += full.remaining();
    while (full.hasRemaining()) {
      channel.write(full);
    }
    full.clear();
    if (written - syncedTo >= SYNC_STEP && syncing.isDone()) {
      syncedTo = written;
      syncing = BACKGROUND.submit(() -> {
        channel.force(false);
        return null;
      });
    }
  }

  /** Waits for the background write, if one runs, rethrowing its failure. */
  private void awaitWrite() throws IOException {
    await(writing, "writing");
  }

  /** Waits for the background sync, if one runs, rethrowing its failure. */
  private void awaitSync() throws IOException {
    await(syncing, "syncing");
  }

  private void await(Future<?> task, String doing) throws IOException {
    try {
      task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing + " " + tmp);
    } catch (ExecutionException e) {
      Throwable cause = TaskFailure.rethrowCause(e);
      throw new IOException(doing + " " + tmp + ": " + cause, cause);
    }
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
