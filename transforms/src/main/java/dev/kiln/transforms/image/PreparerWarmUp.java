package dev.kiln.transforms.image;

import java.io.IOException;

/**
 * Prepares two tiny synthetic images (a JPEG and a PNG) on a background thread, to load and
 * initialise the image path's classes and native bindings before the real inputs arrive.
 *
 * <p>Why: the first image a JVM prepares costs a few tenths of a second more than the next ones
 * (ImageIO's plugin registry, TwelveMonkeys, the TurboJPEG and libjpeg bindings, the resampling
 * kernel's choice and self-test). A run spends its first moments on one core listing its inputs;
 * started then, this one-off work happens on the idle core instead of in front of the first
 * images, which is most of the wall time of an incremental run with a hundred new images.
 *
 * <p>It writes nothing and its result is discarded: it cannot change any output. A failure here is
 * ignored; the same failure, if real, surfaces on the first real image with its file name.
 */
public final class PreparerWarmUp {
    private PreparerWarmUp() {
    }

    /** Starts the warm-up for {@code settings} on a daemon thread and returns at once. */
    public static void start(PrepareSettings settings) {
        Thread t = new Thread(() -> run(settings), "kiln-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Prepares the two images; false when anything failed (only tests look). */
    static boolean run(PrepareSettings settings) {
        try {
            // The run's own mode, encoding and colour options, at a small size: a large --size
            // would only make the warm-up itself slow.
            ImagePreparer preparer = new ImagePreparer(settings.withResize(settings.mode(),
                    Math.min(settings.width(), 64), Math.min(settings.height(), 64)));
            RgbImage picture = gradient(96, 64);
            preparer.prepare(JpegEncoder.encode(picture, 90));
            preparer.prepare(PngEncoder.encode(picture));
            return true;
        } catch (IOException | RuntimeException | ImageRejectedException e) {
            return false;
        }
    }

    /** A smooth colour gradient: compresses like a photograph, decodes without warnings. */
    private static RgbImage gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[i++] = (byte) (x * 255 / w);
                rgb[i++] = (byte) (y * 255 / h);
                rgb[i++] = (byte) ((x + y) * 255 / (w + h));
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
