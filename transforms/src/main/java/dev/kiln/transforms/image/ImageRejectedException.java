package dev.kiln.transforms.image;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;

/**
 * An input that cannot become a training sample. Carries a pipeline stage and a stable reason code
 * so rejections can be counted and reported per cause; the message is for humans and may change.
 */
public final class ImageRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Stage stage;
  private final RejectReason reason;

  /**
   * @param stage the stage that failed
   * @param reason why
   * @param message human-readable detail
   */
  public ImageRejectedException(Stage stage, RejectReason reason, String message) {
    super(stage.code() + "/" + reason.code() + ": " + message);
    this.stage = stage;
    this.reason = reason;
  }

  /**
   * Same as {@link #ImageRejectedException(Stage, RejectReason, String)} keeping the underlying
   * failure.
   */
  public ImageRejectedException(Stage stage, RejectReason reason, String message, Throwable cause) {
    super(stage.code() + "/" + reason.code() + ": " + message, cause);
    this.stage = stage;
    this.reason = reason;
  }

  /** The stage that rejected the input. */
  public Stage stage() {
    return stage;
  }

  /** Why it was rejected. */
  public RejectReason reason() {
    return reason;
  }
}
