package dev.kiln.transforms.prepare;

import java.io.Serializable;

/**
 * Per-input limits that keep one bad input from stopping a worker.
 *
 * @param maxFileBytes inputs larger than this are rejected before they are read
 * @param decodeTimeoutNanos an image still not prepared after this long is rejected and the worker
 *     moves on
 */
public record InputLimits(long maxFileBytes, long decodeTimeoutNanos) implements Serializable {
  public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;
  public static final long DEFAULT_DECODE_TIMEOUT_NANOS = 30_000_000_000L;

  public InputLimits {
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("--max-file-bytes=" + maxFileBytes + ": must be positive");
    }
    if (decodeTimeoutNanos < 1) {
      throw new IllegalArgumentException("--decode-timeout must be positive (seconds)");
    }
  }

  public static InputLimits defaults() {
    return new InputLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_DECODE_TIMEOUT_NANOS);
  }
}
