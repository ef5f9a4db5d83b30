package dev.kiln.pipelines;

import dev.kiln.formats.FileTrees;
import dev.kiln.formats.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Where a job's workers put what they stage ({@link StagingLayout}): into the staging directory
 * itself when it is one every worker shares, or, when the staging location is an object-store
 * prefix ({@code s3://bucket/prefix}, for a cluster whose TaskManagers share no filesystem), into a
 * private temporary directory of the worker that is then uploaded below the prefix through Beam's
 * file systems and deleted. A shard's description is uploaded after its shard and catalog part, so,
 * as in a directory, a described shard is complete. The launcher fetches the parts back before
 * finishing.
 */
public final class WorkerStaging {
  private WorkerStaging() {}

  /**
   * The directory to write staged files into: {@code staging} itself, or a new private temporary
   * directory (in {@code java.io.tmpdir}) when {@code staging} is remote, which {@link #deliver}
   * uploads.
   */
  static Path localDir(String staging) throws IOException {
    return Locations.isRemote(staging)
        ? Files.createTempDirectory("kiln-staged-")
        : Path.of(staging);
  }

  /**
   * For a remote {@code staging}, uploads every file below {@code dir} to the same relative name
   * under it, shard descriptions last, then deletes {@code dir}; for a local one, does nothing.
   */
  static void deliver(Path dir, String staging) throws IOException {
    if (!Locations.isRemote(staging)) {
      return;
    }
    try {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
      }
      List<Path> descriptions = new ArrayList<>();
      for (Path file : files) {
        if (isShardDescription(dir, file)) {
          descriptions.add(file);
        } else {
          upload(file, resolve(staging, relative(dir, file)));
        }
      }
      for (Path file : descriptions) {
        upload(file, resolve(staging, relative(dir, file)));
      }
    } finally {
      FileTrees.delete(dir);
    }
  }

  /** {@code relative} (slash-separated) below the remote {@code staging} prefix. */
  static String resolve(String staging, String relative) {
    return staging.endsWith("/") ? staging + relative : staging + "/" + relative;
  }

  /** Uploads a local file as the object {@code location}. */
  static void upload(Path file, String location) throws IOException {
    WritableByteChannel channel =
        FileSystems.create(FileSystems.matchNewResource(location, false), MimeTypes.BINARY);
    try (OutputStream out = Channels.newOutputStream(channel);
        InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  /** Opens the object {@code location} for positioned reads. */
  static SeekableByteChannel open(String location) throws IOException {
    return (SeekableByteChannel) FileSystems.open(FileSystems.matchNewResource(location, false));
  }

  private static boolean isShardDescription(Path dir, Path file) {
    String name = file.getFileName().toString();
    return file.getParent().equals(StagingLayout.parts(dir))
        && name.startsWith(StagingLayout.SHARD_PREFIX + "-")
        && name.endsWith(".json");
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
