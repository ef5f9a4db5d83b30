package dev.kiln.runners.objectstore;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Drops the {@value #HEADER} header when it only states the default ({@code false}). Beam's S3 file
 * system sends it with every multipart upload (which its writes are), and S3-compatible servers
 * that do not know the header refuse the upload (s3proxy answers 501 NotImplemented); AWS treats a
 * missing header as {@code false}, so nothing changes there. Before signing, so the signature
 * matches what is sent.
 */
final class DefaultBucketKeyHeader implements ExecutionInterceptor {
  static final String HEADER = "x-amz-server-side-encryption-bucket-key-enabled";

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest request = context.httpRequest();
    return request.firstMatchingHeader(HEADER).map(v -> v.equalsIgnoreCase("false")).orElse(false)
        ? request.toBuilder().removeHeader(HEADER).build()
        : request;
  }
}
