package dev.kiln.pipelines;

import dev.kiln.formats.objectstore.RetryCounter;
import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Objects;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.S3FileSystemConfiguration;
import org.apache.beam.sdk.options.PipelineOptions;
import software.amazon.awssdk.regions.Region;

/**
 * Kiln's object operations on a Beam worker, through a client built from the job's S3 options as
 * Beam's S3 file system builds its own: the same endpoint, credentials, region, retries and client
 * factory, whatever the worker's environment holds. Kiln lists and reads inputs with it where
 * Beam's file system would send a HEAD per object first ({@link ObjectStoreListing}, {@code
 * NormalizeImages}).
 */
public final class WorkerObjectStore {
  private WorkerObjectStore() {}

  /** A store for the job's options; the caller closes it. */
  public static S3Objects of(PipelineOptions options) {
    S3Options s3 = options.as(S3Options.class);
    // Describes the store in messages, from the options alone: asking the environment for a
    // region could probe an instance metadata service for seconds.
    S3Access access =
        new S3Access(
            s3.getEndpoint(),
            s3.getAwsRegion() == null ? Region.US_EAST_1 : s3.getAwsRegion(),
            new RetryCounter());
    return new S3Objects(
        access, S3FileSystemConfiguration.fromS3Options(s3).getS3ClientBuilder().build());
  }
}
