package dev.kiln.runners;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run at a time per output root: an operating-system lock on {@code ROOT/.kiln.lock}, whose
 * content names the holder (run id, pid, host, start time). The operating system releases the lock
 * when its process dies, even by kill -9, so a crashed run never blocks the next one.
 */
final class RunLock implements AutoCloseable {
  static final String FILE_NAME = ".kiln.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code root} for run {@code runId}.
   *
   * @throws UsageException naming the holder when another run has it
   */
  static RunLock acquire(Path root, String runId) throws UsageException, IOException {
    Files.createDirectories(root);
    Path file = root.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by another run in this same JVM
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      channel.close();
      throw new UsageException(
          "--output="
              + root
              + ": another Kiln run is writing it ("
              + (holder.isEmpty() ? "holder unknown" : holder)
              + "); wait for it to finish");
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    String holder =
        "run "
            + runId
            + ", pid "
            + ProcessHandle.current().pid()
            + " on "
            + host
            + ", since "
            + ProcessStart.instant();
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(true);
    return new RunLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    channel.truncate(0);
    lock.release();
    channel.close();
  }
}
