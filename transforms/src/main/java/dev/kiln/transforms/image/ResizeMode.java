package dev.kiln.transforms.image;

/**
 * How the decoded (and EXIF-oriented) image is fitted to the {@code width x height} box of {@link
 * PrepareSettings}. All modes keep the aspect ratio except {@link #STRETCH}.
 */
public enum ResizeMode {
  /**
   * Scale so the image covers the box, then cut the centred box out: output is exactly width x
   * height.
   */
  CENTER_CROP,
  /**
   * Scale so the image covers the box (the side that is shorter relative to the box matches it);
   * nothing is cut, so one output side may exceed the box. For a square box this is "shorter side =
   * size".
   */
  SHORTER_SIDE,
  /**
   * Scale so the image fits inside the box (the side that is longer relative to the box matches
   * it); for a square box this is "longer side = size".
   */
  LONGER_SIDE,
  /**
   * Fit inside the box like {@link #LONGER_SIDE}, then pad to exactly width x height with the pad
   * colour, centred.
   */
  LETTERBOX,
  /** Scale each axis independently to exactly width x height (aspect ratio is not kept). */
  STRETCH,
  /** Keep the oriented source size. */
  NONE
}
