package dev.kiln.formats.kiln;

/**
 * Where one record lives inside its shard.
 *
 * @param key the sample key (also stored inside the record)
 * @param offset absolute byte offset of the record in the shard file
 * @param length record length in bytes (the Avro binary encoding of the sample)
 * @param crc32c checksum of the record bytes: CRC-32 in format version 2, CRC32C in version 1
 *     ({@link LayoutChecksum}; the name is version 1's)
 */
public record IndexEntry(String key, long offset, int length, int crc32c) {
  public IndexEntry {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset/length for " + key);
    }
  }

  /** One past the last byte of the record. */
  public long end() {
    return offset + length;
  }
}
