package dev.kiln.formats.annotations;

import java.io.Serializable;

/**
 * One annotated object of a source image: the half-open rectangle {@code [x0, x1) x [y0, y1)} in
 * the STORED pixel coordinates of the file (before EXIF orientation), with its category.
 *
 * @param x0 left, stored pixels
 * @param y0 top, stored pixels
 * @param x1 right (exclusive), stored pixels
 * @param y1 bottom (exclusive), stored pixels
 * @param label category name ({@code ""} when the source names none)
 * @param categoryId category id (COCO's {@code category_id}; for VOC the 1-based index in the 20
 *     PASCAL VOC classes, or 0 for another name)
 */
public record Annotation(float x0, float y0, float x1, float y1, String label, int categoryId)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Rejects a missing label and non-finite corners; zero or negative sizes are kept as given. */
  public Annotation {
    if (label == null) {
      throw new IllegalArgumentException("annotation label must not be null (use \"\")");
    }
    if (!(Float.isFinite(x0) && Float.isFinite(y0) && Float.isFinite(x1) && Float.isFinite(y1))) {
      throw new IllegalArgumentException(
          "annotation corners must be finite: " + x0 + "," + y0 + "," + x1 + "," + y1);
    }
  }

  /** Area in stored pixels; 0 for an empty or inverted box. */
  public float area() {
    return Math.max(0f, x1 - x0) * Math.max(0f, y1 - y0);
  }

  /** Whether the box encloses any area, and so can be framed. */
  public boolean hasArea() {
    return x1 > x0 && y1 > y0;
  }
}
