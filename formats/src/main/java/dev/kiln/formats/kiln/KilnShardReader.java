package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.List;

/**
 * Opens a single shard through its own trailer and footer, without a dataset index. Used to rebuild
 * {@code index.kidx}, by {@link DatasetVerifier}, and for tools that look at one file. Training
 * reads go through {@link KilnDataset}, which needs no per-shard footer reads.
 *
 * <p>Opening validates header (magic, version, checksum), trailer (magic, CRC, consistency with the
 * file size) and footer (CRC); any failure is a {@link CorruptShardException}. Thread-safe.
 */
public final class KilnShardReader implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final long fileSize;
  private final LayoutCodec.Header header;
  private final LayoutChecksum checksum;
  private final LayoutCodec.Trailer trailer;
  private final long[] offsets;
  private final int[] lengths;
  private final int[] crcs;
  private final String[] keys;

  private KilnShardReader(Path file, FileChannel channel) throws IOException {
    this.file = file;
    this.channel = channel;
    this.fileSize = channel.size();
    String where = file.toString();
    try {
      if (fileSize < HDR_FIXED_SIZE + TRAILER_SIZE) {
        throw new IllegalArgumentException("only " + fileSize + " bytes (truncated?)");
      }
      // The header first: its version says which checksum the trailer and footer carry.
      ByteBuffer start = readFully(0, (int) Math.min(4096, fileSize - TRAILER_SIZE));
      int headerLength = LayoutCodec.headerLength(start, where);
      if (headerLength > fileSize - TRAILER_SIZE) {
        throw new IllegalArgumentException(
            "header length " + headerLength + " runs past the trailer");
      }
      ByteBuffer h = headerLength <= start.limit() ? start : readFully(0, headerLength);
      header = LayoutCodec.parseHeader(h, where);
      checksum = header.checksum();
      ByteBuffer t = readFully(fileSize - TRAILER_SIZE, TRAILER_SIZE);
      trailer = LayoutCodec.parseTrailer(t, fileSize, where, checksum);
      if (headerLength > trailer.footerOffset()) {
        throw new IllegalArgumentException(
            "header length " + headerLength + " runs past the footer");
      }
      ByteBuffer footer = readFully(trailer.footerOffset(), (int) trailer.footerLength());
      int footerCrc = checksum.of(footer);
      if (footerCrc != trailer.footerCrc()) {
        throw new IllegalArgumentException(
            "footer "
                + checksum.label()
                + " mismatch (stored "
                + LayoutCodec.hex(trailer.footerCrc())
                + ", computed "
                + LayoutCodec.hex(footerCrc)
                + ")");
      }
      if (trailer.recordCount() > trailer.footerLength() / ENT_FIXED_SIZE) {
        throw new IllegalArgumentException(
            trailer.recordCount()
                + " records cannot fit in a "
                + trailer.footerLength()
                + "-byte footer");
      }
      int n = (int) trailer.recordCount();
      offsets = new long[n];
      lengths = new int[n];
      crcs = new int[n];
      keys = new String[n];
      LayoutCodec.readEntries(footer, n, 0, offsets, lengths, crcs, keys, where);
      if (footer.hasRemaining()) {
        throw new IllegalArgumentException(
            "footer has " + footer.remaining() + " bytes beyond its " + n + " entries");
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptShardException(file, e.getMessage().replace(where + ": ", ""));
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CorruptShardException(file, "the footer's entries run past its end");
    }
  }

  /** Opens and validates a shard; see the class comment for what is checked. */
  public static KilnShardReader open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new KilnShardReader(file, ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private ByteBuffer readFully(long position, int length) throws IOException {
    ByteBuffer b = LayoutCodec.le(length);
    while (b.hasRemaining()) {
      if (channel.read(b, position + b.position()) < 0) {
        throw new IllegalArgumentException(
            "unexpected end of file at " + (position + b.position()) + " (truncated?)");
      }
    }
    return b.flip();
  }

  public Path file() {
    return file;
  }

  public long fileSize() {
    return fileSize;
  }

  /** The shard's format version, from its header. */
  public int version() {
    return header.version();
  }

  /** The checksum of the shard's format version. */
  public LayoutChecksum checksum() {
    return checksum;
  }

  /** Record alignment from the header (0 = packed). */
  public int align() {
    return header.align();
  }

  /** Bytes of header (records start at {@code alignUp(headerLength, align)}). */
  public int headerLength() {
    return header.headerLength();
  }

  /** The sample schema (Avro JSON) from the header. */
  public String schemaJson() {
    return header.schemaJson();
  }

  public long footerOffset() {
    return trailer.footerOffset();
  }

  public int footerCrc32c() {
    return trailer.footerCrc();
  }

  /** Number of records. */
  public int size() {
    return keys.length;
  }

  /** The footer entry of record {@code i}. */
  public IndexEntry entry(int i) {
    return new IndexEntry(keys[i], offsets[i], lengths[i], crcs[i]);
  }

  /** All footer entries in file order. */
  public List<IndexEntry> entries() {
    return new AbstractList<>() {
      @Override
      public IndexEntry get(int i) {
        return entry(i);
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  /**
   * The raw bytes of record {@code i}, checked against their checksum.
   *
   * @throws CorruptRecordException if the bytes don't match the footer's checksum or lie outside
   *     the file
   */
  public byte[] readRecord(int i) {
    long off = offsets[i];
    int len = lengths[i];
    if (off + len > trailer.footerOffset()) {
      throw new CorruptRecordException(
          file,
          i,
          keys[i],
          "extent ["
              + off
              + ", "
              + (off + len)
              + ") runs past the footer at "
              + trailer.footerOffset());
    }
    ByteBuffer b;
    try {
      b = readFully(off, len);
    } catch (IOException e) {
      throw new UncheckedIOException("reading record " + i + " of " + file, e);
    }
    int computed = checksum.of(b.array(), 0, len);
    if (computed != crcs[i]) {
      throw new CorruptRecordException(
          file,
          i,
          keys[i],
          checksum.label()
              + " mismatch (stored "
              + LayoutCodec.hex(crcs[i])
              + ", computed "
              + LayoutCodec.hex(computed)
              + ")");
    }
    return b.array();
  }

  /**
   * Record {@code i} decoded.
   *
   * @throws CorruptRecordException if its bytes pass their CRC but are not a sample record
   */
  public Sample get(int i) {
    byte[] record = readRecord(i);
    try {
      return SampleCodec.decode(record);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          file, i, keys[i], "CRC matches but the record does not decode: " + e.getMessage());
    }
  }

  /**
   * The shard's summary as its writer reported it; reads the whole file once to compute the file
   * checksum.
   */
  public ShardSummary summary() throws IOException {
    return summary(true);
  }

  /** As {@link #summary()}; without {@code withFileCrc} the file CRC is reported as 0, unread. */
  ShardSummary summary(boolean withFileCrc) throws IOException {
    java.util.zip.Checksum crc = checksum.create();
    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
    long pos = 0;
    while (withFileCrc && pos < fileSize) {
      b.clear();
      int r = channel.read(b, pos);
      if (r < 0) {
        break;
      }
      b.flip();
      crc.update(b);
      pos += r;
    }
    return new ShardSummary(
        file.getFileName().toString(),
        keys.length,
        fileSize,
        withFileCrc ? (int) crc.getValue() : 0,
        trailer.footerCrc(),
        header.align(),
        header.schemaJson(),
        entries(),
        header.version());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
