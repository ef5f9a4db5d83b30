package dev.kiln.transforms.image;

import java.io.Serializable;

/**
 * A region of an image to show in one output of {@link ImagePreparer#prepare(byte[],
 * java.util.List)}: an object's box (or the union of several) with a margin of context around it.
 *
 * <p>The region is given in STORED pixel coordinates (continuous, before EXIF orientation), the way
 * annotation tools record boxes, because the caller learns the orientation and the image size only
 * when the preparer decodes the image. The preparer then, in this order:
 *
 * <ol>
 *   <li>clips the region to the image (annotations may overrun it); a region wholly outside the
 *       image, or one of zero area after clipping, frames the whole image instead, so that a bad
 *       box never fails the other objects of the same image;
 *   <li>applies the EXIF orientation;
 *   <li>grows it by {@code margin} times its width on the left and on the right, and times its
 *       height above and below;
 *   <li>grows it about its centre to the aspect of the target size (never shrinks it, so the object
 *       stays whole);
 *   <li>scales it to the target size (not above 1:1 when upscaling is off) and fills whatever part
 *       lies beyond the image border with the pad colour (transparent when the output keeps alpha).
 * </ol>
 *
 * The settings' resize mode does not apply to frames: a frame always fills the target box.
 *
 * @param x0 region left, stored pixels
 * @param y0 region top, stored pixels
 * @param x1 region right (exclusive), stored pixels, {@code > x0}
 * @param y1 region bottom (exclusive), stored pixels, {@code > y0}
 * @param margin context added on each side, as a fraction of the region's size, {@code >= 0}
 */
public record Frame(double x0, double y0, double x1, double y1, double margin)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the rectangle and the margin; the message names what is wrong. */
  public Frame {
    if (!(Double.isFinite(x0)
        && Double.isFinite(y0)
        && Double.isFinite(x1)
        && Double.isFinite(y1))) {
      throw new IllegalArgumentException(
          "frame corners must be finite: " + x0 + "," + y0 + "," + x1 + "," + y1);
    }
    if (!(x1 > x0 && y1 > y0)) {
      throw new IllegalArgumentException(
          "frame must have positive area: " + x0 + "," + y0 + "," + x1 + "," + y1);
    }
    if (!(margin >= 0 && Double.isFinite(margin))) {
      throw new IllegalArgumentException("frame margin must be >= 0, got " + margin);
    }
  }

  /**
   * Where this frame takes its pixels from and where they go, for an image stored as {@code storedW
   * x storedH} with the given EXIF orientation and a target box of {@code boxW x boxH}.
   */
  Geometry.Plan plan(
      int orientation, int storedW, int storedH, int boxW, int boxH, boolean upscale) {
    double cx0 = Math.max(0, x0);
    double cy0 = Math.max(0, y0);
    double cx1 = Math.min(storedW, x1);
    double cy1 = Math.min(storedH, y1);
    if (!(cx1 > cx0 && cy1 > cy0)) {
      cx0 = 0;
      cy0 = 0;
      cx1 = storedW;
      cy1 = storedH;
    }
    boolean transposed = Orientation.transposes(orientation);
    int w = transposed ? storedH : storedW; // oriented image size
    int h = transposed ? storedW : storedH;
    float[] a = Orientation.mapPoint(orientation, storedW, storedH, (float) cx0, (float) cy0);
    float[] b = Orientation.mapPoint(orientation, storedW, storedH, (float) cx1, (float) cy1);
    double fx0 = Math.min(a[0], b[0]);
    double fy0 = Math.min(a[1], b[1]);
    double fw = Math.abs(a[0] - b[0]);
    double fh = Math.abs(a[1] - b[1]);

    fx0 -= margin * fw;
    fy0 -= margin * fh;
    fw *= 1 + 2 * margin;
    fh *= 1 + 2 * margin;

    double aspect = (double) boxW / boxH;
    if (fw / fh < aspect) {
      double grown = fh * aspect;
      fx0 -= (grown - fw) / 2;
      fw = grown;
    } else {
      double grown = fw / aspect;
      fy0 -= (grown - fh) / 2;
      fh = grown;
    }

    double s = (double) boxW / fw;
    if (!upscale) {
      s = Math.min(1.0, s);
    }
    int outW = Math.min(boxW, Math.max(1, (int) Math.round(fw * s)));
    int outH = Math.min(boxH, Math.max(1, (int) Math.round(fh * s)));
    double sx = outW / fw;
    double sy = outH / fh;

    // The image occupies whole output pixels [px0, px1) x [py0, py1); the rest is padding. The
    // source window is that pixel range mapped back exactly, so the returned plan (and the
    // FrameMapping made from it) describes the pixels as rendered, to a fraction of a pixel.
    int px0 = clamp((int) Math.round(-fx0 * sx), 0, outW);
    int px1 = clamp((int) Math.round((w - fx0) * sx), 0, outW);
    int py0 = clamp((int) Math.round(-fy0 * sy), 0, outH);
    int py1 = clamp((int) Math.round((h - fy0) * sy), 0, outH);
    if (px1 <= px0) {
      // A sliver thinner than half an output pixel: still show one pixel of it.
      if (px0 < outW) {
        px1 = px0 + 1;
      } else {
        px0 = outW - 1;
      }
    }
    if (py1 <= py0) {
      if (py0 < outH) {
        py1 = py0 + 1;
      } else {
        py0 = outH - 1;
      }
    }
    double wx0 = Math.max(0, fx0 + px0 / sx);
    double wx1 = Math.min(w, fx0 + px1 / sx);
    double wy0 = Math.max(0, fy0 + py0 / sy);
    double wy1 = Math.min(h, fy0 + py1 / sy);
    return new Geometry.Plan(
        wx0, wy0, wx1 - wx0, wy1 - wy0, px1 - px0, py1 - py0, px0, py0, outW, outH);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
