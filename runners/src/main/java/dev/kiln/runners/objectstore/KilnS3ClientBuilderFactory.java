package dev.kiln.runners.objectstore;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 client as Kiln wants it: path-style addressing ({@code http://host/bucket/key}) when an
 * endpoint is given, which MinIO, s3proxy and most S3-compatible servers need (Beam's default
 * client addresses buckets as host names), without a header such servers may refuse ({@link
 * DefaultBucketKeyHeader}), and its retries counted ({@link S3RetryMetrics}). Named in the pipeline
 * options, so every worker builds its clients this way.
 */
public final class KilnS3ClientBuilderFactory implements S3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    if (options.getEndpoint() != null) {
      builder.forcePathStyle(true);
    }
    // Beam's retry policy and settings stay; only the counting interceptor is added to them.
    ClientOverrideConfiguration configured = builder.overrideConfiguration();
    ClientOverrideConfiguration.Builder override =
        (configured == null ? ClientOverrideConfiguration.builder() : configured.toBuilder())
            .addExecutionInterceptor(new S3RetryMetrics());
    if (options.getEndpoint() != null) {
      // The workers' writes are multipart uploads, which S3-compatible servers may refuse.
      override.addExecutionInterceptor(new DefaultBucketKeyHeader());
    }
    return builder.overrideConfiguration(override.build());
  }
}
