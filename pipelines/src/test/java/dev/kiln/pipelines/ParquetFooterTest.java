package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet file whose footer lists its columns' encodings in another order (as parquet-java does
 * in another JVM) becomes, byte for byte, the file with them in ascending order, and still reads.
 */
class ParquetFooterTest {
  @TempDir Path tmp;

  @Test
  void encodingsInAnyOrderBecomeTheSameSortedFooter() throws IOException {
    Path written = tmp.resolve("written.parquet");
    CatalogWriterTest.writeWithParquetIo(written, CatalogWriterTest.entries(16));
    Path reversed = tmp.resolve("reversed.parquet");
    Files.write(reversed, Files.readAllBytes(written));
    rewriteFooter(reversed, meta -> eachChunk(meta, c -> reverse(c.getMeta_data().getEncodings())));
    assertFalse(
        Arrays.equals(Files.readAllBytes(written), Files.readAllBytes(reversed)),
        "reversing the encodings changed the footer");

    ParquetFooter.sortEncodings(written);
    ParquetFooter.sortEncodings(reversed);

    assertArrayEquals(Files.readAllBytes(written), Files.readAllBytes(reversed));
    int multiple = 0;
    for (RowGroup group : footer(written).getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        List<Encoding> encodings = chunk.getMeta_data().getEncodings();
        List<Encoding> sorted = new ArrayList<>(encodings);
        sorted.sort((a, b) -> Integer.compare(a.getValue(), b.getValue()));
        assertEquals(sorted, encodings, String.valueOf(chunk.getMeta_data().getPath_in_schema()));
        multiple += encodings.size() > 1 ? 1 : 0;
      }
    }
    assertTrue(multiple > 0, "some column has more than one encoding");
    assertEquals(16, CatalogWriterTest.readRows(written).size(), "the file still reads");
  }

  @Test
  void aFileWithoutAParquetFooterIsAnError() throws IOException {
    Path notParquet = Files.writeString(tmp.resolve("x.parquet"), "just some text, not Parquet");
    IOException e = assertThrows(IOException.class, () -> ParquetFooter.sortEncodings(notParquet));
    assertTrue(e.getMessage().contains("not a Parquet file"), e.getMessage());
  }

  private static void reverse(List<Encoding> encodings) {
    Collections.reverse(encodings);
  }

  private static void eachChunk(FileMetaData meta, Consumer<ColumnChunk> action) {
    for (RowGroup group : meta.getRow_groups()) {
      group.getColumns().forEach(action);
    }
  }

  static FileMetaData footer(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int length =
        ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Util.readFileMetaData(
        new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
  }

  /** Rewrites {@code file}'s footer after {@code change}; it must keep its length. */
  private static void rewriteFooter(Path file, Consumer<FileMetaData> change) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int length =
        ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    FileMetaData meta = footer(file);
    change.accept(meta);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Util.writeFileMetaData(meta, out);
    assertEquals(length, out.size());
    System.arraycopy(out.toByteArray(), 0, bytes, bytes.length - 8 - length, length);
    Files.write(file, bytes);
  }
}
