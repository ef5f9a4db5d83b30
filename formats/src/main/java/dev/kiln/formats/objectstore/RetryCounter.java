package dev.kiln.formats.objectstore;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the requests an S3 client sent and the attempts among them that were retries (the SDK
 * retries HTTP 500/503, throttling and dropped connections with backoff), so a run can say how
 * often the store faltered.
 */
public final class RetryCounter implements ExecutionInterceptor {
  private final LongAdder requests = new LongAdder();
  private final LongAdder attempts = new LongAdder();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    requests.increment();
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    attempts.increment();
  }

  /** Requests made (each counted once, however often it was tried). */
  public long requests() {
    return requests.sum();
  }

  /** Attempts beyond each request's first: the retries. */
  public long retries() {
    return Math.max(0, attempts.sum() - requests.sum());
  }
}
