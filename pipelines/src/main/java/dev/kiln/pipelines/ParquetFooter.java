package dev.kiln.pipelines;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file written by parquet-java byte-reproducible: parquet-java lists each column
 * chunk's encodings in its footer in a {@code HashSet}'s order, which follows the enum constants'
 * identity hash codes and so changes from one JVM to the next (apache/parquet-java#3215, open). Two
 * runs over the same inputs on different runners, or on different TaskManagers, then wrote catalogs
 * and Parquet shards that differed in a few footer bytes. Kiln sorts each list by the encodings'
 * numbers; the format leaves the order free, so readers see the same file.
 */
final class ParquetFooter {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooter() {}

  /** Rewrites {@code file}'s footer with every column chunk's encodings in ascending order. */
  static void sortEncodings(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      ByteBuffer tail = readFully(channel, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
      int footerLength = tail.getInt(0);
      byte[] magic = new byte[4];
      tail.position(4);
      tail.get(magic);
      long footerStart = size - 8 - footerLength;
      if (!Arrays.equals(magic, MAGIC) || footerLength <= 0 || footerStart < 4) {
        throw new IOException(file + ": not a Parquet file (no footer)");
      }
      ByteBuffer footer = readFully(channel, footerStart, footerLength);
      FileMetaData metadata =
          Util.readFileMetaData(
              new ByteArrayInputStream(footer.array(), footer.arrayOffset(), footerLength));
      if (!sort(metadata)) {
        return;
      }
      ByteArrayOutputStream rewritten = new ByteArrayOutputStream(footerLength);
      Util.writeFileMetaData(metadata, rewritten);
      ByteBuffer end =
          ByteBuffer.allocate(rewritten.size() + 8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put(rewritten.toByteArray())
              .putInt(rewritten.size())
              .put(MAGIC)
              .flip();
      // The same encodings in another order serialize to as many bytes; should a later
      // parquet-java differ, the file still ends right after the new footer.
      while (end.hasRemaining()) {
        channel.write(end, footerStart + end.position());
      }
      channel.truncate(footerStart + end.limit());
    }
  }

  /** Sorts every column chunk's encodings; whether any list changed. */
  private static boolean sort(FileMetaData metadata) {
    boolean changed = false;
    for (RowGroup group : metadata.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        ColumnMetaData column = chunk.getMeta_data();
        if (column == null || column.getEncodings() == null) {
          continue;
        }
        List<Encoding> sorted = new ArrayList<>(column.getEncodings());
        sorted.sort(Comparator.comparingInt(Encoding::getValue));
        if (!sorted.equals(column.getEncodings())) {
          column.setEncodings(sorted);
          changed = true;
        }
      }
    }
    return changed;
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("unexpected end of file at " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }
}
