package dev.kiln.formats.kiln;

import java.nio.file.Path;

/**
 * One record's bytes do not match the checksum stored for them (or could not be read completely).
 * Other records of the same shard remain readable, so a training job may choose to skip the sample;
 * the message names the shard file, the record and its key so it can be repaired.
 */
public class CorruptRecordException extends KilnFormatException {
  private static final long serialVersionUID = 1L;
  private final transient Path shard;
  private final long recordIndex;
  private final String key;

  /**
   * @param shard the shard file holding the record
   * @param recordIndex the record's position in dataset order (or in its shard when read from a
   *     single shard)
   * @param key the record's key according to the index
   * @param problem what is wrong
   */
  public CorruptRecordException(Path shard, long recordIndex, String key, String problem) {
    super("corrupt record " + recordIndex + " (key '" + key + "') in " + shard + ": " + problem);
    this.shard = shard;
    this.recordIndex = recordIndex;
    this.key = key;
  }

  public Path shard() {
    return shard;
  }

  public long recordIndex() {
    return recordIndex;
  }

  public String key() {
    return key;
  }
}
