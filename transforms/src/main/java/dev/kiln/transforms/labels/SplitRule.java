package dev.kiln.transforms.labels;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which split ({@code --split}) an input belongs to: its first folder under the input root ({@code
 * folder}), a metadata table's column ({@code column:NAME}), or a salted hash of its key ({@code
 * hash:train=0.9,val=0.1}), which keeps every image in the same split however many images are added
 * or removed. Immutable.
 */
public final class SplitRule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Split names are directory names: no separators, not hidden. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  /** Salts the key's hash, so the split does not correlate with Kiln's shard order. */
  private static final String SALT = "kiln-split\0";

  /** How the split is decided. */
  public enum Kind {
    FOLDER,
    COLUMN,
    HASH
  }

  private final Kind kind;
  private final String spec;
  private final String column;
  private final MetadataTable table;

  /** For hash splits: each split's upper bound in [0, 1], in the order given. */
  private final Map<String, Double> bounds;

  private SplitRule(
      Kind kind, String spec, String column, MetadataTable table, Map<String, Double> bounds) {
    this.kind = kind;
    this.spec = spec;
    this.column = column;
    this.table = table;
    this.bounds = bounds;
  }

  /**
   * Parses {@code --split}.
   *
   * @param table the metadata table, for {@code column:NAME}; may be null otherwise
   * @throws IllegalArgumentException naming the flag and what is wrong
   */
  public static SplitRule parse(String spec, MetadataTable table) {
    String s = spec.trim();
    String flag = "--split=" + spec;
    if (s.equals("folder")) {
      return new SplitRule(Kind.FOLDER, s, null, null, Map.of());
    }
    if (s.startsWith("column:")) {
      String column = s.substring("column:".length()).trim();
      if (column.isEmpty()) {
        throw new IllegalArgumentException(flag + ": name the column, e.g. column:split");
      }
      if (table == null) {
        throw new IllegalArgumentException(
            flag + ": needs --metadata, the table with column " + column);
      }
      return new SplitRule(Kind.COLUMN, s, column, table, Map.of());
    }
    if (s.startsWith("hash:")) {
      Map<String, Double> bounds = new LinkedHashMap<>();
      double total = 0;
      for (String part : s.substring("hash:".length()).split(",")) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? "" : part.substring(0, eq).trim();
        double fraction;
        try {
          fraction = eq < 0 ? Double.NaN : Double.parseDouble(part.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
          fraction = Double.NaN;
        }
        if (!(fraction > 0 && fraction <= 1) || !validName(name)) {
          throw new IllegalArgumentException(
              flag
                  + ": '"
                  + part
                  + "' is not NAME=FRACTION (a split name and a fraction in (0, 1])");
        }
        if (bounds.containsKey(name)) {
          throw new IllegalArgumentException(flag + ": split " + name + " is named twice");
        }
        total += fraction;
        bounds.put(name, total);
      }
      if (Math.abs(total - 1) > 1e-9) {
        throw new IllegalArgumentException(flag + ": the fractions add up to " + total + ", not 1");
      }
      return new SplitRule(Kind.HASH, s, null, null, bounds);
    }
    throw new IllegalArgumentException(
        flag
            + ": must be folder, column:NAME or hash:NAME=FRACTION,... (e.g. hash:train=0.9,val=0.1)");
  }

  /** Whether {@code name} can be a split's directory. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  public Kind kind() {
    return kind;
  }

  /** The flag's value, as given. */
  public String spec() {
    return spec;
  }

  /** The splits a hash rule names, in the order given; empty for the other kinds. */
  public Iterable<String> hashSplits() {
    return bounds.keySet();
  }

  /**
   * The split of the input at {@code relativePath} (below the input root, with extension) with key
   * {@code key}, or null when it has none (outside any split folder, or without a value in the
   * split column). Folder splits' values are not checked here: see {@link #validName}.
   */
  public String splitOf(String relativePath, String key) {
    switch (kind) {
      case FOLDER -> {
        int slash = relativePath.indexOf('/');
        return slash > 0 ? relativePath.substring(0, slash) : null;
      }
      case COLUMN -> {
        var row = table.find(relativePath, key);
        Object value = row == null ? null : row.extra().get(column);
        return value == null || value.toString().isEmpty() ? null : value.toString();
      }
      default -> {
        double u = unitHash(key);
        String last = null;
        for (Map.Entry<String, Double> b : bounds.entrySet()) {
          last = b.getKey();
          if (u < b.getValue()) {
            return last;
          }
        }
        return last; // u within rounding of 1
      }
    }
  }

  /** The key's salted SHA-256 as a number uniform in [0, 1). */
  static double unitHash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((SALT + key).getBytes(StandardCharsets.UTF_8));
      return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SplitRule r && r.spec.equals(spec) && Objects.equals(r.table, table);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }
}
