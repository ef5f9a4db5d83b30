package dev.kiln.formats;

/**
 * An annotated object in output pixel coordinates: the half-open rectangle {@code [x0, x1) x [y0,
 * y1)}, with its category.
 */
public record Box(float x0, float y0, float x1, float y1, String label, int categoryId) {

  public Box {
    if (label == null) {
      throw new IllegalArgumentException("box label must not be null (use \"\")");
    }
  }

  public float width() {
    return x1 - x0;
  }

  public float height() {
    return y1 - y0;
  }

  public float area() {
    return Math.max(0f, width()) * Math.max(0f, height());
  }
}
