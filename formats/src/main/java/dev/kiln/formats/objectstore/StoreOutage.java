package dev.kiln.formats.objectstore;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Tells a failure of the object store itself (unreachable, dropped connections, HTTP 5xx or
 * throttling still failing after the client's retries) from a problem of one object (missing,
 * access denied). An input that cannot be read because the store is down is not a bad input: the
 * run fails with the cause instead of rejecting every input it could not fetch.
 */
public final class StoreOutage {
  private StoreOutage() {}

  /** Whether {@code failure}, or any of its causes, is the store failing rather than an object. */
  public static boolean causedBy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SdkServiceException service) {
        return service.statusCode() >= 500 || service.isThrottlingException();
      }
      if (t instanceof SdkClientException) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        // S3Objects keeps the SDK's exception as suppressed beside its own message.
        if (s instanceof SdkException && causedBy(s)) {
          return true;
        }
      }
    }
    return false;
  }
}
