package dev.kiln.formats.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a Parquet file of a {@link ParquetSchema}'s rows, which the caller shreds into its
 * {@link #column columns} and ends one at a time ({@link #endRow}).
 *
 * <p>The file is plain Parquet, the part of the format every reader reads (checked with
 * parquet-mr, and so parquet-avro, Beam's ParquetIO and Spark; DuckDB; hyparquet): data pages of
 * version 1, values plain-encoded, levels in the RLE/bit-packing hybrid, each page
 * Snappy-compressed and with its CRC32; row groups of a size the caller chooses; no dictionaries
 * and no statistics. The same rows give the same bytes.
 *
 * <p>Why not parquet-mr's writer: for a nightly run's catalog, loading and warming parquet-mr and
 * the Hadoop classes it needs took longer than everything else that finishes a dataset (a third
 * of the classes a run loads).
 */
public final class ParquetTableWriter {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final int SNAPPY = 1;

  private final WritableByteChannel out;
  private final ParquetSchema schema;
  private final String createdBy;
  private final long rowGroupBytes;
  private final List<ColumnWriter> columns = new ArrayList<>();
  private final List<RowGroup> rowGroups = new ArrayList<>();
  private long position;
  private long rowsInGroup;
  private long rows;
  private boolean finished;

  /**
   * Starts a file of {@code schema}'s rows in {@code out}, which must be at the start of the file:
   * the footer's offsets count from there.
   *
   * @param createdBy what the footer names as the file's writer
   * @param rowGroupBytes a row group ends at the first row end after this many bytes are held
   *     (compressed pages, and the page being filled); Parquet's own writer uses 128 MiB
   */
  public ParquetTableWriter(
      WritableByteChannel out, ParquetSchema schema, String createdBy, long rowGroupBytes)
      throws IOException {
    this.rowGroupBytes = rowGroupBytes;
    this.out = out;
    this.schema = schema;
    this.createdBy = createdBy;
    for (ParquetSchema.Column c : schema.columns()) {
      columns.add(new ColumnWriter(c));
    }
    write(MAGIC, MAGIC.length);
  }

  /** Leaf column {@code index} ({@link ParquetSchema#columns()} order), to write values into. */
  public ColumnWriter column(int index) {
    return columns.get(index);
  }

  /** Ends a row whose entries the columns have been given. */
  public void endRow() throws IOException {
    rows++;
    rowsInGroup++;
    long held = 0;
    for (ColumnWriter c : columns) {
      held += c.bufferedBytes();
    }
    if (held >= rowGroupBytes) {
      writeRowGroup();
    }
  }

  /**
   * Writes the last row group and the footer, with {@code metadata} as its key-value pairs (in
   * key order, whatever the map's).
   */
  public void finish(Map<String, String> metadata) throws IOException {
    if (finished) {
      throw new IllegalStateException("the Parquet file is finished");
    }
    finished = true;
    if (rowsInGroup > 0) {
      writeRowGroup();
    }
    ThriftCompactWriter footer = new ThriftCompactWriter().structBegin();
    footer.i32Field(1, 1); // format version
    schema.writeElements(footer);
    footer.i64Field(3, rows);
    footer.listField(4, ThriftCompactWriter.STRUCT, rowGroups.size());
    for (RowGroup group : rowGroups) {
      group.writeTo(footer);
    }
    footer.listField(5, ThriftCompactWriter.STRUCT, metadata.size());
    for (Map.Entry<String, String> kv : new TreeMap<>(metadata).entrySet()) {
      footer.structBegin().stringField(1, kv.getKey()).stringField(2, kv.getValue()).structEnd();
    }
    footer.stringField(6, createdBy);
    byte[] encoded = footer.structEnd().toByteArray();
    write(encoded, encoded.length);
    ByteBuffer end = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(encoded.length).put(MAGIC).flip();
    writeFully(end);
  }

  /** Writes every column's chunk of the current row group and keeps what the footer says of it. */
  private void writeRowGroup() throws IOException {
    long groupStart = position;
    List<ChunkAt> chunks = new ArrayList<>(columns.size());
    for (ColumnWriter c : columns) {
      ColumnWriter.Chunk chunk = c.takeChunk();
      chunks.add(
          new ChunkAt(c.column(), chunk.entries(), chunk.uncompressedBytes(), chunk.pagesLength(), position));
      write(chunk.pages(), chunk.pagesLength());
    }
    rowGroups.add(new RowGroup(chunks, rowsInGroup, groupStart, position - groupStart, rowGroups.size()));
    rowsInGroup = 0;
  }

  /** A column chunk written at {@code start}: what the footer says of it. */
  private record ChunkAt(
      ParquetSchema.Column column, long entries, long uncompressedBytes, long compressedBytes,
      long start) {
    /** Its ColumnChunk struct, as a list element. */
    void writeTo(ThriftCompactWriter footer) {
      footer.structBegin().i64Field(2, start).structField(3);
      footer.i32Field(1, column.type().thriftValue);
      boolean levels = column.maxRepetition() > 0 || column.maxDefinition() > 0;
      footer.listField(2, ThriftCompactWriter.I32, levels ? 2 : 1).i32(ColumnWriter.PLAIN);
      if (levels) {
        footer.i32(ColumnWriter.RLE);
      }
      footer.listField(3, ThriftCompactWriter.BINARY, column.path().size());
      column.path().forEach(footer::string);
      footer.i32Field(4, SNAPPY)
          .i64Field(5, entries)
          .i64Field(6, uncompressedBytes)
          .i64Field(7, compressedBytes)
          .i64Field(9, start)
          .structEnd() // ColumnMetaData
          .structEnd(); // ColumnChunk
    }
  }

  /** A row group written at {@code start}, {@code length} bytes long. */
  private record RowGroup(List<ChunkAt> chunks, long rows, long start, long length, int ordinal) {
    /** Its RowGroup struct, as a list element. */
    void writeTo(ThriftCompactWriter footer) {
      footer.structBegin().listField(1, ThriftCompactWriter.STRUCT, chunks.size());
      long uncompressed = 0;
      for (ChunkAt c : chunks) {
        c.writeTo(footer);
        uncompressed += c.uncompressedBytes();
      }
      footer.i64Field(2, uncompressed)
          .i64Field(3, rows)
          .i64Field(5, start)
          .i64Field(6, length)
          .i16Field(7, ordinal)
          .structEnd();
    }
  }

  private void write(byte[] bytes, int length) throws IOException {
    writeFully(ByteBuffer.wrap(bytes, 0, length));
  }

  private void writeFully(ByteBuffer b) throws IOException {
    position += b.remaining();
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
