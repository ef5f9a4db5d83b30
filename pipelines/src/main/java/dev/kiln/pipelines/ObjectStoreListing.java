package dev.kiln.pipelines;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystemUtils;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists {@code s3://} inputs from the object listing alone: ListObjectsV2 pages of a thousand, with
 * each object's size and time, the folders directly below the root listed at once ({@link
 * S3Objects#listByFolder}). Beam's S3 {@code match} of a glob also sends a HEAD request per object,
 * for its content encoding: ten thousand requests before the first image is read, a minute on
 * loopback. The glob means what it means to Beam ({@code *} within one path segment, {@code **}
 * across them). The launcher lists with it, and so do a Beam job's workers ({@link ListInputs}).
 */
public final class ObjectStoreListing {
  /** Folders (class folders, splits) listed at once; each is a request or more in flight. */
  private static final int LISTING_THREADS = 8;

  private ObjectStoreListing() {}

  /**
   * Every object below the root of {@code inputs} that its glob matches, named by {@code ids}
   * (bucket, key to resource id).
   */
  public static List<MatchResult.Metadata> list(
      S3Objects store, InputFiles inputs, BiFunction<String, String, ResourceId> ids)
      throws IOException {
    Pattern glob = Pattern.compile(FileSystemUtils.wildcardToRegexp(inputs.glob()));
    S3Location root = S3Location.parse(inputs.root());
    List<MatchResult.Metadata> matched = new ArrayList<>();
    for (S3Object o : store.listByFolder(root, LISTING_THREADS)) {
      if (o.key().endsWith("/")) {
        continue; // a "directory" marker some tools write: no object of its own
      }
      String path = S3Location.SCHEME + root.bucket() + "/" + o.key();
      if (glob.matcher(path).matches()) {
        matched.add(
            MatchResult.Metadata.builder()
                .setResourceId(ids.apply(root.bucket(), o.key()))
                .setSizeBytes(o.size())
                .setLastModifiedMillis(
                    o.lastModified() == null ? 0 : o.lastModified().toEpochMilli())
                .setIsReadSeekEfficient(true)
                .build());
      }
    }
    return matched;
  }
}
