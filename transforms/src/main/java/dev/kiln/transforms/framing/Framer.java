package dev.kiln.transforms.framing;

import dev.kiln.formats.Box;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;
import dev.kiln.formats.annotations.Annotation;
import dev.kiln.transforms.image.Frame;
import dev.kiln.transforms.image.FrameMapping;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PreparedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns one image and its annotations into framed samples, with every box carried into output
 * coordinates. Pure (no Beam): the DoFn and the tests run exactly this.
 */
public final class Framer {
  private Framer() {}

  /** What prepares the pixels: the preparer itself, or a wrapper that bounds its time. */
  public interface Preparer {
    /** One output with the settings' resize mode. */
    PreparedImage prepare(byte[] input) throws ImageRejectedException;

    /** One output per frame, from one decode. */
    List<PreparedImage> prepare(byte[] input, List<Frame> frames) throws ImageRejectedException;
  }

  /**
   * One sample's worth of output.
   *
   * @param keySuffix appended to the image's key: {@code ""}, or {@code "/n"} for object n
   * @param image the prepared pixels and their mapping
   * @param boxes the boxes kept, in output pixels (for per-object, that object first)
   * @param labels the sample's category names, distinct and sorted
   */
  public record Framed(
      String keySuffix, PreparedImage image, List<Box> boxes, List<String> labels) {
    /** Copies the lists. */
    public Framed {
      boxes = List.copyOf(boxes);
      labels = List.copyOf(labels);
    }
  }

  /**
   * Frames one image.
   *
   * @param input the file bytes
   * @param annotations its objects in stored pixels (may be empty)
   * @throws ImageRejectedException when preparing fails, or with reason {@code no-objects} (stage
   *     {@code frame}) when per-object framing finds no object inside the image
   */
  public static List<Framed> frame(
      byte[] input, List<Annotation> annotations, Framing framing, Preparer preparer)
      throws ImageRejectedException {
    double minVisibility = framing.minBoxVisibility();
    switch (framing.mode()) {
      case PER_OBJECT:
        {
          List<Integer> objects = new ArrayList<>();
          List<Frame> frames = new ArrayList<>();
          for (int i = 0; i < annotations.size(); i++) {
            Annotation a = annotations.get(i);
            if (a.hasArea()) {
              objects.add(i);
              frames.add(frameOf(a, framing.margin()));
            }
          }
          if (frames.isEmpty()) {
            throw new ImageRejectedException(
                Stage.FRAME,
                RejectReason.NO_OBJECTS,
                annotations.isEmpty()
                    ? "the image has no annotated objects"
                    : "none of the image's " + annotations.size() + " boxes has an area");
          }
          List<PreparedImage> images = preparer.prepare(input, frames);
          List<Framed> out = new ArrayList<>();
          for (int k = 0; k < objects.size(); k++) {
            int n = objects.get(k);
            PreparedImage image = images.get(k);
            Box subject = carry(annotations.get(n), image.mapping(), minVisibility);
            if (subject == null) {
              // The box lies wholly outside the image (an annotation error): there is no object to
              // show.
              continue;
            }
            List<Box> boxes = new ArrayList<>();
            boxes.add(subject);
            for (int j = 0; j < annotations.size(); j++) {
              Box other = j == n ? null : carry(annotations.get(j), image.mapping(), minVisibility);
              if (other != null) {
                boxes.add(other);
              }
            }
            List<String> labels = subject.label().isEmpty() ? List.of() : List.of(subject.label());
            out.add(new Framed("/" + n, image, boxes, labels));
          }
          if (out.isEmpty()) {
            throw new ImageRejectedException(
                Stage.FRAME,
                RejectReason.NO_OBJECTS,
                "all " + objects.size() + " boxes lie outside the image");
          }
          return out;
        }
      case OBJECT_CROP:
        {
          List<Annotation> objects = annotations.stream().filter(Annotation::hasArea).toList();
          PreparedImage image =
              objects.isEmpty()
                  ? preparer.prepare(input)
                  : preparer
                      .prepare(
                          input, List.of(objectFrame(objects, framing.object(), framing.margin())))
                      .get(0);
          return List.of(withBoxes("", image, annotations, minVisibility));
        }
      case NONE:
      default:
        return List.of(withBoxes("", preparer.prepare(input), annotations, minVisibility));
    }
  }

