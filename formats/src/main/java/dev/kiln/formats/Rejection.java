package dev.kiln.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * An input that did not become a sample, and why. Written one JSON object per line to a dataset's
 * {@code rejects/} folder; counted by {@link #reason()} in {@code manifest.json}.
 *
 * @param key the sample key the input would have had
 * @param path the input path as matched
 * @param stage where it was rejected: a {@link Stage}'s code (kept as text, as read back from
 *     datasets of any version)
 * @param reason a {@link RejectReason}'s code, documented in the README
 * @param message a human-readable explanation
 * @param size the input's size in bytes, or -1 when unknown
 */
public record Rejection(
    String key, String path, String stage, String reason, String message, long size)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A rejection by {@code stage} for {@code reason}. */
  public Rejection(
      String key, String path, Stage stage, RejectReason reason, String message, long size) {
    this(key, path, stage.code(), reason.code(), message, size);
  }

  /** One JSON line (no trailing newline), fields in a fixed order. */
  public String toJsonLine() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", key);
    o.put("path", path);
    o.put("stage", stage);
    o.put("reason", reason);
    o.put("message", message);
    o.put("size", size);
    return o.toString();
  }

  /** Parses a line written by {@link #toJsonLine()}. */
  public static Rejection fromJsonLine(String line) {
    try {
      var o = MAPPER.readTree(line);
      return new Rejection(
          o.path("key").asText(),
          o.path("path").asText(),
          o.path("stage").asText(),
          o.path("reason").asText(),
          o.path("message").asText(),
          o.path("size").asLong(-1));
    } catch (IOException e) {
      throw new UncheckedIOException("not a rejection line: " + line, e);
    }
  }
}
