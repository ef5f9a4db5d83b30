package dev.kiln.transforms.image;

/**
 * The training-ready result of {@link ImagePreparer#prepare(byte[])}.
 *
 * @param bytes    encoded output: JPEG or PNG file bytes, or packed RGB for {@code "raw"}
 * @param encoding {@code "jpeg"}, {@code "png"} or {@code "raw"}
 * @param width    output width in pixels
 * @param height   output height in pixels
 * @param channels always 3 (8-bit sRGB RGB; alpha is composited over the background)
 * @param info     what was learned about the source
 * @param mapping  how stored source pixel coordinates map to output coordinates (for carrying boxes)
 */
public record PreparedImage(byte[] bytes, String encoding, int width, int height, int channels, ImageInfo info,
                            FrameMapping mapping) {

    /** Without a frame mapping, for callers that build results themselves (e.g. tests, cached rows). */
    public PreparedImage(byte[] bytes, String encoding, int width, int height, int channels, ImageInfo info) {
        this(bytes, encoding, width, height, channels, info, null);
    }
}
