package dev.kiln.pipelines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.labels.MetadataTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Turns the label options ({@code --labels}, {@code --classes}, {@code --metadata}, {@code
 * --metadata-key}, {@code --metadata-required}) into a {@link Labeller}, reading the class list and
 * the metadata table once, here, so a bad one is a usage error before anything runs.
 *
 * @param labeller what the workers label each input with
 * @param classes class name to id, in id order, when samples have classes; else empty
 * @param metadataRows rows of the metadata table, or -1 without one
 * @param rowsWithoutInput rows of the metadata table that describe no listed input
 */
public record LabelSettings(
    Labeller labeller, Map<String, Integer> classes, long metadataRows, long rowsWithoutInput) {

  /** No labels: what a run without label options has. */
  public static LabelSettings none() {
    return new LabelSettings(Labeller.none(), Map.of(), -1, 0);
  }

  /**
   * Validates the label options and reads what they name.
   *
   * @param inputs the input files (their root and keys)
   * @param listed the listed inputs (class folders are the first directories of their paths)
   * @throws IllegalArgumentException naming the flag, file, line and column of what is wrong
   */
  public static LabelSettings from(
      PrepareOptions o, InputFiles inputs, List<MatchResult.Metadata> listed) {
    return from(o, inputs, listed, null, "");
  }

  /**
   * As {@link #from(PrepareOptions, InputFiles, List)}; {@code splitClasses}, when not null, are
   * the class folders' ids over every split ({@code --split}), so that each split's dataset gives a
   * class the same id; {@code splitFolder}, when not empty, is the split folder ({@code
   * --split=folder}) the inputs are below, which the metadata table's paths start with.
   */
  public static LabelSettings from(
      PrepareOptions o,
      InputFiles inputs,
      List<MatchResult.Metadata> listed,
      Map<String, Integer> splitClasses,
      String splitFolder) {
    String prefix = splitFolder.isEmpty() ? "" : splitFolder + "/";
    String labels = o.getLabels() == null ? "none" : o.getLabels().trim();
    if (!labels.equals("none") && !labels.equals("folder")) {
      throw new IllegalArgumentException("--labels=" + labels + ": must be none or folder");
    }
    boolean folders = labels.equals("folder");
    Map<String, Integer> given = blank(o.getClasses()) ? splitClasses : readClasses(o.getClasses());
    List<String[]> paths = new ArrayList<>(listed.size()); // below the input root
    List<String[]> tablePaths = new ArrayList<>(listed.size()); // as the table names them
    for (MatchResult.Metadata m : listed) {
      String path = m.resourceId().toString();
      paths.add(new String[] {inputs.relativePathOf(path), inputs.keyOf(path)});
      tablePaths.add(
          new String[] {prefix + inputs.relativePathOf(path), prefix + inputs.keyOf(path)});
    }
    MetadataTable table = null;
    if (!blank(o.getMetadata())) {
      String key = blank(o.getMetadataKey()) ? "path" : o.getMetadataKey().trim();
      table = MetadataTableReader.read(o.getMetadata().trim(), key, folders ? null : given);
      if (folders && table.hasClasses()) {
        throw new IllegalArgumentException(
            "--metadata="
                + o.getMetadata()
                + ": has a label or class_name column, and --labels=folder"
                + " gives classes too: use one of them");
      }
    } else if (o.getMetadataRequired()) {
      throw new IllegalArgumentException("--metadata-required needs --metadata");
    } else if (!blank(o.getMetadataKey()) && !o.getMetadataKey().trim().equals("path")) {
      throw new IllegalArgumentException("--metadata-key needs --metadata");
    }
    Map<String, Integer> classes = new LinkedHashMap<>();
    if (folders) {
      classes = given != null ? given : folderClasses(paths);
    } else if (table != null) {
      classes = table.classes();
    } else if (given != null && !blank(o.getClasses())) {
      throw new IllegalArgumentException(
          "--classes needs --labels=folder or a --metadata table with a class_name column");
    }
    Labeller labeller =
        Labeller.of(folders ? classes : null, table, o.getMetadataRequired(), prefix);
    return new LabelSettings(
        labeller,
        inIdOrder(classes),
        table == null ? -1 : table.size(),
        table == null ? 0 : table.rowsWithoutInput(tablePaths));
  }

  /**
   * torchvision's {@code ImageFolder} rule: the class folders' names, sorted (by code point, as
   * Python sorts strings), numbered from 0. A class folder is the first directory of an input's
   * path below the root.
   */
  public static Map<String, Integer> folderClasses(List<String[]> paths) {
    TreeSet<String> names = new TreeSet<>(LabelSettings::byCodePoint);
    for (String[] p : paths) {
      int slash = p[0].indexOf('/');
      if (slash > 0) {
        names.add(p[0].substring(0, slash));
      }
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (String name : names) {
      ids.put(name, ids.size());
    }
    return ids;
  }

  static int byCodePoint(String a, String b) {
    return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  /**
   * Reads {@code --classes}: one class name per line (its id is its 0-based line number, blank
   * lines not counted), or a JSON object of name to id.
   */
  static Map<String, Integer> readClasses(String file) {
    String flag = "--classes=" + file;
    String text;
    try {
      text = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + ": cannot read: " + e.getMessage());
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    Map<Integer, String> names = new HashMap<>();
    if (text.stripLeading().startsWith("{")) {
      try (JsonParser p = new JsonFactory().createParser(text)) {
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          long line = p.currentTokenLocation().getLineNr();
          long column = p.currentTokenLocation().getColumnNr();
          JsonToken t = p.nextToken();
          if (t != JsonToken.VALUE_NUMBER_INT
              || p.getLongValue() < 0
              || p.getLongValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                flag
                    + " line "
                    + line
                    + ", column "
                    + column
                    + ": the id of "
                    + name
                    + " is not a non-negative integer");
          }
          add(flag + " line " + line + ", column " + column, ids, names, name, p.getIntValue());
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
          throw new IllegalArgumentException(flag + ": not a JSON object of class name to id");
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(flag + ": not JSON: " + e.getMessage());
      }
    } else {
      String[] lines = text.split("\r?\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String name = lines[i].strip();
        if (!name.isEmpty()) {
          add(flag + " line " + (i + 1), ids, names, name, ids.size());
        }
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(flag + ": names no class");
    }
    return ids;
  }

  private static void add(
      String where, Map<String, Integer> ids, Map<Integer, String> names, String name, int id) {
    if (ids.containsKey(name)) {
      throw new IllegalArgumentException(where + ": class " + name + " is named twice");
    }
    String other = names.put(id, name);
    if (other != null) {
      throw new IllegalArgumentException(
          where + ": id " + id + " is both " + other + " and " + name);
    }
    ids.put(name, id);
  }

  private static Map<String, Integer> inIdOrder(Map<String, Integer> classes) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(classes.entrySet());
    entries.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
    Map<String, Integer> ordered = new LinkedHashMap<>();
    entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
