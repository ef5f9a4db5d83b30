package dev.kiln.runners;

import dev.kiln.formats.objectstore.S3Location;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * An {@code s3://bucket/key} object (or, with a key ending in '/', a "directory") as Beam names a
 * resource, made without Beam's file-system registry. Beam's own S3 resource ids are
 * package-private and come only from {@code FileSystems.matchNewResource}, which needs Beam's S3
 * options registered: Beam then reads every settings interface on the class path, seconds of a
 * local run's start that lists and reads its inputs with Kiln's own client. It names, resolves and
 * compares like Beam's.
 *
 * @param bucket the bucket
 * @param key the key below the bucket; ends with '/' for a directory, empty for the bucket itself
 */
record ObjectResourceId(String bucket, String key) implements ResourceId {
  /** The object {@code key} of {@code bucket}. */
  static ObjectResourceId object(String bucket, String key) {
    if (key.isEmpty() || key.endsWith("/")) {
      throw new IllegalArgumentException(
          S3Location.SCHEME + bucket + "/" + key + ": names a directory, not an object");
    }
    return new ObjectResourceId(bucket, key);
  }

  @Override
  public ResourceId resolve(String other, ResolveOptions options) {
    if (!isDirectory()) {
      throw new IllegalStateException(
          "Expected this resource to be a directory, but was [" + this + "]");
    }
    if (options == ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY) {
      return new ObjectResourceId(bucket, key + (other.endsWith("/") ? other : other + "/"));
    }
    if (options != ResolveOptions.StandardResolveOptions.RESOLVE_FILE || other.endsWith("/")) {
      throw new IllegalArgumentException(
          "cannot resolve '" + other + "' against " + this + " with " + options);
    }
    return new ObjectResourceId(bucket, key + other);
  }

  @Override
  public ResourceId getCurrentDirectory() {
    return isDirectory()
        ? this
        : new ObjectResourceId(bucket, key.substring(0, key.lastIndexOf('/') + 1));
  }

  @Override
  public String getScheme() {
    return "s3";
  }

  @Override
  public String getFilename() {
    if (key.isEmpty()) {
      return null;
    }
    String name = isDirectory() ? key.substring(0, key.length() - 1) : key;
    return name.substring(name.lastIndexOf('/') + 1);
  }

  @Override
  public boolean isDirectory() {
    return key.isEmpty() || key.endsWith("/");
  }

  @Override
  public String toString() {
    return S3Location.SCHEME + bucket + "/" + key;
  }
}
