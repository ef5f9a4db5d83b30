package dev.kiln.transforms.framing;

import dev.kiln.formats.annotations.Annotation;
import dev.kiln.formats.annotations.AnnotationIndex;
import dev.kiln.formats.annotations.VocAnnotations;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Where the object annotations of an input come from ({@code --annotations}): nowhere, a COCO file
 * read once by the launcher and shipped to the workers, or Pascal VOC XML files found next to each
 * image and read by the worker that prepares it.
 */
public final class AnnotationSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final AnnotationSource NONE = new AnnotationSource(null, false);
  private static final AnnotationSource VOC = new AnnotationSource(null, true);

  private final AnnotationIndex coco;
  private final boolean voc;

  private AnnotationSource(AnnotationIndex coco, boolean voc) {
    this.coco = coco;
    this.voc = voc;
  }

  /** No annotations: every image has no objects. */
  public static AnnotationSource none() {
    return NONE;
  }

  /** A COCO file's annotations, matched by relative path or unique base name. */
  public static AnnotationSource coco(AnnotationIndex index) {
    return new AnnotationSource(Objects.requireNonNull(index, "index"), false);
  }

  /** Per-image VOC XML, at the places {@link VocAnnotations#candidates} lists. */
  public static AnnotationSource voc() {
    return VOC;
  }

  /** Whether any annotations are configured at all. */
  public boolean isNone() {
    return coco == null && !voc;
  }

  /**
   * The annotations of one input, in their source's order; empty when it has none.
   *
   * @param relativePath the input's path relative to the input root, {@code /}-separated
   * @param path the input's full path (a Beam filesystem path), for VOC files beside it
   * @throws IOException if a VOC file exists but cannot be read
   * @throws IllegalArgumentException if a VOC file is malformed
   */
  public List<Annotation> forImage(String relativePath, String path) throws IOException {
    if (coco != null) {
      return coco.find(relativePath);
    }
    if (!voc) {
      return List.of();
    }
    for (String candidate : VocAnnotations.candidates(path)) {
      InputStream in;
      try {
        in =
            Channels.newInputStream(
                FileSystems.open(FileSystems.matchNewResource(candidate, false)));
      } catch (FileNotFoundException | NoSuchFileException e) {
        continue;
      }
      try (in) {
        return VocAnnotations.parse(in);
      }
    }
    return List.of();
  }

  @Override
  public String toString() {
    return coco != null ? "coco(" + coco.images() + " images)" : voc ? "voc" : "none";
  }
}
