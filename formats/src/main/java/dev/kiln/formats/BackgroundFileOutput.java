package dev.kiln.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A file output stream whose SHA-256 and writes happen on a background thread: the caller fills one
 * buffer while the previous one is hashed and written.
 *
 * <p>Why: a shard is written after the last sample is prepared, by one thread, while the other
 * cores have nothing left to do; hashing (for the manifest) and the write calls are about half of
 * that serial tail, and here they overlap with the formatting of the next members.
 *
 * <p>Not thread-safe: one writer thread. {@link #close()} waits for the last write; {@link
 * #sha256()} is the digest of everything written, valid after close.
 */
public final class BackgroundFileOutput extends OutputStream {
  private static final int BUFFER_SIZE = 1 << 20;

  /** Runs the background hashing and writing of every instance. */
  private static final ExecutorService BACKGROUND =
      Executors.newCachedThreadPool(DaemonThreads.named("kiln-file-output"));

  private final Path file;
  private final FileChannel channel;
  private final MessageDigest sha256 = FileDigest.newSha256();
  private byte[] buffer = new byte[BUFFER_SIZE];
  private byte[] spare = new byte[BUFFER_SIZE];
  private int filled;
  private Future<?> writing = CompletableFuture.completedFuture(null);
  private boolean closed;
  private String digest;

  /** Creates (or truncates) {@code file}. */
  public BackgroundFileOutput(Path file) throws IOException {
    this.file = file;
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == buffer.length) {
      handOver();
    }
    buffer[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == buffer.length) {
        handOver();
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** Hands the full buffer to the background thread and takes the spare one. */
  private void handOver() throws IOException {
    awaitWrite();
    byte[] full = buffer;
    int length = filled;
    buffer = spare;
    spare = full;
    filled = 0;
    writing =
        BACKGROUND.submit(
            () -> {
              sha256.update(full, 0, length);
              ByteBuffer data = ByteBuffer.wrap(full, 0, length);
              try {
                while (data.hasRemaining()) {
                  channel.write(data);
                }
              } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
              }
            });
  }

  /** Waits for the background write in flight, rethrowing its failure. */
  private void awaitWrite() throws IOException {
    TaskFailure.await(writing, "writing " + file);
  }

  /** Writes what is buffered and waits for it; the file stays open. */
  @Override
  public void flush() throws IOException {
    if (filled > 0) {
      handOver();
    }
    awaitWrite();
  }

  /** Writes the rest and closes the file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush();
    } finally {
      channel.close();
    }
    digest = java.util.HexFormat.of().formatHex(sha256.digest());
  }

  /** The SHA-256 of every byte written, as lower-case hex; call after {@link #close()}. */
  public String sha256() {
    if (digest == null) {
      throw new IllegalStateException("sha256() before a successful close() of " + file);
    }
    return digest;
  }
}
