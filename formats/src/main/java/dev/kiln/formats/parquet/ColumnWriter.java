package dev.kiln.formats.parquet;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.xerial.snappy.Snappy;

/**
 * One leaf column of a {@link ParquetTableWriter}: its values and levels, shredded by the caller,
 * go into data pages (version 1: levels in Parquet's RLE/bit-packing hybrid, values plain, the
 * page Snappy-compressed with a CRC), kept until the row group is written.
 *
 * <p>Each entry is written with its repetition and definition level: a value at the column's
 * highest definition level, or {@link #empty} below it (an empty list). An entry at repetition
 * level 0 starts a row; a page ends only before one, so no row spans two pages.
 */
public final class ColumnWriter {
  /** A page ends at the first row boundary after this many bytes of levels and values. */
  static final int PAGE_BYTES = 1 << 20;

  private final ParquetSchema.Column column;
  private final int levelBits;

  // The page being filled.
  private final GrowingBytes values = new GrowingBytes(1024);
  private byte[] repetitionLevels = new byte[256];
  private byte[] definitionLevels = new byte[256];
  private int pageEntries;

  // The row group's finished pages, with their headers, and their totals.
  private final GrowingBytes pages = new GrowingBytes(1024);
  private int chunkPages;
  private long chunkEntries;
  private long chunkUncompressed;

  ColumnWriter(ParquetSchema.Column column) {
    this.column = column;
    this.levelBits = 32 - Integer.numberOfLeadingZeros(Math.max(column.maxRepetition(), column.maxDefinition()));
  }

  /** The column this writes. */
  public ParquetSchema.Column column() {
    return column;
  }

  /** A value of a required column outside any list. */
  public void int32(int value) {
    int32(0, 0, value);
  }

  public void int32(int repetition, int definition, int value) {
    entry(repetition, definition, ParquetSchema.Type.INT32);
    values.int32(value);
  }

  /** A value of a required column outside any list. */
  public void int64(long value) {
    entry(0, 0, ParquetSchema.Type.INT64);
    values.int64(value);
  }

  public void float32(int repetition, int definition, float value) {
    entry(repetition, definition, ParquetSchema.Type.FLOAT);
    values.int32(Float.floatToRawIntBits(value));
  }

  /** A value of a required column outside any list. */
  public void binary(byte[] value) {
    binary(0, 0, value);
  }

  public void binary(int repetition, int definition, byte[] value) {
    entry(repetition, definition, ParquetSchema.Type.BYTE_ARRAY);
    values.int32(value.length);
    values.bytes(value, 0, value.length);
  }

  /** An entry without a value: {@code definition} is below the column's highest (an empty list). */
  public void empty(int repetition, int definition) {
    if (definition >= column.maxDefinition()) {
      throw new IllegalArgumentException(
          "column " + column.path() + ": an entry at definition level " + definition + " has a value");
    }
    levels(repetition, definition);
  }

  private void entry(int repetition, int definition, ParquetSchema.Type type) {
    if (type != column.type()) {
      throw new IllegalArgumentException(
          "column " + column.path() + " holds " + column.type() + ", not " + type);
    }
    if (definition != column.maxDefinition()) {
      throw new IllegalArgumentException("column " + column.path() + ": a value at definition level "
          + definition + ", not " + column.maxDefinition());
    }
    levels(repetition, definition);
  }

  private void levels(int repetition, int definition) {
    if (repetition < 0 || repetition > column.maxRepetition() || definition < 0) {
      throw new IllegalArgumentException("column " + column.path() + ": repetition level "
          + repetition + " (at most " + column.maxRepetition() + "), definition level " + definition);
    }
    if (repetition == 0 && pageEntries > 0 && pageBytes() >= PAGE_BYTES) {
      endPage();
    }
    if (pageEntries == repetitionLevels.length) {
      repetitionLevels = Arrays.copyOf(repetitionLevels, 2 * pageEntries);
      definitionLevels = Arrays.copyOf(definitionLevels, 2 * pageEntries);
    }
    repetitionLevels[pageEntries] = (byte) repetition;
    definitionLevels[pageEntries] = (byte) definition;
    pageEntries++;
  }

  private long pageBytes() {
    return values.size() + (long) pageEntries * levelBits / 4;
  }

  /** Bytes held for the row group so far, for deciding when to write it. */
  long bufferedBytes() {
    return pages.size() + pageBytes();
  }

  /** Ends the page being filled, if it has entries: encodes, compresses and keeps it. */
  void endPage() {
    if (pageEntries == 0) {
      return;
    }
    GrowingBytes body = new GrowingBytes((int) pageBytes() + 16);
    if (column.maxRepetition() > 0) {
      hybridLevels(body, repetitionLevels);
    }
    if (column.maxDefinition() > 0) {
      hybridLevels(body, definitionLevels);
    }
    body.bytes(values.array(), 0, values.size());
    byte[] compressed;
    int compressedLength;
    try {
      compressed = new byte[Snappy.maxCompressedLength(body.size())];
      compressedLength = Snappy.compress(body.array(), 0, body.size(), compressed, 0);
    } catch (IOException e) {
      throw new IllegalStateException("Snappy failed to compress a page of column " + column.path(), e);
    }
    CRC32 crc = new CRC32();
    crc.update(compressed, 0, compressedLength);
    byte[] header =
        new ThriftCompactWriter()
            .structBegin()
            .i32Field(1, DATA_PAGE)
            .i32Field(2, body.size())
            .i32Field(3, compressedLength)
            .i32Field(4, (int) crc.getValue())
            .structField(5)
            .i32Field(1, pageEntries)
            .i32Field(2, PLAIN)
            .i32Field(3, RLE)
            .i32Field(4, RLE)
            .structEnd()
            .structEnd()
            .toByteArray();
    pages.bytes(header, 0, header.length);
    pages.bytes(compressed, 0, compressedLength);
    chunkPages++;
    chunkEntries += pageEntries;
    chunkUncompressed += header.length + body.size();
    values.clear();
    pageEntries = 0;
  }

  /**
   * Levels as a 4-byte length and one bit-packed run of the RLE/bit-packing hybrid: groups of 8
   * levels in {@link #levelBits} bits each, least significant bit first, the last group padded
   * (readers take as many levels as the page header's count).
   */
  private void hybridLevels(GrowingBytes body, byte[] levels) {
    int groups = (pageEntries + 7) / 8;
    GrowingBytes run = new GrowingBytes(groups * levelBits + 8);
    run.varint(((long) groups << 1) | 1);
    long bits = 0;
    int held = 0;
    for (int i = 0; i < groups * 8; i++) {
      bits |= (long) (i < pageEntries ? levels[i] : 0) << held;
      held += levelBits;
      while (held >= 8) {
        run.byteValue((int) bits);
        bits >>>= 8;
        held -= 8;
      }
    }
    body.int32(run.size());
    body.bytes(run.array(), 0, run.size());
  }

  /** The row group's pages, written; what its footer says of the column chunk. */
  record Chunk(byte[] pages, int pagesLength, int pageCount, long entries, long uncompressedBytes) {}

  /** Ends the row group's last page and hands over its pages; the column starts afresh. */
  Chunk takeChunk() {
    endPage();
    Chunk chunk = new Chunk(pages.array(), pages.size(), chunkPages, chunkEntries, chunkUncompressed);
    pages.reset();
    chunkPages = 0;
    chunkEntries = 0;
    chunkUncompressed = 0;
    return chunk;
  }

  private static final int DATA_PAGE = 0;
  static final int PLAIN = 0;
  static final int RLE = 3;
}
