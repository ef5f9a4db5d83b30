package dev.kiln.formats.kiln;

/**
 * Base of the unchecked exceptions raised when Kiln files are not what the format says. Unchecked
 * because reads happen inside iterators, streams and data-loader callbacks that can't declare
 * checked exceptions; plain I/O failures surface as {@link java.io.UncheckedIOException}.
 */
public class KilnFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KilnFormatException(String message) {
    super(message);
  }

  public KilnFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
