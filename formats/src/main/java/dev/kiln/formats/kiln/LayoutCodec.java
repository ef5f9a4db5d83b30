package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and parses the fixed structures of {@link ShardLayout}. Package-private: the public
 * surface is the writers and readers; this is the one place that touches byte positions.
 */
final class LayoutCodec {
  private LayoutCodec() {}

  /** Parsed shard header. */
  record Header(int version, int headerLength, int align, String schemaJson) {
    /** The checksum of every CRC field of this shard. */
    LayoutChecksum checksum() {
      return LayoutChecksum.forVersion(version);
    }
  }

  /** Parsed shard trailer. */
  record Trailer(long footerOffset, long footerLength, long recordCount, int footerCrc) {}

  static ByteBuffer le(int capacity) {
    return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  static boolean hasMagic(ByteBuffer b, int at, String magic) {
    byte[] expect = magicBytes(magic);
    for (int i = 0; i < expect.length; i++) {
      if (b.get(at + i) != expect[i]) {
        return false;
      }
    }
    return true;
  }

  static String hex(int crc) {
    return String.format("0x%08x", crc);
  }

  // ------------------------------------------------------------------ header

  static byte[] encodeHeader(int version, int align, String schemaJson) {
    LayoutChecksum checksum = LayoutChecksum.forVersion(version);
    byte[] schema = schemaJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = le(HDR_FIXED_SIZE + schema.length);
    b.put(magicBytes(SHARD_MAGIC));
    b.putInt(version);
    b.putInt(HDR_FIXED_SIZE + schema.length);
    b.putInt(align);
    b.putInt(0);
    b.putInt(schema.length);
    b.put(schema);
    b.putInt(checksum.of(b.array(), 0, HDR_SCHEMA + schema.length));
    return b.array();
  }

  /** Header length stated by the first {@link ShardLayout#HDR_FIXED_SIZE} bytes, or throws. */
  static int headerLength(ByteBuffer start, String where) {
    version(start, where);
    int len = start.getInt(HDR_HEADER_LENGTH);
    if (len < HDR_FIXED_SIZE) {
      throw new IllegalArgumentException(where + ": bad header length " + len);
    }
    return len;
  }

  /** The format version a shard's first bytes state, or throws if this library cannot read it. */
  static int version(ByteBuffer start, String where) {
    start.order(ByteOrder.LITTLE_ENDIAN);
    if (start.limit() < HDR_SCHEMA || !hasMagic(start, HDR_MAGIC, SHARD_MAGIC)) {
      throw new IllegalArgumentException(where + ": bad magic, not a Kiln shard");
    }
    int version = start.getInt(HDR_VERSION);
    try {
      LayoutChecksum.forVersion(version);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
    return version;
  }

  static Header parseHeader(ByteBuffer b, String where) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    int len = headerLength(b, where);
    int version = version(b, where);
    LayoutChecksum checksum = LayoutChecksum.forVersion(version);
    if (b.limit() < len) {
      throw new IllegalArgumentException(where + ": header truncated");
    }
    int schemaLength = b.getInt(HDR_SCHEMA_LENGTH);
    if (schemaLength < 0 || HDR_FIXED_SIZE + (long) schemaLength != len) {
      throw new IllegalArgumentException(
          where + ": schema length " + schemaLength + " inconsistent with header length " + len);
    }
    int stored = b.getInt(HDR_SCHEMA + schemaLength);
    int actual = checksum.of(b.array(), b.arrayOffset(), HDR_SCHEMA + schemaLength);
    if (stored != actual) {
      throw new IllegalArgumentException(
          where
              + ": header "
              + checksum.label()
              + " mismatch (stored "
              + hex(stored)
              + ", computed "
              + hex(actual)
              + ")");
    }
    int align = b.getInt(HDR_ALIGN);
    if (!isValidAlign(align)) {
      throw new IllegalArgumentException(where + ": invalid align " + align);
    }
    int flags = b.getInt(HDR_FLAGS);
    if (flags != 0) {
      throw new IllegalArgumentException(where + ": unknown header flags " + hex(flags));
    }
    String schema = utf8(b.array(), b.arrayOffset() + HDR_SCHEMA, schemaLength, where);
    return new Header(version, len, align, schema);
  }

  // ------------------------------------------------------------------ entries

  /** Appends one entry (footer / index encoding) to {@code out}. */
  static void writeEntry(ByteArrayOutputStream out, IndexEntry e) {
    byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = le(ENT_FIXED_SIZE);
    b.putLong(e.offset()).putInt(e.length()).putInt(e.crc32c()).putShort((short) key.length);
    out.write(b.array(), 0, ENT_FIXED_SIZE);
    out.write(key, 0, key.length);
  }

  static byte[] encodeEntries(Iterable<IndexEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (IndexEntry e : entries) {
      writeEntry(out, e);
    }
    return out.toByteArray();
  }

  /**
   * Parses {@code count} entries from {@code b} at its position into parallel arrays starting at
   * {@code at}; advances the position.
   */
  static void readEntries(
      ByteBuffer b,
      long count,
      int at,
      long[] offsets,
      int[] lengths,
      int[] crcs,
      String[] keys,
      String where) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (int i = 0; i < count; i++) {
        long offset = b.getLong();
        int length = b.getInt();
        int crc = b.getInt();
        int keyLength = Short.toUnsignedInt(b.getShort());
        if (offset < 0 || length < 0) {
          throw new IllegalArgumentException(
              where + ": entry " + i + " has negative offset/length");
        }
        int p = b.position();
        if (keyLength > b.remaining()) {
          throw new BufferUnderflowException();
        }
        keys[at + i] = utf8(b.array(), b.arrayOffset() + p, keyLength, where);
        b.position(p + keyLength);
        offsets[at + i] = offset;
        lengths[at + i] = length;
        crcs[at + i] = crc;
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(where + ": entries truncated");
    }
  }

