package dev.kiln.formats.kiln;

import dev.kiln.formats.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Checksum;

/**
 * Checks records copied as one byte range from another file, as the copy's bytes go past piece by
 * piece in file order: each record against the checksum its source's index gives it (the source is
 * of the copy's format version, so it is the same checksum), and the padding between records for
 * zeros. A record damaged in the source (or on the way) then fails the shard instead of going into
 * it under a checksum it no longer has, as reading it record by record would have; and the padding
 * copied with the records is exactly what a writer pads with.
 *
 * <p>Not thread-safe; pieces are handed over one at a time, in order.
 */
final class CopiedRecords {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ShardLayout.DEFAULT_ALIGN);

  private final List<StoredRecord> records;

  /** What is added to a record's offset in its source to give its offset in the copy. */
  private final long shift;

  private final LayoutChecksum checksum;
  private final Checksum crc;

  /** The record the next bytes belong to (or the padding before it). */
  private int next;

  /**
   * @param records the copied records, one after another in their source, the range running from
   *     the first one's offset to the last one's end
   * @param copiedTo where the first record lies in the copy
   * @param checksum the checksum of the source's (and the copy's) format version
   */
  CopiedRecords(List<StoredRecord> records, long copiedTo, LayoutChecksum checksum) {
    this.checksum = checksum;
    this.crc = checksum.create();
    this.records = List.copyOf(records);
    this.shift = copiedTo - records.get(0).offset();
  }

  /** Bytes of the copy from its first record's offset to its last record's end. */
  long length() {
    return records.get(records.size() - 1).end() - records.get(0).offset();
  }

  /**
   * Checks the bytes of {@code piece} (from its position to its limit, left unchanged), which lie
   * at {@code at} in the copy.
   *
   * @throws IOException if a record's checksum or a padding byte is not what it should be
   */
  void check(ByteBuffer piece, long at) throws IOException {
    long p = at;
    long end = at + piece.remaining();
    int base = piece.position() - (int) at; // buffer index = base + file offset
    while (p < end) {
      if (next == records.size()) {
        throw new IllegalStateException("bytes at " + p + " lie past the last copied record");
      }
      StoredRecord r = records.get(next);
      long start = r.offset() + shift;
      if (p < start) {
        long upTo = Math.min(start, end);
        requireZeros(piece.duplicate().limit(base + (int) upTo).position(base + (int) p), r);
        p = upTo;
        continue;
      }
      long stop = start + r.length();
      long upTo = Math.min(stop, end);
      crc.update(piece.duplicate().limit(base + (int) upTo).position(base + (int) p));
      p = upTo;
      if (p == stop) {
        recordDone(r);
      }
    }
  }

  /**
   * Confirms that every record was checked.
   *
   * @throws IllegalStateException if the bytes of some were not handed over
   */
  void checkComplete() throws IOException {
    // A record of no bytes at the very end has no bytes to be seen in.
    while (next < records.size() && records.get(next).length() == 0) {
      recordDone(records.get(next));
    }
    if (next != records.size()) {
      throw new IllegalStateException((records.size() - next) + " copied records were not checked");
    }
  }

  private void recordDone(StoredRecord r) throws IOException {
    int computed = (int) crc.getValue();
    if (computed != r.crc32c()) {
      throw new IOException(
          "record at "
              + r.offset()
              + " of "
              + r.file()
              + " ("
              + r.length()
              + " bytes) fails its "
              + checksum.label()
              + " (stored "
              + LayoutCodec.hex(r.crc32c())
              + ", computed "
              + LayoutCodec.hex(computed)
              + "): the file is damaged, so it is not copied");
    }
    crc.reset();
    next++;
  }

  private static void requireZeros(ByteBuffer padding, StoredRecord before) throws IOException {
    while (padding.hasRemaining()) {
      int n = Math.min(padding.remaining(), ZEROS.capacity());
      ByteBuffer part = padding.duplicate().limit(padding.position() + n);
      if (part.mismatch(ZEROS.duplicate().limit(n)) >= 0) {
        throw new IOException(
            "the padding before the record at "
                + before.offset()
                + " of "
                + before.file()
                + " is not zeros: the file is damaged, so it is not copied");
      }
      padding.position(padding.position() + n);
    }
  }
}
