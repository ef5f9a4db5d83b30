package dev.kiln.formats.kiln;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk layout of Kiln shards ({@code .kiln}) and of the dataset index ({@code index.kidx}),
 * declared as constants. {@code formats/FORMAT.md} describes the same layout field by field; the
 * names here are the names used there, so the two can be read side by side.
 *
 * <p>All integers are little-endian and unsigned unless stated otherwise (lengths never exceed the
 * signed range in practice; readers reject values that do). Every checksum is the one of the format
 * version ({@link LayoutChecksum}): CRC-32 in version 2, CRC32C in version 1. Text is UTF-8.
 */
public final class ShardLayout {
  private ShardLayout() {}

  /** The first layout version: every checksum is CRC32C. Read, and written only on request. */
  public static final int VERSION_1 = 1;

  /**
   * The second layout version: the same bytes as version 1 except that every checksum is CRC-32
   * (ISO-HDLC), which Python's standard library computes at memory speed.
   */
  public static final int VERSION_2 = 2;

  /** Layout version written by default; readers take {@link #VERSION_1} too, and reject others. */
  public static final int VERSION = VERSION_2;

  /**
   * The index version of a dataset whose shards hold records its index does not list (records of
   * deleted or replaced samples in shards that several dataset versions share): its shard table
   * rows end with {@code live_count} ({@link #SHT_LIVE_COUNT}), and each shard's run of entries
   * lists only those records. Its shards are of {@link #VERSION_2}; checksums are CRC-32. An index
   * whose shards are all live is written as {@link #VERSION_2}, as it always was.
   */
  public static final int INDEX_VERSION_SHARED = 3;

  /**
   * Default record alignment: the page/NVMe logical-block size, so each record is one aligned I/O.
   */
  public static final int DEFAULT_ALIGN = 4096;

  /** Alignment of O_DIRECT reads (offset, length and buffer address). */
  public static final int DIRECT_IO_ALIGN = 4096;

  /** Shard file extension. */
  public static final String SHARD_SUFFIX = ".kiln";

  /** Suffix of a shard or index while it is being written; renamed away on completion. */
  public static final String TMP_SUFFIX = ".tmp";

  /** File name of the dataset index inside the dataset directory. */
  public static final String INDEX_FILE_NAME = "index.kidx";

  /** File name of the pipeline's manifest, checked by {@link DatasetVerifier} when present. */
  public static final String MANIFEST_FILE_NAME = "manifest.json";

  // ---------------------------------------------------------------- shard header (at offset 0)
  /** {@code magic[8]} = "KILNSHD1". */
  public static final String SHARD_MAGIC = "KILNSHD1";

  public static final int HDR_MAGIC = 0; // 8 bytes
  public static final int HDR_VERSION = 8; // u32
  public static final int HDR_HEADER_LENGTH = 12; // u32: bytes from 0 through header_crc
  public static final int HDR_ALIGN = 16; // u32: 0 = packed, else a power of two
  public static final int HDR_FLAGS = 20; // u32: reserved, 0
  public static final int HDR_SCHEMA_LENGTH = 24; // u32: S
  public static final int HDR_SCHEMA = 28; // S bytes of schema JSON, then u32 header_crc

  /** Fixed part of the header: everything except the schema text. header_length = this + S. */
  public static final int HDR_FIXED_SIZE = 32;

  // ---------------------------------------------------------------- index entry (footer, kidx)
  // Same encoding in a shard footer and in index.kidx, so a shard's footer bytes are exactly its
  // run of entries in the index (and its footer_crc is the checksum of that run).
  public static final int ENT_OFFSET = 0; // u64: absolute file offset of the record
  public static final int ENT_LENGTH = 8; // u32: record length in bytes
  public static final int ENT_CRC = 12; // u32: checksum of the record bytes
  public static final int ENT_KEY_LENGTH = 16; // u16: K
  public static final int ENT_KEY = 18; // K bytes of key

  /** Fixed part of an entry; an entry is this + K bytes. */
  public static final int ENT_FIXED_SIZE = 18;

  /** Keys longer than this (in UTF-8 bytes) are rejected by the writer. */
  public static final int MAX_KEY_BYTES = 0xFFFF;

