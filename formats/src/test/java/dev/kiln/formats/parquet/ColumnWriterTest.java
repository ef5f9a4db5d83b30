package dev.kiln.formats.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries that do not fit their column are refused where they are written, not in the file. */
class ColumnWriterTest {
  private static final ParquetSchema SCHEMA =
      new ParquetSchema(
          "t",
          List.of(
              ParquetSchema.string("name"),
              ParquetSchema.stringList("tags"),
              ParquetSchema.groupList(
                  "points", List.of(ParquetSchema.required("x", ParquetSchema.Type.FLOAT)))));

  @Test
  void columnsAreNumberedDepthFirstWithTheirLevels() {
    assertEquals(
        List.of(
            new ParquetSchema.Column(List.of("name"), ParquetSchema.Type.BYTE_ARRAY, 0, 0),
            new ParquetSchema.Column(List.of("tags", "array"), ParquetSchema.Type.BYTE_ARRAY, 1, 1),
            new ParquetSchema.Column(List.of("points", "array", "x"), ParquetSchema.Type.FLOAT, 1, 1)),
        SCHEMA.columns());
  }

  @Test
  void refusesValuesOfAnotherTypeOrLevel() {
    ColumnWriter name = new ColumnWriter(SCHEMA.columns().get(0));
    ColumnWriter tags = new ColumnWriter(SCHEMA.columns().get(1));
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> name.int32(3));
    assertTrue(wrongType.getMessage().contains("[name] holds BYTE_ARRAY, not INT32"), wrongType.getMessage());
    assertThrows(IllegalArgumentException.class, () -> name.empty(0, 0), "a required column has no empty entry");
    assertThrows(IllegalArgumentException.class, () -> tags.binary(0, 0, new byte[1]), "a value below the list's level");
    assertThrows(IllegalArgumentException.class, () -> tags.binary(2, 1, new byte[1]), "repetition past the list's");
    assertThrows(IllegalArgumentException.class, () -> tags.empty(0, 1), "an empty entry at the value's level");
    tags.empty(0, 0);
    tags.binary(0, 1, new byte[] {'a'});
    tags.binary(1, 1, new byte[] {'b'});
    assertTrue(tags.bufferedBytes() > 0);
  }

  @Test
  void pagesEndOnlyBetweenRows() {
    ColumnWriter tags = new ColumnWriter(SCHEMA.columns().get(1));
    byte[] big = new byte[ColumnWriter.PAGE_BYTES / 4];
    // One row of eight values, twice a page's worth: it stays in one page.
    for (int i = 0; i < 8; i++) {
      tags.binary(i == 0 ? 0 : 1, 1, big);
    }
    tags.binary(0, 1, new byte[] {'z'}); // the next row starts a page
    ColumnWriter.Chunk chunk = tags.takeChunk();
    assertEquals(2, chunk.pageCount());
    assertEquals(9, chunk.entries());
    assertTrue(chunk.uncompressedBytes() > 2L * ColumnWriter.PAGE_BYTES);
    assertEquals(0, tags.bufferedBytes(), "the column starts afresh");
  }
}
