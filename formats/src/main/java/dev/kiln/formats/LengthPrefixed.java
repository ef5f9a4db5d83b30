package dev.kiln.formats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Counts and strings in Kiln's own binary files (staging parts, {@code sample-fields.bin}): a count
 * as a big-endian int, a string as its UTF-8 length and bytes. One codec, so every such file reads
 * its strings and rejects a damaged count the same way.
 */
public final class LengthPrefixed {
  private LengthPrefixed() {}

  public static void writeString(DataOutput out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  /**
   * A string {@link #writeString} wrote.
   *
   * @param maxBytes the longest it may be: a longer length is damage, refused before allocating
   * @param where what is being read, for the error ("a catalog row")
   */
  public static String readString(DataInput in, int maxBytes, String where) throws IOException {
    int length = readCount(in, where);
    if (length > maxBytes) {
      throw new IOException("a string of " + length + " bytes in " + where);
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** A count (of items or bytes), refused when negative. */
  public static int readCount(DataInput in, String where) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative count " + n + " in " + where);
    }
    return n;
  }
}
