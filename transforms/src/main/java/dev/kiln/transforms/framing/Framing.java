package dev.kiln.transforms.framing;

import java.io.Serializable;
import java.util.Objects;

/**
 * How annotated images become samples: the {@code --framing}, {@code --frame-object}, {@code
 * --margin} and {@code --min-box-visibility} settings and the annotations they use.
 *
 * @param mode one sample per image, a crop around its objects, or one per object
 * @param object which objects an object crop is built around
 * @param margin context around the framed box on each side, as a fraction of its size
 * @param minBoxVisibility a box is kept in a sample only when at least this fraction of its area
 *     lies inside the output, 0..1
 * @param annotations where the boxes come from
 */
public record Framing(
    FramingMode mode,
    FrameObject object,
    double margin,
    double minBoxVisibility,
    AnnotationSource annotations)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the settings; messages name the flag. */
  public Framing {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(annotations, "annotations");
    if (!(margin >= 0 && margin <= 100)) {
      throw new IllegalArgumentException("--margin=" + margin + ": must be between 0 and 100");
    }
    if (!(minBoxVisibility >= 0 && minBoxVisibility <= 1)) {
      throw new IllegalArgumentException(
          "--min-box-visibility=" + minBoxVisibility + ": must be between 0 and 1");
    }
  }

  /** The defaults: no framing, no annotations. */
  public static Framing none() {
    return new Framing(FramingMode.NONE, FrameObject.UNION, 0.1, 0.5, AnnotationSource.none());
  }
}