  // ---------------------------------------------------------------- shard trailer (last 40 bytes)
  public static final int TRL_FOOTER_OFFSET = 0; // u64
  public static final int TRL_FOOTER_LENGTH = 8; // u64
  public static final int TRL_RECORD_COUNT = 16; // u64
  public static final int TRL_FOOTER_CRC = 24; // u32: checksum of the footer bytes
  public static final int TRL_TRAILER_CRC = 28; // u32: checksum of trailer bytes [0, 28)
  public static final int TRL_MAGIC = 32; // 8 bytes = "KILNEND1"
  public static final int TRAILER_SIZE = 40;

  /** {@code trailer magic[8]} = "KILNEND1". */
  public static final String TRAILER_MAGIC = "KILNEND1";

  // ---------------------------------------------------------------- index.kidx
  /** {@code magic[8]} = "KILNIDX1". */
  public static final String INDEX_MAGIC = "KILNIDX1";

  public static final int IDX_MAGIC = 0; // 8 bytes
  public static final int IDX_VERSION = 8; // u32
  public static final int IDX_ALIGN = 12; // u32: the shards' common alignment
  public static final int IDX_SHARD_COUNT = 16; // u32
  public static final int IDX_SCHEMA_LENGTH = 20; // u32: S
  public static final int IDX_RECORD_COUNT = 24; // u64
  public static final int IDX_SCHEMA = 32; // S bytes of schema JSON; shard table follows
  public static final int IDX_FIXED_SIZE = 32;

  // Shard table entry: u16 name_length, name, then these fields (offsets relative to after name).
  public static final int SHT_NAME_LENGTH_SIZE = 2; // u16: N
  public static final int SHT_FILE_SIZE = 0; // u64
  public static final int SHT_RECORD_COUNT = 8; // u64
  public static final int SHT_FILE_CRC = 16; // u32: checksum of the whole shard file
  public static final int SHT_FOOTER_CRC = 20; // u32: the shard trailer's footer_crc
  public static final int SHT_FIXED_SIZE = 24; // bytes after the name
  // Index version 3 (INDEX_VERSION_SHARED) only: how many of the shard's records the index lists.
  public static final int SHT_LIVE_COUNT = 24; // u64
  public static final int SHT_FIXED_SIZE_SHARED = 32; // bytes after the name, index version 3

  // End of index: u32 checksum of every preceding byte, then magic "KILNIEND".
  public static final int IDX_END_SIZE = 12;
  public static final String INDEX_END_MAGIC = "KILNIEND";

  // ---------------------------------------------------------------- helpers

  private static final Pattern SHARD_NAME = Pattern.compile("(.*)-(\\d+)\\.kiln");

  /** {@code <prefix>-NNNNN.kiln}: the shard number zero-padded to (at least) five digits. */
  public static String shardFileName(String prefix, int shardNumber) {
    if (shardNumber < 0) {
      throw new IllegalArgumentException("negative shard number " + shardNumber);
    }
    return String.format("%s-%05d%s", prefix, shardNumber, SHARD_SUFFIX);
  }

  /**
   * Orders shard file names by prefix, then shard number numerically (so {@code -100000} sorts
   * after {@code -99999}), then by name for names that don't follow the pattern.
   */
  public static int compareShardNames(String a, String b) {
    Matcher ma = SHARD_NAME.matcher(a);
    Matcher mb = SHARD_NAME.matcher(b);
    if (ma.matches() && mb.matches()) {
      int c = ma.group(1).compareTo(mb.group(1));
      if (c != 0) {
        return c;
      }
      c = new java.math.BigInteger(ma.group(2)).compareTo(new java.math.BigInteger(mb.group(2)));
      if (c != 0) {
        return c;
      }
    }
    return a.compareTo(b);
  }

  /** True for 0 (packed) and for powers of two. */
  public static boolean isValidAlign(long align) {
    return align == 0 || (align > 0 && align <= (1 << 30) && Long.bitCount(align) == 1);
  }

  /** {@code x} rounded up to a multiple of {@code align}; {@code x} itself when align is 0 or 1. */
  public static long alignUp(long x, long align) {
    return align <= 1 ? x : (x + align - 1) & -align;
  }

  /**
   * {@code x} rounded down to a multiple of {@code align}; {@code x} itself when align is 0 or 1.
   */
  public static long alignDown(long x, long align) {
    return align <= 1 ? x : x & -align;
  }

  /** The 8 ASCII bytes of a magic constant. */
  static byte[] magicBytes(String magic) {
    return magic.getBytes(StandardCharsets.US_ASCII);
  }
}
