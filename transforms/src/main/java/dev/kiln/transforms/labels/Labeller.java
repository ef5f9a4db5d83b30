package dev.kiln.transforms.labels;

import dev.kiln.formats.LabelFields;
import dev.kiln.formats.RejectReason;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Gives each input its {@link LabelFields}: the class of its class folder ({@code --labels=folder})
 * and its row of a metadata table ({@code --metadata}), or the reason it has none when one is
 * needed. Built once by the launcher (which reads the table, so a bad table is a usage error before
 * anything runs) and sent to the workers; immutable.
 */
public final class Labeller implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What an input is labelled with, or why it is rejected ({@code reason} non-null). */
  public record Outcome(LabelFields fields, RejectReason reason, String message) {
    static Outcome of(LabelFields fields) {
      return new Outcome(fields, null, null);
    }

    static Outcome rejected(RejectReason reason, String message) {
      return new Outcome(null, reason, message);
    }

    public boolean rejected() {
      return reason != null;
    }
  }

  private static final Labeller NONE = new Labeller(null, null, false, "");
  private static final Outcome UNLABELLED = Outcome.of(LabelFields.NONE);

  /** Class name to id for {@code --labels=folder}; null when classes do not come from folders. */
  private final Map<String, Integer> folderClasses;

  private final MetadataTable metadata;
  private final boolean metadataRequired;

  /**
   * What the metadata table's paths have before an input's path: its split folder and a slash when
   * the input root is a split folder ({@code --split=folder}), else "".
   */
  private final String tablePrefix;

  private Labeller(
      Map<String, Integer> folderClasses,
      MetadataTable metadata,
      boolean metadataRequired,
      String tablePrefix) {
    this.folderClasses = folderClasses;
    this.metadata = metadata;
    this.metadataRequired = metadataRequired;
    this.tablePrefix = tablePrefix;
  }

  /** Labels nothing: every input's fields are {@link LabelFields#NONE}. */
  public static Labeller none() {
    return NONE;
  }

  /**
   * @param folderClasses class name to id when classes come from class folders, else null
   * @param metadata the metadata table, or null
   * @param metadataRequired reject inputs without a row ({@code no-metadata}) instead of keeping
   *     them
   */
  public static Labeller of(
      Map<String, Integer> folderClasses, MetadataTable metadata, boolean metadataRequired) {
    return of(folderClasses, metadata, metadataRequired, "");
  }

  /**
   * As {@link #of(Map, MetadataTable, boolean)}, for inputs below a split folder of the table's
   * root: {@code tablePrefix} ({@code "train/"}) is put before an input's path to find its row
   * (and, failing that, the path alone is tried).
   */
  public static Labeller of(
      Map<String, Integer> folderClasses,
      MetadataTable metadata,
      boolean metadataRequired,
      String tablePrefix) {
    return new Labeller(
        folderClasses == null ? null : Map.copyOf(folderClasses),
        metadata,
        metadataRequired,
        tablePrefix);
  }

  /** Whether this gives any input any field. */
  public boolean labelsAnything() {
    return folderClasses != null || metadata != null;
  }

  /**
   * The fields of the input whose path relative to the input root is {@code relativePath} ({@code
   * /}-separated, with its extension) and whose key is {@code key}.
   */
  public Outcome label(String key, String relativePath) {
    Objects.requireNonNull(relativePath, "relativePath");
    if (folderClasses == null && metadata == null) {
      return UNLABELLED;
    }
    LabelFields fields = LabelFields.NONE;
    if (metadata != null) {
      LabelFields row =
          tablePrefix.isEmpty()
              ? null
              : metadata.find(tablePrefix + relativePath, tablePrefix + key);
      if (row == null) {
        row = metadata.find(relativePath, key);
      }
      if (row == null && metadataRequired) {
        return Outcome.rejected(
            RejectReason.NO_METADATA,
            "no row of "
                + metadata.source()
                + " has "
                + metadata.keyColumn()
                + " "
                + relativePath
                + " (--metadata-required)");
      }
      if (row != null) {
        fields = row;
      }
    }
    if (folderClasses != null) {
      int slash = relativePath.indexOf('/');
      if (slash < 0) {
        return Outcome.rejected(
            RejectReason.NO_LABEL, "not inside a class folder of the input root (--labels=folder)");
      }
      String className = relativePath.substring(0, slash);
      Integer id = folderClasses.get(className);
      if (id == null) {
        return Outcome.rejected(
            RejectReason.NO_LABEL, "class folder " + className + " is not in --classes");
      }
      fields = fields.withClass(id, className);
    }
    return Outcome.of(fields);
  }
}
