package dev.kiln.transforms.image;

import java.io.IOException;

/**
 * Prepares a few synthetic images on a background thread, to load and initialise the image path's
 * classes and native bindings, and let the JIT compile its loops, before the real inputs arrive.
 *
 * <p>Why: the first image a JVM prepares costs a few tenths of a second more than the next ones
 * (ImageIO's plugin registry, TwelveMonkeys, the TurboJPEG and libjpeg bindings, the resampling
 * kernel's choice and self-test), and the next few dozen run the resampler in the interpreter and
 * the quick compiler's code. A run spends its first moments on one core listing its inputs;
 * started then, this one-off work happens on the idle core instead of in front of the first
 * images, which is most of the wall time of an incremental run with a hundred new images.
 *
 * <p>It writes nothing and its result is discarded: it cannot change any output. A failure here is
 * ignored; the same failure, if real, surfaces on the first real image with its file name.
 */
public final class PreparerWarmUp {
    /** How many target-sized images the warm-up prepares, and the largest target side it does so for. */
    static final int HOT_IMAGES = 24;
    static final int HOT_SIDE = 512;

    private PreparerWarmUp() {
    }

    /** Starts the warm-up for {@code settings} on a daemon thread and returns at once. */
    public static void start(PrepareSettings settings) {
        Thread t = new Thread(() -> run(settings), "kiln-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Prepares the warm-up images; false when anything failed (only tests look). */
    static boolean run(PrepareSettings settings) {
        try {
            // First a tiny JPEG and PNG through the run's own mode, encoding and colour options:
            // this loads the code of both decoders and the encoder.
            ImagePreparer tiny = new ImagePreparer(settings.withResize(settings.mode(),
                    Math.min(settings.width(), 64), Math.min(settings.height(), 64)));
            RgbImage small = gradient(96, 64);
            tiny.prepare(JpegEncoder.encode(small, 90));
            tiny.prepare(PngEncoder.encode(small));
            // Then photographs' usual case, a JPEG half as large again as the target, a few times:
            // enough for the JIT to compile the resampler's loops before the first real image.
            // Targets beyond HOT_SIDE skip this (each warm-up image would cost too much).
            if (settings.width() <= HOT_SIDE && settings.height() <= HOT_SIDE) {
                ImagePreparer full = new ImagePreparer(settings);
                byte[] photo = JpegEncoder.encode(gradient(settings.width() * 3 / 2, settings.height() * 3 / 2), 90);
                for (int i = 0; i < HOT_IMAGES; i++) {
                    full.prepare(photo);
                }
            }
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
