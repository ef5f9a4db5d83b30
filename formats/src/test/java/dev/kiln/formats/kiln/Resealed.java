package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzed shard and index bytes with their CRC32Cs made right again, wherever the (fuzzed) layout
 * fields say they are: without this nearly every mutation would stop at the first checksum, and
 * the fuzzer would never reach the parsing behind it.
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
    int hdrLen = b.getInt(HDR_HEADER_LENGTH);
    if (hdrLen >= HDR_FIXED_SIZE && hdrLen <= n) {
      b.putInt(hdrLen - 4, LayoutCodec.crc32c(d, 0, hdrLen - 4));
    }
    int t = n - TRAILER_SIZE;
    long footerOffset = b.getLong(t + TRL_FOOTER_OFFSET);
    long footerLength = b.getLong(t + TRL_FOOTER_LENGTH);
    if (footerOffset >= 0 && footerLength >= 0 && footerOffset <= t
        && footerLength <= t - footerOffset) {
      int fo = (int) footerOffset;
      int fl = (int) footerLength;
      for (int p = fo; p + ENT_FIXED_SIZE <= fo + fl; ) {
        long offset = b.getLong(p + ENT_OFFSET);
        int length = b.getInt(p + ENT_LENGTH);
        if (offset >= 0 && length >= 0 && offset <= n - length) {
          b.putInt(p + ENT_CRC, LayoutCodec.crc32c(d, (int) offset, length));
        }
        p += ENT_FIXED_SIZE + (b.getShort(p + ENT_KEY_LENGTH) & 0xFFFF);
      }
      b.putInt(t + TRL_FOOTER_CRC, LayoutCodec.crc32c(d, fo, fl));
    }
    b.putInt(t + TRL_TRAILER_CRC, LayoutCodec.crc32c(d, t, TRL_TRAILER_CRC));
    return d;
  }

  /** The index's closing CRC recomputed. */
  static byte[] index(byte[] d) {
    if (d.length >= IDX_FIXED_SIZE + IDX_END_SIZE) {
      int end = d.length - IDX_END_SIZE;
      ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(end, LayoutCodec.crc32c(d, 0, end));
    }
    return d;
  }
}
