package dev.kiln.formats.webdataset;

import dev.kiln.formats.BackgroundFileOutput;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleMetadataJson;
import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes one WebDataset shard: a POSIX tar holding {@code <key>.<ext>} (the encoded image), {@code
 * <key>.cls} (its class id, when it has one), {@code <key>.txt} (its caption, when it has one) and
 * {@code <key>.json} (its metadata) for each sample, in the order given.
 *
 * <p>Headers carry no time, owner or host information, so the same samples in the same order give
 * the same bytes on every machine. The shard is written to a hidden temporary file and renamed into
 * place by {@link #close()}, so a shard file only ever appears complete.
 */
public final class WebDatasetShardWriter implements AutoCloseable {
  private final Path target;
  private final Path temporary;
  private final BackgroundFileOutput file;
  private final TarArchiveOutputStream tar;
  private long samples;
  private boolean closed;
  private ShardFile summary;

  private WebDatasetShardWriter(Path target) throws IOException {
    this.target = target;
    this.temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    this.file = new BackgroundFileOutput(temporary);
    this.tar = new TarArchiveOutputStream(file, "UTF-8");
    // Long keys and non-ASCII names need PAX headers; Python's tarfile and GNU tar read them.
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  /** Opens a writer for {@code target}; nothing is visible at that path until {@link #close()}. */
  public static WebDatasetShardWriter open(Path target) throws IOException {
    return new WebDatasetShardWriter(target);
  }

  /**
   * Appends a sample's image and metadata members.
   *
   * @return where the image's data lies in the file: {offset, length}
   */
  public long[] write(Sample sample) throws IOException {
    long imageAt = addMember(sample.key() + "." + sample.fileExtension(), sample.image());
    if (sample.label() != null) {
      // WebDataset's convention: the class id as ASCII digits, what its loaders decode to an int.
      addMember(
          sample.key() + ".cls", sample.label().toString().getBytes(StandardCharsets.US_ASCII));
    }
    if (sample.caption() != null) {
      addMember(sample.key() + ".txt", sample.caption().getBytes(StandardCharsets.UTF_8));
    }
    addMember(sample.key() + ".json", SampleMetadataJson.toBytes(sample));
    samples++;
    return new long[] {imageAt, sample.image().length};
  }

  /** Appends one member; returns the offset of its data (after its header and any PAX header). */
  private long addMember(String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(content.length);
    entry.setMode(0100644);
    entry.setModTime(0L);
    entry.setIds(0, 0);
    entry.setNames("", "");
    tar.putArchiveEntry(entry);
    long dataAt = tar.getBytesWritten();
    tar.write(content);
    tar.closeArchiveEntry();
    return dataAt;
  }

  /** Finishes the archive, moves it into place and describes it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    tar.finish();
    tar.close();
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    summary =
        new ShardFile(target.getFileName().toString(), samples, Files.size(target), file.sha256());
  }

  /** The completed shard; valid after {@link #close()}. */
  public ShardFile summary() {
    if (summary == null) {
      throw new IllegalStateException("summary() before a successful close() of " + target);
    }
    return summary;
  }

  /** Deletes the temporary file of a writer that failed part way. */
  public void abort() {
    closed = true;
    try {
      tar.close();
    } catch (IOException | RuntimeException ignored) {
      // The writer is being discarded; the temporary file is removed below either way.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // Best effort: a stale hidden .tmp file never looks like a shard.
    }
  }
}
