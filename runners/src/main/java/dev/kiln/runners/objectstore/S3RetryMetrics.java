package dev.kiln.runners.objectstore;

import dev.kiln.transforms.beam.KilnCounters;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the retries of Beam's S3 clients (the SDK retries HTTP 500/503, throttling and dropped
 * connections with backoff) as the Kiln counter {@value #COUNTER}, so the run summary and the Flink
 * UI show how often the store faltered while the workers read and wrote. The SDK runs a synchronous
 * request's interceptors on the calling worker thread, where the counter is the running bundle's.
 */
public final class S3RetryMetrics implements ExecutionInterceptor {
  /** The counter's name, in namespace {@value KilnCounters#NAMESPACE}. */
  public static final String COUNTER = "s3-retries";

  private static final ExecutionAttribute<Integer> ATTEMPTS =
      new ExecutionAttribute<>("KilnS3Attempts");

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(ATTEMPTS, 0);
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Integer before = attributes.getAttribute(ATTEMPTS);
    int attempt = (before == null ? 0 : before) + 1;
    attributes.putAttribute(ATTEMPTS, attempt);
    if (attempt > 1) {
      KilnCounters.counter(COUNTER).inc();
    }
  }
}