  private static Framed withBoxes(
      String suffix, PreparedImage image, List<Annotation> annotations, double minVisibility) {
    List<Box> boxes = carryAll(annotations, image.mapping(), minVisibility);
    return new Framed(suffix, image, boxes, labels(boxes));
  }

  /**
   * The frame an object crop is built around: the union of the objects' boxes, or the largest box,
   * with {@code margin} of context on each side.
   *
   * @param objects boxes with area, at least one
   */
  public static Frame objectFrame(List<Annotation> objects, FrameObject choice, double margin) {
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("no objects to frame");
    }
    if (choice == FrameObject.LARGEST) {
      Annotation largest = objects.get(0);
      for (Annotation a : objects) {
        if (a.area() > largest.area()) {
          largest = a;
        }
      }
      return frameOf(largest, margin);
    }
    double x0 = Double.POSITIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Annotation a : objects) {
      x0 = Math.min(x0, a.x0());
      y0 = Math.min(y0, a.y0());
      x1 = Math.max(x1, a.x1());
      y1 = Math.max(y1, a.y1());
    }
    return new Frame(x0, y0, x1, y1, margin);
  }

  /** The frame of one object (which must have area), with {@code margin} on each side. */
  public static Frame frameOf(Annotation a, double margin) {
    return new Frame(a.x0(), a.y0(), a.x1(), a.y1(), margin);
  }

  /** {@link #carry} for each annotation, keeping the ones that survive, in order. */
  public static List<Box> carryAll(
      List<Annotation> annotations, FrameMapping mapping, double minVisibility) {
    List<Box> boxes = new ArrayList<>();
    for (Annotation a : annotations) {
      Box b = carry(a, mapping, minVisibility);
      if (b != null) {
        boxes.add(b);
      }
    }
    return boxes;
  }

  /**
   * An annotation in output coordinates, or null when too little of it is visible.
   *
   * <p>The box is first limited to the source image (an annotation overrunning the border has no
   * pixels there), then both corners are mapped (EXIF orientation may swap and mirror them, hence
   * min/max), then it is clipped to the output. It is kept when the clipped area is positive and at
   * least {@code minVisibility} of the mapped area.
   */
  public static Box carry(Annotation a, FrameMapping mapping, double minVisibility) {
    float sx0 = Math.max(0f, a.x0());
    float sy0 = Math.max(0f, a.y0());
    float sx1 = Math.min(mapping.storedWidth(), a.x1());
    float sy1 = Math.min(mapping.storedHeight(), a.y1());
    if (!(sx1 > sx0 && sy1 > sy0)) {
      return null;
    }
    float[] p = mapping.map(sx0, sy0);
    float[] q = mapping.map(sx1, sy1);
    float x0 = Math.min(p[0], q[0]);
    float y0 = Math.min(p[1], q[1]);
    float x1 = Math.max(p[0], q[0]);
    float y1 = Math.max(p[1], q[1]);
    double full = (double) (x1 - x0) * (y1 - y0);
    float cx0 = Math.max(0f, x0);
    float cy0 = Math.max(0f, y0);
    float cx1 = Math.min(mapping.outputWidth(), x1);
    float cy1 = Math.min(mapping.outputHeight(), y1);
    if (!(cx1 > cx0 && cy1 > cy0) || full <= 0) {
      return null;
    }
    double visible = (double) (cx1 - cx0) * (cy1 - cy0);
    if (visible < minVisibility * full) {
      return null;
    }
    return new Box(cx0, cy0, cx1, cy1, a.label(), a.categoryId());
  }

  /** The distinct non-empty labels of the boxes, sorted. */
  public static List<String> labels(List<Box> boxes) {
    TreeSet<String> labels = new TreeSet<>();
    for (Box b : boxes) {
      if (!b.label().isEmpty()) {
        labels.add(b.label());
      }
    }
    return List.copyOf(labels);
  }
}
