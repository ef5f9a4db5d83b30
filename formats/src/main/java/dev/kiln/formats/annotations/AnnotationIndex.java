package dev.kiln.formats.annotations;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Annotations of a whole dataset (one COCO file), looked up by an input's path relative to the
 * input root.
 *
 * <p>An input matches the entry whose file name equals its relative path; failing that, the entry
 * whose file name has the same base name, when exactly one entry has it (COCO files often list bare
 * file names while the images sit in sub-folders). Immutable and {@link Serializable}: Beam ships
 * it to the workers inside the DoFn.
 */
public final class AnnotationIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, List<Annotation>> byPath;
  private final Map<String, String> uniqueBaseNames; // base name -> the one path that has it

  /**
   * @param byPath annotations per file name ({@code /}-separated), each list in the file's order
   */
  public AnnotationIndex(Map<String, List<Annotation>> byPath) {
    Map<String, List<Annotation>> copy = new HashMap<>();
    Map<String, String> bases = new HashMap<>();
    Map<String, Integer> baseCounts = new HashMap<>();
    for (Map.Entry<String, List<Annotation>> e : byPath.entrySet()) {
      String path = normalize(e.getKey());
      copy.put(path, List.copyOf(e.getValue()));
      String base = baseName(path);
      baseCounts.merge(base, 1, Integer::sum);
      bases.put(base, path);
    }
    bases.keySet().removeIf(b -> baseCounts.get(b) > 1);
    this.byPath = Map.copyOf(copy);
    this.uniqueBaseNames = Map.copyOf(bases);
  }

  /**
   * The annotations of the input at {@code relativePath}, in the file's order; empty when the input
   * is not listed or has no objects.
   */
  public List<Annotation> find(String relativePath) {
    String path = normalize(relativePath);
    List<Annotation> exact = byPath.get(path);
    if (exact != null) {
      return exact;
    }
    String unique = uniqueBaseNames.get(baseName(path));
    return unique == null ? List.of() : byPath.get(unique);
  }

  /** Number of images listed. */
  public int images() {
    return byPath.size();
  }

  /** Number of annotations over all images. */
  public int annotations() {
    return byPath.values().stream().mapToInt(List::size).sum();
  }

  static String normalize(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
