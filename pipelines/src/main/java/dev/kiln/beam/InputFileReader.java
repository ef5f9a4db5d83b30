package dev.kiln.beam;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.WorkerObjectStore;
import java.io.IOException;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Reads a matched input file's bytes on a worker. An {@code s3://} object is fetched with one GET
 * ({@link WorkerObjectStore}). Beam's read channel would send a HEAD first to learn the size, which
 * a file's resource id no longer carries once a coder has passed it between steps: two requests per
 * image instead of one, and on a server sharing the job's cores about a millisecond of CPU more
 * each. Other files are read as {@link FileIO.ReadableFile#readFullyAsBytes} reads them.
 */
final class InputFileReader implements AutoCloseable {
  private final PipelineOptions options;
  private S3Objects store;

  InputFileReader(PipelineOptions options) {
    this.options = options;
  }

  /** Whether the file is an {@code s3://} object, read over the network. */
  static boolean isRemote(FileIO.ReadableFile file) {
    return "s3".equals(file.getMetadata().resourceId().getScheme());
  }

  byte[] read(FileIO.ReadableFile file) throws IOException {
    if (!isRemote(file)) {
      return file.readFullyAsBytes();
    }
    return store().read(S3Location.parse(file.getMetadata().resourceId().toString()));
  }

  private S3Objects store() {
    if (store == null) {
      store = WorkerObjectStore.of(options);
    }
    return store;
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
