package dev.kiln.formats.parquet;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Thrift's compact protocol, the encoding of a Parquet file's page headers and footer, for the
 * few types those use: structs, lists, i16, i32, i64 and binary (strings). Fields are written in
 * increasing id order within a struct, as the protocol's short field headers require.
 */
final class ThriftCompactWriter {
  static final byte I16 = 4;
  static final byte I32 = 5;
  static final byte I64 = 6;
  static final byte BINARY = 8;
  static final byte LIST = 9;
  static final byte STRUCT = 12;

  private final GrowingBytes out = new GrowingBytes(256);
  /** The last field id of each open struct; the innermost at {@link #depth} - 1. */
  private short[] lastFieldIds = new short[8];
  private int depth;
  private short lastFieldId;

  /** Opens a struct: a list element, or the outermost value. */
  ThriftCompactWriter structBegin() {
    if (depth == lastFieldIds.length) {
      lastFieldIds = Arrays.copyOf(lastFieldIds, 2 * depth);
    }
    lastFieldIds[depth++] = lastFieldId;
    lastFieldId = 0;
    return this;
  }

  /** Closes the innermost open struct. */
  ThriftCompactWriter structEnd() {
    out.byteValue(0); // the stop field
    lastFieldId = lastFieldIds[--depth];
    return this;
  }

  /** Opens a struct as field {@code id} of the enclosing one. */
  ThriftCompactWriter structField(int id) {
    fieldHeader(id, STRUCT);
    return structBegin();
  }

  ThriftCompactWriter i16Field(int id, int value) {
    fieldHeader(id, I16);
    return i32(value);
  }

  ThriftCompactWriter i32Field(int id, int value) {
    fieldHeader(id, I32);
    return i32(value);
  }

  ThriftCompactWriter i64Field(int id, long value) {
    fieldHeader(id, I64);
    out.varint((value << 1) ^ (value >> 63));
    return this;
  }

  ThriftCompactWriter stringField(int id, String value) {
    fieldHeader(id, BINARY);
    return string(value);
  }

  /** Starts a list of {@code count} elements of {@code elementType} as field {@code id}. */
  ThriftCompactWriter listField(int id, byte elementType, int count) {
    fieldHeader(id, LIST);
    if (count < 15) {
      out.byteValue((count << 4) | elementType);
    } else {
      out.byteValue(0xF0 | elementType);
      out.varint(count);
    }
    return this;
  }

  /** An i32 list element (or the value of an i16 or i32 field). */
  ThriftCompactWriter i32(int value) {
    out.varint(Integer.toUnsignedLong((value << 1) ^ (value >> 31)));
    return this;
  }

  /** A string list element (or the value of a string field). */
  ThriftCompactWriter string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.varint(utf8.length);
    out.bytes(utf8, 0, utf8.length);
    return this;
  }

  /** The bytes written so far. */
  byte[] toByteArray() {
    return Arrays.copyOf(out.array(), out.size());
  }

  private void fieldHeader(int id, byte type) {
    int delta = id - lastFieldId;
    if (delta > 0 && delta <= 15) {
      out.byteValue((delta << 4) | type);
    } else {
      out.byteValue(type);
      i32((short) id);
    }
    lastFieldId = (short) id;
  }
}
