package dev.kiln.formats.kiln;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.StoredRecord;
import dev.kiln.formats.TaskFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Checksum;

/**
 * The bytes of one shard file on their way to disk, in file order: bytes the writer puts ({@link
 * #put}) and records copied as they are from another file ({@link #copy}).
 *
 * <p>Background tasks, one at a time and in file order, write the put bytes and take the whole
 * file's checksum (the format version's, for the dataset index) as it grows, so a shard costs its
 * writer little more than preparing its records. Each piece they have seen is then hashed for the
 * file's SHA-256 (for the manifest; see {@link #hashFromStart}) by tasks of a second chain, also in
 * file order: the two checksums of a piece run on two cores, and the SHA-256, the slower, is not
 * held up by the writing and checking. Copied records go from file to file in the kernel ({@link
 * FileChannel#transferTo}, no copy through Java), in background tasks of their own, so the writer's
 * thread goes on at once; the checksums then read them back from the new file's page cache, once,
 * into a few buffers that the hashing takes over, checking each record against its checksum
 * meanwhile ({@link CopiedRecords}). What is written is synced every {@link #SYNC_STEP} bytes in
 * the background, so the disk takes the shard while the rest of it is still being written, instead
 * of all of it in {@link #finish}'s sync.
 *
 * <p>Used by one thread, the writer's.
 */
final class ShardOutput {
  private static final int BUFFER_SIZE = 1 << 20;

  /** Put bytes fewer than this are handed over in a buffer of their own ({@link #flush}). */
  private static final int SMALL_FLUSH = 64 << 10;

  /** How many copied pieces may be read back and checked ahead of their hashing. */
  private static final int PIECE_BUFFERS = 4;

  /** Copies go in steps of this many bytes, each checksummed while the next is copied. */
  private static final long COPY_STEP = 8L << 20;

  /** How much is written between background syncs (a 180 MB shard takes 0.2 s to sync). */
  private static final long SYNC_STEP = 32L << 20;

  /** Runs the background writes, checksums and syncs of every shard being written. */
  private static final ExecutorService BACKGROUND =
      Executors.newCachedThreadPool(DaemonThreads.named("kiln-shard-io"));

  private final Path file;

  /** The file, for the background's positional writes and reads and for syncing. */
  private final FileChannel channel;

  /**
   * The file again, for the copies, which write at this channel's own position; opened by the first
   * copy. Copies run one at a time, each after {@link #copying}, the one before.
   */
  private volatile FileChannel copies;

  private CompletableFuture<Void> copying = CompletableFuture.completedFuture(null);

  /** Bytes put so far and not yet handed to the background, and where in the file they go. */
  private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

  private long bufferStart;

  /** The other buffer, which the background task {@link #spareFree} writes meanwhile. */
  private ByteBuffer spare = ByteBuffer.allocateDirect(BUFFER_SIZE);

  private CompletableFuture<Void> spareFree = CompletableFuture.completedFuture(null);

  /** The last background task: each runs after the one before, so they see the file in order. */
  private CompletableFuture<Void> tasks = CompletableFuture.completedFuture(null);

  /** Bytes put or copied so far: where the next ones go. */
  private long position;

  /** Whether the SHA-256 is to be taken ({@link #hashFromStart}); the writer's thread's. */
  private boolean sha256Asked;

  // Only the background tasks touch these, one at a time.
  private final Checksum fileCrc;
  private final LayoutChecksum checksum;

  /** Whether the SHA-256 is being taken: from {@link #hashFromStart} on. */
  private boolean hashing;

  /** The end of the bytes the background has seen (all of them, in file order). */
  private long seen;

  private ByteBuffer readBack;

  /**
   * The last hashing task: each hashes a piece the tasks above have seen, after the one before.
   * Only those tasks (one at a time) append to it, and {@link #finish} once they are done.
   */
  private CompletableFuture<Void> hashed = CompletableFuture.completedFuture(null);

