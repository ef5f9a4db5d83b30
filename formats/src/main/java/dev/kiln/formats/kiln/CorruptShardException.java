package dev.kiln.formats.kiln;

import java.nio.file.Path;

/**
 * A shard file is structurally unusable: bad magic or version, truncated (shorter than its trailer
 * or the dataset index says), or its header/footer/trailer checksum does not match. Raised when the
 * shard is opened, before any record is served from it.
 */
public class CorruptShardException extends KilnFormatException {
  private static final long serialVersionUID = 1L;
  private final transient Path shard;

  public CorruptShardException(Path shard, String problem) {
    super("corrupt Kiln shard " + shard + ": " + problem);
    this.shard = shard;
  }

  public CorruptShardException(Path shard, String problem, Throwable cause) {
    super("corrupt Kiln shard " + shard + ": " + problem, cause);
    this.shard = shard;
  }

  /** The shard file. */
  public Path shard() {
    return shard;
  }
}
