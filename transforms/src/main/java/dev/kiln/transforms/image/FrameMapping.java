package dev.kiln.transforms.image;

import java.io.Serializable;

/**
 * The geometric transform from the stored source image to the prepared output, so annotations
 * (object boxes, keypoints) can follow the pixels.
 *
 * <p>Coordinates are continuous: pixel {@code (i, j)} covers {@code [i, i+1) x [j, j+1)}, so a
 * box's corners map with {@link #map(float, float)} and its pixel centres are at {@code +0.5}. The
 * chain is stored coordinates → EXIF orientation → minus crop origin → times scale → plus pad
 * offset.
 *
 * @param orientation EXIF orientation applied (1..8)
 * @param storedWidth source width as stored (before orientation)
 * @param storedHeight source height as stored
 * @param cropX crop rectangle left, in oriented source coordinates (may be fractional)
 * @param cropY crop rectangle top, in oriented source coordinates
 * @param cropWidth crop rectangle width, in oriented source coordinates
 * @param cropHeight crop rectangle height, in oriented source coordinates
 * @param scaleX output pixels per oriented source pixel, horizontally
 * @param scaleY output pixels per oriented source pixel, vertically
 * @param padX left padding (letterbox) in output pixels
 * @param padY top padding (letterbox) in output pixels
 * @param outputWidth output width
 * @param outputHeight output height
 */
public record FrameMapping(
    int orientation,
    int storedWidth,
    int storedHeight,
    float cropX,
    float cropY,
    float cropWidth,
    float cropHeight,
    float scaleX,
    float scaleY,
    int padX,
    int padY,
    int outputWidth,
    int outputHeight)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Maps a point in stored source coordinates to output coordinates. Points outside the crop map
   * outside {@code [0, outputWidth] x [0, outputHeight]}; clipping is the caller's choice.
   *
   * @return {@code {x, y}} in output coordinates
   */
  public float[] map(float x, float y) {
    float[] o = Orientation.mapPoint(orientation, storedWidth, storedHeight, x, y);
    return new float[] {(o[0] - cropX) * scaleX + padX, (o[1] - cropY) * scaleY + padY};
  }
}
