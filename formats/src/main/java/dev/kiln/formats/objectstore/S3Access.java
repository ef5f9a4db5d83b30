package dev.kiln.formats.objectstore;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How Kiln reaches S3-compatible storage, configured the way AWS tools are: credentials from the
 * standard chain ({@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, profiles, instance
 * roles), the region from {@code AWS_REGION} or the profile, and the endpoint from {@code
 * AWS_ENDPOINT_URL}. With an endpoint (MinIO, s3proxy, ...) requests use path-style addressing
 * ({@code http://host/bucket/key}), which such servers need, and the region defaults to {@code
 * us-east-1} (it only enters the request signature there).
 *
 * <p>Transient failures (HTTP 500/503, throttling, dropped connections) are retried with the SDK's
 * exponential backoff, and counted ({@link #retries()}).
 *
 * @param endpoint the endpoint, or null for AWS's own
 * @param region the region requests are signed for
 */
public record S3Access(URI endpoint, Region region, RetryCounter retries) {
  /** Environment variable naming a non-AWS endpoint, as the AWS CLI and SDKs read it. */
  public static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";

  /** The region requests are signed for when nothing names one. */
  public static final Region DEFAULT_REGION = Region.US_EAST_1;

  /** Tries per request: the first and up to 5 retries with backoff. */
  private static final int MAX_RETRIES = 5;

  /** Settings from the environment ({@link #ENDPOINT_ENV}, region chain). */
  public static S3Access fromEnvironment() {
    return of(null, System.getenv());
  }

  /**
   * Settings with {@code endpoint} (null: from {@code env}'s {@link #ENDPOINT_ENV}) and the region
   * from the standard chain.
   *
   * @throws IllegalArgumentException when the endpoint is not an http(s) URL
   */
  public static S3Access of(String endpoint, Map<String, String> env) {
    String given = endpoint != null && !endpoint.isBlank() ? endpoint : env.get(ENDPOINT_ENV);
    URI uri = null;
    if (given != null && !given.isBlank()) {
      uri = URI.create(given.trim());
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            ENDPOINT_ENV + "=" + given + ": not an http:// or https:// URL");
      }
    }
    Region region = null;
    String named = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
    if (named != null && !named.isBlank()) {
      region = Region.of(named.trim());
    } else if (uri == null) {
      // AWS itself: the profile or, on EC2, the instance's region. Not probed for another
      // endpoint, where asking the instance metadata service only costs seconds of timeouts.
      try {
        region = new DefaultAwsRegionProviderChain().getRegion();
      } catch (SdkClientException e) {
        region = null;
      }
    }
    if (region == null) {
      // Without a region AWS's endpoints cannot be found; S3-compatible servers ignore it.
      region = DEFAULT_REGION;
    }
    return new S3Access(uri, region, new RetryCounter());
  }

  /** A client with these settings; the caller closes it. */
  public S3Client client() {
    var builder =
        S3Client.builder()
            .region(region)
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(60))
                    .maxConnections(64))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryPolicy(RetryPolicy.builder().numRetries(MAX_RETRIES).build())
                    .addExecutionInterceptor(retries)
                    .build());
    if (endpoint != null) {
      builder
          .endpointOverride(endpoint)
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
    }
    return builder.build();
  }

  /** Where requests go, for messages. */
  public String describeEndpoint() {
    return endpoint == null ? "AWS S3 (" + region + ")" : endpoint.toString();
  }

  /**
   * One line saying why a request about {@code location} failed: a missing bucket or key, refused
   * credentials, an unreachable endpoint, or the server's own message.
   */
  public String explain(SdkException e, S3Location location) {
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code =
          s3.awsErrorDetails() == null || s3.awsErrorDetails().errorCode() == null
              ? ""
              : s3.awsErrorDetails().errorCode();
      if ("NoSuchBucket".equals(code) || (status == 404 && location.key().isEmpty())) {
        return "bucket '" + location.bucket() + "' does not exist at " + describeEndpoint();
      }
      if ("NoSuchKey".equals(code) || status == 404) {
        return "no object " + location + " at " + describeEndpoint();
      }
      if (status == 403
          || "InvalidAccessKeyId".equals(code)
          || "SignatureDoesNotMatch".equals(code)) {
        return "access denied by "
            + describeEndpoint()
            + " ("
            + (code.isEmpty() ? "HTTP 403" : code)
            + "): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the AWS profile)";
      }
      return describeEndpoint()
          + " answered HTTP "
          + status
          + (code.isEmpty() ? "" : " " + code)
          + ": "
          + firstLine(s3.getMessage());
    }
    if (e instanceof SdkClientException) {
      String m = firstLine(e.getMessage());
      if (m.contains("credentials")) {
        return "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile)";
      }
      return "cannot reach " + describeEndpoint() + ": " + rootCause(e);
    }
    return firstLine(e.getMessage());
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e
        ? firstLine(e.getMessage())
        : t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
