package dev.kiln.runners;

import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.InputListing;
import dev.kiln.pipelines.ObjectStoreListing;
import java.io.IOException;

/**
 * Lists {@code s3://} inputs for the launcher ({@link ObjectStoreListing}), naming each object with
 * an {@link ObjectResourceId}: a local run never registers Beam's S3 file system.
 */
final class ObjectStoreInputs {
  private ObjectStoreInputs() {}

  static InputListing list(S3Objects store, InputFiles inputs) throws IOException {
    return InputListing.ofMatched(
        inputs, ObjectStoreListing.list(store, inputs, ObjectResourceId::object));
  }
}
