package dev.kiln.formats.kiln;

import java.nio.file.Path;

/** The dataset index {@code index.kidx} is truncated, has bad magic or fails its checksum. */
public class CorruptIndexException extends KilnFormatException {
  private static final long serialVersionUID = 1L;
  private final transient Path index;

  public CorruptIndexException(Path index, String problem) {
    super("corrupt Kiln dataset index " + index + ": " + problem);
    this.index = index;
  }

  public Path index() {
    return index;
  }
}
