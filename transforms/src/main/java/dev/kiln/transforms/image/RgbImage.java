package dev.kiln.transforms.image;

import java.util.Objects;

/**
 * An 8-bit sRGB image as packed bytes: row-major, 3 bytes per pixel in R, G, B order, no row padding.
 * The array is shared, not copied: this is the currency between the pixel stages and copying
 * megapixel arrays at every hand-over is what we avoid.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /**
     * @param width  pixels per row, {@code > 0}
     * @param height rows, {@code > 0}
     * @param rgb    exactly {@code width * height * 3} bytes
     */
    public RgbImage(int width, int height, byte[] rgb) {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("rgb length " + rgb.length + " != " + width + "*" + height + "*3");
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** The packed RGB bytes (not a copy). */
    public byte[] rgb() {
        return rgb;
    }

    /** Packed {@code 0xRRGGBB} of one pixel; for tests and diagnostics, not for hot loops. */
    public int pixel(int x, int y) {
        int i = (y * width + x) * 3;
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
