package dev.kiln.transforms.image;

/**
 * What the decoder learned about the source image, recorded alongside the prepared pixels.
 *
 * @param format format detected from the bytes (never from a file name): jpeg, png, gif, bmp, ico,
 *     tiff, webp, psd, pnm, tga
 * @param colourModel rgb, rgba, gray, gray+alpha, palette, cmyk or ycck (what is stored, not what
 *     is produced)
 * @param bitDepth bits per sample as stored (palette: bits per index)
 * @param iccProfile description of the embedded ICC profile, or null if none (or unreadable)
 * @param orientation EXIF orientation 1..8; 1 when there is none
 * @param width stored width, before orientation
 * @param height stored height, before orientation
 * @param frames 1 for a still image; more for animations or multi-page files (the first is used)
 */
public record ImageInfo(
    String format,
    String colourModel,
    int bitDepth,
    String iccProfile,
    int orientation,
    int width,
    int height,
    int frames) {}
