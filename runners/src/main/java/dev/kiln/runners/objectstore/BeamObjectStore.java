package dev.kiln.runners.objectstore;

import dev.kiln.formats.objectstore.S3Access;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Points Beam's S3 file system (used to list and read {@code s3://} inputs, metadata tables and
 * annotations, on the launcher and every worker) at the same store as Kiln's own client: the
 * endpoint from {@code --endpoint} or {@code AWS_ENDPOINT_URL}, with path-style addressing, and a
 * region even where none is configured; its retries are counted ({@link S3RetryMetrics}).
 */
public final class BeamObjectStore {
  private BeamObjectStore() {}

  /** The store settings the options name: Beam's {@code --endpoint}, else the environment. */
  public static S3Access accessOf(PipelineOptions options) {
    S3Options s3 = options.as(S3Options.class);
    return S3Access.of(
        s3.getEndpoint() == null ? null : s3.getEndpoint().toString(), System.getenv());
  }

  /**
   * Gives Beam's S3 file system a region for a run with no location on S3 and no region set. Beam
   * registers that file system for every run, on the launcher and again on each worker, and it asks
   * for a region; Beam's default asks the EC2 instance metadata service, which off EC2 costs 1.2 s
   * of timeouts each time. No request is made, so any region will do.
   */
  public static void settleUnusedRegion(PipelineOptions options) {
    options.as(S3Options.class).setAwsRegion(S3Access.DEFAULT_REGION);
  }

  /** Sets Beam's S3 options from {@code access} where the user did not set them. */
  public static void configure(PipelineOptions options, S3Access access) {
    S3Options s3 = options.as(S3Options.class);
    s3.setS3ClientFactoryClass(KilnS3ClientBuilderFactory.class);
    if (access.endpoint() != null) {
      // Beam's default region would probe the instance metadata service, seconds of timeouts.
      s3.setAwsRegion(access.region());
      s3.setEndpoint(access.endpoint());
    } else if (s3.getAwsRegion() == null) {
      s3.setAwsRegion(access.region());
    }
  }
}
