package dev.kiln.transforms.image;

/**
 * An input that cannot become a training sample. Carries a pipeline stage and a stable reason code
 * so rejections can be counted and reported per cause; the message is for humans and may change.
 */
public final class ImageRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String stage;
    private final String reason;

    /**
     * @param stage   read, probe, decode, colour, orient, resize or encode
     * @param reason  stable kebab-case code: empty-file, not-an-image, unsupported-format, truncated,
     *                corrupt, too-many-pixels, decode-failed, out-of-memory, encode-failed
     * @param message human-readable detail
     */
    public ImageRejectedException(String stage, String reason, String message) {
        super(stage + "/" + reason + ": " + message);
        this.stage = stage;
        this.reason = reason;
    }

    /** Same as {@link #ImageRejectedException(String, String, String)} keeping the underlying failure. */
    public ImageRejectedException(String stage, String reason, String message, Throwable cause) {
        super(stage + "/" + reason + ": " + message, cause);
        this.stage = stage;
        this.reason = reason;
    }

    /** The stage that rejected the input. */
    public String stage() {
        return stage;
    }

    /** Stable reason code (kebab-case). */
    public String reason() {
        return reason;
    }
}
