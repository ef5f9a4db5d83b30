package dev.kiln.formats;

/**
 * Where a sample came from and what its input was like before Kiln normalized it.
 *
 * @param path input path as matched (absolute or URI)
 * @param size input size in bytes
 * @param format detected container format from the bytes (jpeg, png, gif, webp, ...)
 * @param colourModel the input's colour model (rgb, gray, cmyk, ycck, palette, ...)
 * @param bitDepth bits per sample of the input
 * @param iccProfile description of an embedded ICC profile, or null when none
 * @param orientation EXIF orientation 1-8 that was applied (1 when none)
 * @param width stored width of the input, before orientation
 * @param height stored height of the input, before orientation
 * @param frames number of frames (1 for still images; only the first is used)
 */
public record SourceInfo(
    String path,
    long size,
    String format,
    String colourModel,
    int bitDepth,
    String iccProfile,
    int orientation,
    int width,
    int height,
    int frames) {}
