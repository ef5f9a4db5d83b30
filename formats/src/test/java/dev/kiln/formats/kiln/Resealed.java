package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzed shard and index bytes with their checksums made right again (the checksum of the version
 * the fuzzed bytes name, CRC32C or CRC-32), wherever the (fuzzed) layout fields say they are:
 * without this nearly every mutation would stop at the first checksum, and the fuzzer would never
 * reach the parsing behind it.
 */
final class Resealed {
  private Resealed() {}

  /** The shard's trailer, footer, header and record CRCs recomputed in place, where in range. */
  static byte[] shard(byte[] d) {
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    int n = d.length;
    if (n < TRAILER_SIZE + HDR_FIXED_SIZE) {
      return d;
    }
    LayoutChecksum crc = checksumOf(b.getInt(HDR_VERSION));
    int hdrLen = b.getInt(HDR_HEADER_LENGTH);
    if (hdrLen >= HDR_FIXED_SIZE && hdrLen <= n) {
      b.putInt(hdrLen - 4, crc.of(d, 0, hdrLen - 4));
    }
    int t = n - TRAILER_SIZE;
    long footerOffset = b.getLong(t + TRL_FOOTER_OFFSET);
    long footerLength = b.getLong(t + TRL_FOOTER_LENGTH);
    if (footerOffset >= 0
        && footerLength >= 0
        && footerOffset <= t
        && footerLength <= t - footerOffset) {
      int fo = (int) footerOffset;
      int fl = (int) footerLength;
      for (int p = fo; p + ENT_FIXED_SIZE <= fo + fl; ) {
        long offset = b.getLong(p + ENT_OFFSET);
        int length = b.getInt(p + ENT_LENGTH);
        if (offset >= 0 && length >= 0 && offset <= n - length) {
          b.putInt(p + ENT_CRC, crc.of(d, (int) offset, length));
        }
        p += ENT_FIXED_SIZE + (b.getShort(p + ENT_KEY_LENGTH) & 0xFFFF);
      }
      b.putInt(t + TRL_FOOTER_CRC, crc.of(d, fo, fl));
    }
    b.putInt(t + TRL_TRAILER_CRC, crc.of(d, t, TRL_TRAILER_CRC));
    return d;
  }

  /** The index's closing CRC recomputed. */
  static byte[] index(byte[] d) {
    if (d.length >= IDX_FIXED_SIZE + IDX_END_SIZE) {
      int end = d.length - IDX_END_SIZE;
      ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(end, checksumOf(b.getInt(IDX_VERSION)).of(d, 0, end));
    }
    return d;
  }

  /**
   * The checksum of layout {@code version}; an unknown one (which readers reject) gets version 2's.
   */
  private static LayoutChecksum checksumOf(int version) {
    return version == VERSION_1 ? LayoutChecksum.CRC32C : LayoutChecksum.CRC32;
  }
}