  // ------------------------------------------------------------------ trailer

  static byte[] encodeTrailer(
      LayoutChecksum checksum, long footerOffset, long footerLength, long count, int footerCrc) {
    ByteBuffer b = le(TRAILER_SIZE);
    b.putLong(footerOffset).putLong(footerLength).putLong(count).putInt(footerCrc);
    b.putInt(checksum.of(b.array(), 0, TRL_TRAILER_CRC));
    b.put(magicBytes(TRAILER_MAGIC));
    return b.array();
  }

  /**
   * Parses a shard's last {@link ShardLayout#TRAILER_SIZE} bytes, whose checksum is the one of the
   * shard's version (the trailer does not state it: its header or the dataset index does).
   */
  static Trailer parseTrailer(ByteBuffer b, long fileSize, String where, LayoutChecksum checksum) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    if (!hasMagic(b, TRL_MAGIC, TRAILER_MAGIC)) {
      throw new IllegalArgumentException(
          where + ": bad trailer magic (truncated or incompletely written shard)");
    }
    int stored = b.getInt(TRL_TRAILER_CRC);
    int actual = checksum.of(b.array(), b.arrayOffset(), TRL_TRAILER_CRC);
    if (stored != actual) {
      throw new IllegalArgumentException(where + ": trailer " + checksum.label() + " mismatch");
    }
    Trailer t =
        new Trailer(
            b.getLong(TRL_FOOTER_OFFSET),
            b.getLong(TRL_FOOTER_LENGTH),
            b.getLong(TRL_RECORD_COUNT),
            b.getInt(TRL_FOOTER_CRC));
    if (t.footerOffset() < HDR_FIXED_SIZE
        || t.footerLength() < 0
        || t.recordCount() < 0
        || t.footerLength() > Integer.MAX_VALUE
        || t.recordCount() > Integer.MAX_VALUE
        || t.footerOffset() + t.footerLength() + TRAILER_SIZE != fileSize) {
      throw new IllegalArgumentException(
          where
              + ": trailer says footer ["
              + t.footerOffset()
              + ", +"
              + t.footerLength()
              + ") + "
              + TRAILER_SIZE
              + "-byte trailer, but file is "
              + fileSize
              + " bytes (truncated?)");
    }
    return t;
  }

  /**
   * Lenient decoding on purpose: every byte it sees has already passed a checksum, and keys are
   * decoded by the million when an index is loaded.
   */
  static String utf8(byte[] b, int off, int len, String where) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
