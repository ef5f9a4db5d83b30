package dev.kiln.formats.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The compact protocol's bytes, worked out by hand from Thrift's specification. */
class ThriftCompactWriterTest {
  private static byte[] bytes(int... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int v : values) {
      out.write(v);
    }
    return out.toByteArray();
  }

  @Test
  void shortAndLongFieldHeadersZigzagVarintsStringsListsAndNestedStructs() {
    byte[] written =
        new ThriftCompactWriter()
            .structBegin()
            .i32Field(1, 1) // delta 1, type 5; zigzag(1) = 2
            .i32Field(17, -1) // delta 16: type byte, then the id as a zigzag varint (34); zigzag(-1) = 1
            .i64Field(18, 300) // zigzag(300) = 600 = 0xD8 0x04
            .stringField(19, "é") // length 2, UTF-8
            .listField(20, ThriftCompactWriter.I32, 16) // 15 or more elements: 0xF0 | type, then the count
            .i32(0).i32(0).i32(0).i32(0).i32(0).i32(0).i32(0).i32(0)
            .i32(0).i32(0).i32(0).i32(0).i32(0).i32(0).i32(0).i32(0)
            .structField(21) // a nested struct's field ids start again from 0
            .i16Field(1, 7)
            .structEnd()
            .i32Field(22, 1) // and the outer struct's go on from 21
            .listField(23, ThriftCompactWriter.BINARY, 2) // fewer than 15: count << 4 | type
            .string("a")
            .string("")
            .structEnd()
            .toByteArray();
    assertArrayEquals(
        bytes(
            0x15, 0x02,
            0x05, 0x22, 0x01,
            0x16, 0xD8, 0x04,
            0x18, 0x02, 0xC3, 0xA9,
            0x19, 0xF5, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0x1C, 0x14, 0x0E, 0x00,
            0x15, 0x02,
            0x19, 0x28, 0x01, 'a', 0x00,
            0x00),
        written);
  }
}
