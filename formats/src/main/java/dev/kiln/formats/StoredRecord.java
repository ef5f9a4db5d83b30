package dev.kiln.formats;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a sample's record already lies in a file: a record of the previous version of a dataset,
 * carried over into the next. A Kiln shard writer copies such a record's bytes from there (in the
 * kernel, together with the records next to it) instead of reading them and writing them again.
 *
 * @param file the file holding the record
 * @param number the record's number in {@code file} (0 for the first): records numbered one after
 *     the other have nothing between them but padding, so they may be copied as one range
 * @param offset byte offset of the record in {@code file}
 * @param length record length in bytes
 * @param crc32c checksum of the record bytes (its file's format version's), as the file's index
 *     states it; the copy is checked against it
 * @param fileSha256 the SHA-256 (hex) of the whole file as its dataset's manifest states it, or
 *     null: a shard that turns out to be a copy of the whole file, checked byte for byte against
 *     what writing it would give, takes it instead of hashing the copy again
 */
public record StoredRecord(
    Path file, int number, long offset, int length, int crc32c, String fileSha256) {
  public StoredRecord {
    Objects.requireNonNull(file, "file");
    if (number < 0 || offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative number/offset/length in " + file);
    }
  }

  /** One past the last byte of the record. */
  public long end() {
    return offset + length;
  }
}