  // Only the hashing tasks touch these, one at a time.
  private final MessageDigest fileSha256 = FileDigest.newSha256();
  private ByteBuffer hashReadBack;

  /**
   * Buffers that copied bytes are read back into, checked and then hashed from: a buffer goes back
   * once its piece is hashed, so the checking runs at most this many pieces ahead of the hashing,
   * and copied bytes are read back once, not once for each checksum.
   */
  private final BlockingQueue<ByteBuffer> pieceBuffers = new ArrayBlockingQueue<>(PIECE_BUFFERS);

  /** How many piece buffers there are so far (made as needed); the background tasks' only. */
  private int pieceBuffersMade;

  // Syncing, guarded by this: copies and writes, on different threads, both land bytes.
  private long landed;
  private long syncedTo;
  private CompletableFuture<Void> syncing = CompletableFuture.completedFuture(null);

  /**
   * Creates (or truncates) {@code file} and writes into it from its start; {@code checksum} is the
   * one of the shard's format version, taken of the whole file and checked of copied records.
   */
  ShardOutput(Path file, LayoutChecksum checksum) throws IOException {
    this.file = file;
    this.checksum = checksum;
    this.fileCrc = checksum.create();
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
  }

  /** Appends {@code len} bytes of {@code b} from {@code off}. */
  void put(byte[] b, int off, int len) throws IOException {
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

  /**
   * Appends {@code records}, which lie one after another in {@code source}, as the byte range from
   * the first one's offset to the last one's end (the padding between them included), and checks
   * each against its checksum before the file is finished. The copy runs in the background: {@code
   * source} must stay open until {@link #finish} or {@link #abort} returns.
   */
  void copy(FileChannel source, List<StoredRecord> records) throws IOException {
    flush();
    CopiedRecords check = new CopiedRecords(records, position, checksum);
    long from = records.get(0).offset();
    long length = check.length();
    for (long done = 0; done < length; done += COPY_STEP) {
      long step = Math.min(length - done, COPY_STEP);
      long at = position + done;
      long sourceAt = from + done;
      CompletableFuture<Void> copied =
          copying.thenRunAsync(() -> transfer(source, sourceAt, step, at), BACKGROUND);
      copying = copied;
      // Checksummed once copied, in file order after everything before it.
      tasks = tasks.runAfterBothAsync(copied, () -> checksumCopied(at, step, check), BACKGROUND);
    }
    tasks = tasks.thenRunAsync(() -> checked(check), BACKGROUND);
    position += length;
    bufferStart = position;
  }

  /** Copies {@code length} bytes at {@code from} of {@code source} to {@code to} of the file. */
  private void transfer(FileChannel source, long from, long length, long to) {
    try {
      if (copies == null) {
        copies = FileChannel.open(file, StandardOpenOption.WRITE);
      }
      for (long done = 0; done < length; ) {
        copies.position(to + done);
        long n = source.transferTo(from + done, length - done, copies);
        if (n <= 0) {
          throw new EOFException(
              "copying records into "
                  + file
                  + ": the source ends at "
                  + (from + done)
                  + ", before "
                  + (from + length));
        }
        done += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying records into " + file, e);
    }
    landed(length);
  }

  /**
   * Takes the file's SHA-256 from here on, and of the bytes before, read back from the page cache.
   * Until then only its checksum is taken: a shard that is a copy of a whole file whose SHA-256 is
   * known need not be hashed again ({@link #finish}), and whether it is one shows only as it is
   * written. A writer calls this as soon as it is not, so the hashing goes on beside the writing as
   * before.
   */
  void hashFromStart() {
    if (!sha256Asked) {
      sha256Asked = true;
      tasks = tasks.thenRunAsync(this::catchUp, BACKGROUND);
    }
  }

  /** Has the bytes seen so far hashed, and the tasks after have what they see hashed. */
  private void catchUp() {
    hashFromFile(0, seen);
    hashing = true;
  }

  /**
   * Has {@code length} bytes at {@code at} of the file hashed, read back from its page cache, after
   * the pieces before; call from a background task, in file order.
   */
  private void hashFromFile(long at, long length) {
    hashed =
        hashed.thenRunAsync(
            () -> {
              try {
                if (hashReadBack == null) {
                  hashReadBack = ByteBuffer.allocateDirect(BUFFER_SIZE);
                }
                ByteBuffer b = hashReadBack;
                for (long done = 0; done < length; done += b.limit()) {
                  readBack(b.clear().limit((int) Math.min(b.capacity(), length - done)), at + done);
                  fileSha256.update(b);
                }
              } catch (IOException e) {
                throw new UncheckedIOException("hashing " + file, e);
              }
            },
            BACKGROUND);
  }

  /**
   * Writes what is put and syncs the file, then reports its SHA-256 (hex) and checksum; the file is
   * closed after.
   *
   * @param knownSha256 the SHA-256 of the file when the writer knows it (it wrote a copy of a file
   *     whose SHA-256 is known), or null to take it
   */
  Digests finish(String knownSha256) throws IOException {
    if (knownSha256 == null) {
      hashFromStart();
    }
    flush();
    await(copying, "copying into");
    await(tasks, "writing");
    await(hashed, "hashing");
    String sha256 = hashing ? HexFormat.of().formatHex(fileSha256.digest()) : knownSha256;
    Digests digests = new Digests(sha256, (int) fileCrc.getValue());
    // What it synced need not be synced again, and its failure is reported.
    await(syncing(), "syncing");
    channel.force(true);
    closeChannels();
    return digests;
  }

  /** The finished file's checksums. */
  record Digests(String sha256, int crc32c) {}

  /** Waits for the background tasks, whatever became of them, and closes the file. */
  void abort() {
    try {
      await(copying, "copying into");
    } catch (IOException ignored) {
      // The file is being thrown away: what became of copying into it does not matter.
    }
    try {
      await(tasks, "writing");
    } catch (IOException ignored) {
      // Nor what became of writing it.
    }
    try {
      await(hashed, "hashing");
    } catch (IOException ignored) {
      // Nor what became of hashing it.
    }
    try {
      await(syncing(), "syncing");
    } catch (IOException ignored) {
      // Nor what became of syncing it.
    }
    try {
      closeChannels();
    } catch (IOException ignored) {
      // The file is being thrown away; a failing close changes nothing for the caller.
    }
  }

  private void closeChannels() throws IOException {
    try (FileChannel c = channel;
        FileChannel d = copies) {
      // closed in reverse order, the first failure thrown with the other suppressed
    }
  }

  /** Hands what is put to a background write, once the other buffer is free again. */
  private void flush() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    if (buffer.position() < SMALL_FLUSH) {
      // The few bytes before a copy (padding, a record or two) go in a buffer of their own: the
      // other buffer waits for its write, which comes after the checksums of the copies before
      // it, and a writer waiting for those could not read the next records meanwhile.
      ByteBuffer small = ByteBuffer.allocate(buffer.position()).put(buffer.flip()).flip();
      buffer.clear();
      long at = bufferStart;
      tasks = tasks.thenRunAsync(() -> write(small, at, null), BACKGROUND);
      bufferStart = position;
      return;
    }
    await(spareFree, "writing");
    ByteBuffer full = buffer.flip();
    long at = bufferStart;
    buffer = spare;
    spare = full;
    // The buffer is free again once written and, if it is being hashed from, hashed.
    CompletableFuture<Void> hashedFrom = new CompletableFuture<>();
    tasks = tasks.thenRunAsync(() -> write(full, at, hashedFrom), BACKGROUND);
    spareFree = tasks.thenCompose(written -> hashedFrom);
    bufferStart = position;
  }

  /**
   * Checksums a buffer, writes it at {@code at} and has it hashed; completes {@code hashedFrom}
   * (when given) once the buffer is no longer needed for hashing.
   */
  private void write(ByteBuffer full, long at, CompletableFuture<Void> hashedFrom) {
    ByteBuffer toHash = full.duplicate();
    try {
      fileCrc.update(full.duplicate());
      seen = at + full.remaining();
      int n = full.remaining();
      while (full.hasRemaining()) {
        channel.write(full, at + full.position());
      }
      full.clear();
      landed(n);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    if (!hashing) {
      if (hashedFrom != null) {
        hashedFrom.complete(null);
      }
      return;
    }
    // Hashed from the buffer itself, which the writer reuses only after hashedFrom.
    hashed = hashed.thenRunAsync(() -> fileSha256.update(toHash), BACKGROUND);
    if (hashedFrom != null) {
      hashed.whenComplete(
          (done, failure) -> {
            if (failure != null) {
              hashedFrom.completeExceptionally(failure);
            } else {
              hashedFrom.complete(null);
            }
          });
    }
  }

  /** Reads back {@code length} copied bytes at {@code at}, checksums and checks them. */
  private void checksumCopied(long at, long length, CopiedRecords check) {
    try {
      for (long done = 0; done < length; ) {
        long start = at + done;
        ByteBuffer b = hashing ? pieceBuffer() : readBuffer();
        readBack(b.clear().limit((int) Math.min(b.capacity(), length - done)), start);
        done += b.limit();
        fileCrc.update(b.duplicate());
        check.check(b, start);
        seen = start + b.limit();
        if (hashing) {
          hashPiece(b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying records into " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while copying records into " + file, e);
    }
  }

  /**
   * Has a piece read back for checking hashed from the same buffer, after the pieces before, and
   * the buffer handed back to {@link #pieceBuffers} whatever becomes of the hashing (a checking
   * task waiting for a buffer must not wait for ever).
   */
  private void hashPiece(ByteBuffer piece) {
    CompletableFuture<Void> next = new CompletableFuture<>();
    hashed.whenCompleteAsync(
        (done, failure) -> {
          try {
            if (failure != null) {
              next.completeExceptionally(failure);
            } else {
              fileSha256.update(piece);
              next.complete(null);
            }
          } catch (RuntimeException e) {
            next.completeExceptionally(e);
          } finally {
            pieceBuffers.add(piece);
          }
        },
        BACKGROUND);
    hashed = next;
  }

  private ByteBuffer readBuffer() {
    if (readBack == null) {
      readBack = ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    return readBack;
  }

  /** A free piece buffer, made while fewer than {@link #PIECE_BUFFERS} exist, else waited for. */
  private ByteBuffer pieceBuffer() throws InterruptedException {
    ByteBuffer free = pieceBuffers.poll();
    if (free != null) {
      return free;
    }
    if (pieceBuffersMade < PIECE_BUFFERS) {
      pieceBuffersMade++;
      return ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    return pieceBuffers.take();
  }

  /** Fills {@code b} with the file's bytes at {@code at} and flips it. */
  private void readBack(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b, at + b.position()) < 0) {
        throw new EOFException(file + " ends at " + (at + b.position()) + " while reading it back");
      }
    }
    b.flip();
  }

  private void checked(CopiedRecords check) {
    try {
      check.checkComplete();
    } catch (IOException e) {
      throw new UncheckedIOException("copying records into " + file, e);
    }
  }

  /** Counts bytes that reached the file and, every {@link #SYNC_STEP} of them, starts a sync. */
  private synchronized void landed(long bytes) {
    landed += bytes;
    // A failed sync is kept to be reported, not replaced.
    if (landed - syncedTo >= SYNC_STEP && syncing.isDone() && !syncing.isCompletedExceptionally()) {
      syncedTo = landed;
      syncing = CompletableFuture.runAsync(this::sync, BACKGROUND);
    }
  }

  private synchronized CompletableFuture<Void> syncing() {
    return syncing;
  }

  private void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("syncing " + file, e);
    }
  }

  /** Waits for a background task, rethrowing its failure. */
  private void await(Future<?> task, String doing) throws IOException {
    TaskFailure.await(task, doing + " " + file);
  }
}
