package dev.kiln.formats.parquet;

import java.util.Arrays;

/**
 * A byte array that grows as it is appended to, with little-endian numbers and unsigned varints:
 * what pages, their levels and the Thrift-encoded headers and footer of a Parquet file are
 * assembled in.
 */
final class GrowingBytes {
  private byte[] bytes;
  private int size;

  GrowingBytes(int capacity) {
    bytes = new byte[Math.max(capacity, 16)];
  }

  int size() {
    return size;
  }

  byte[] array() {
    return bytes;
  }

  void clear() {
    size = 0;
  }

  /** Empties it and lets go of its array, which a taken chunk now holds. */
  void reset() {
    bytes = new byte[1024];
    size = 0;
  }

  void byteValue(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  void int32(int v) {
    ensure(4);
    bytes[size++] = (byte) v;
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) (v >>> 16);
    bytes[size++] = (byte) (v >>> 24);
  }

  void int64(long v) {
    int32((int) v);
    int32((int) (v >>> 32));
  }

  void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      byteValue((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    byteValue((int) v);
  }

  void bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      long grown = Math.max(2L * bytes.length, (long) size + more);
      if (grown > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("over 2 GB in one buffer of a Parquet file (a column chunk, page or footer)");
      }
      bytes = Arrays.copyOf(bytes, (int) grown);
    }
  }
}
