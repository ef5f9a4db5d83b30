package dev.kiln.formats.objectstore;

/**
 * An {@code s3://bucket/key} location: a bucket and a key (an object, or a prefix that stands for a
 * "directory", kept without its trailing '/').
 *
 * @param bucket the bucket's name
 * @param key the key or prefix below the bucket, without leading or trailing '/'; empty for the
 *     bucket itself
 */
public record S3Location(String bucket, String key) {
  public static final String SCHEME = "s3://";

  /** Whether {@code location} names an object-store location rather than a local path. */
  public static boolean isS3(String location) {
    return location != null && location.startsWith(SCHEME);
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws IllegalArgumentException when it has no bucket
   */
  public static S3Location parse(String location) {
    if (!isS3(location)) {
      throw new IllegalArgumentException(location + ": not an s3:// location");
    }
    String rest = location.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    while (key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException(location + ": no bucket (write s3://BUCKET/PREFIX)");
    }
    return new S3Location(bucket, key);
  }

  /** The location {@code name} below this one ({@code name} may contain '/'). */
  public S3Location resolve(String name) {
    return new S3Location(bucket, key.isEmpty() ? name : key + "/" + name);
  }

  /** The key prefix of everything below this location: the key and a '/', or empty. */
  public String prefix() {
    return key.isEmpty() ? "" : key + "/";
  }

  /** The last segment of the key. */
  public String name() {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + (key.isEmpty() ? "" : "/" + key);
  }
}
