package dev.kiln.transforms.image;

/**
 * Where each {@link ResizeMode} takes pixels from and where it puts them, computed in oriented
 * (displayed) source coordinates. Pure arithmetic, shared by the preparer and {@link FrameMapping}.
 */
final class Geometry {

  /**
   * A resize plan.
   *
   * @param cropX source window left (oriented coordinates, fractional allowed)
   * @param cropY source window top
   * @param cropW source window width
   * @param cropH source window height
   * @param scaledW size the window is resampled to
   * @param scaledH size the window is resampled to
   * @param padX where the resampled window sits in the output (letterbox), else 0
   * @param padY where the resampled window sits in the output (letterbox), else 0
   * @param outW output width
   * @param outH output height
   */
  record Plan(
      double cropX,
      double cropY,
      double cropW,
      double cropH,
      int scaledW,
      int scaledH,
      int padX,
      int padY,
      int outW,
      int outH) {

    double scaleX() {
      return scaledW / cropW;
    }

    double scaleY() {
      return scaledH / cropH;
    }

    boolean isIdentity() {
      return cropX == 0
          && cropY == 0
          && scaledW == cropW
          && scaledH == cropH
          && padX == 0
          && padY == 0;
    }
  }

  private Geometry() {}

  static Plan plan(ResizeMode mode, int boxW, int boxH, boolean upscale, int srcW, int srcH) {
    double sx = (double) boxW / srcW;
    double sy = (double) boxH / srcH;
    switch (mode) {
      case CENTER_CROP:
        {
          double s = limit(Math.max(sx, sy), upscale);
          // As Pillow, torchvision and img2dataset define it: scale the whole image to
          // round(size * s) per axis, then cut the box at the whole-pixel offset
          // floor((scaled - box) / 2). Matching that convention exactly matters: a crop that
          // is centred to a fraction of a pixel instead is shifted by up to half a pixel
          // against every other toolkit's output, which on detailed images costs several dB.
          int rw = Math.max(1, (int) Math.round(srcW * s));
          int rh = Math.max(1, (int) Math.round(srcH * s));
          int ow = Math.min(boxW, rw);
          int oh = Math.min(boxH, rh);
          int ox = (rw - ow) / 2;
          int oy = (rh - oh) / 2;
          double fx = (double) srcW / rw;
          double fy = (double) srcH / rh;
          return new Plan(ox * fx, oy * fy, ow * fx, oh * fy, ow, oh, 0, 0, ow, oh);
        }
      case SHORTER_SIDE:
        {
          double s = limit(Math.max(sx, sy), upscale);
          return whole(srcW, srcH, s, s);
        }
      case LONGER_SIDE:
        {
          double s = limit(Math.min(sx, sy), upscale);
          return whole(srcW, srcH, s, s);
        }
      case LETTERBOX:
        {
          double s = limit(Math.min(sx, sy), upscale);
          int w = Math.min(boxW, Math.max(1, (int) Math.round(srcW * s)));
          int h = Math.min(boxH, Math.max(1, (int) Math.round(srcH * s)));
          return new Plan(0, 0, srcW, srcH, w, h, (boxW - w) / 2, (boxH - h) / 2, boxW, boxH);
        }
      case STRETCH:
        return whole(srcW, srcH, limit(sx, upscale), limit(sy, upscale));
      case NONE:
      default:
        return new Plan(0, 0, srcW, srcH, srcW, srcH, 0, 0, srcW, srcH);
    }
  }

  private static double limit(double s, boolean upscale) {
    return upscale ? s : Math.min(1.0, s);
  }

  private static Plan whole(int srcW, int srcH, double sx, double sy) {
    int w = Math.max(1, (int) Math.round(srcW * sx));
    int h = Math.max(1, (int) Math.round(srcH * sy));
    return new Plan(0, 0, srcW, srcH, w, h, 0, 0, w, h);
  }
}
