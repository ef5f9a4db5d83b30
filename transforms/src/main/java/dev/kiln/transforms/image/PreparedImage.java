package dev.kiln.transforms.image;

/**
 * The training-ready result of {@link ImagePreparer#prepare(byte[])}.
 *
 * @param bytes encoded output: JPEG or PNG file bytes, or for {@code "raw"} packed 8-bit samples,
 *     row-major, {@code channels} per pixel
 * @param encoding {@code "jpeg"}, {@code "png"} or {@code "raw"}
 * @param width output width in pixels
 * @param height output height in pixels
 * @param channels 3 (8-bit sRGB RGB; alpha composited over the background), or 4 (R, G, B and
 *     straight alpha) when alpha is kept and the source has it
 * @param info what was learned about the source
 * @param mapping how stored source pixel coordinates map to output coordinates (for carrying boxes)
 */
public record PreparedImage(
    byte[] bytes,
    String encoding,
    int width,
    int height,
    int channels,
    ImageInfo info,
    FrameMapping mapping) {

  /**
   * Without a frame mapping, for callers that build results themselves (e.g. tests, cached rows).
   */
  public PreparedImage(
      byte[] bytes, String encoding, int width, int height, int channels, ImageInfo info) {
    this(bytes, encoding, width, height, channels, info, null);
  }
}
