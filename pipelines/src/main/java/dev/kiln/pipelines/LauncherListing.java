package dev.kiln.pipelines;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The launcher's listing of {@code s3://} inputs handed to a Beam job's workers in a file of the
 * staging location ({@code _parts/launcher-listing.bin}), so that the job reads exactly the inputs
 * the launcher counted and labelled, and lists them once: on s3proxy a listing of 10,000 objects
 * takes 5.5 s, which a worker listing again added to the job (docs/PERFORMANCE.md). Each entry is a
 * path, size and modification time; the files the launcher ignored are in it too (size and time 0),
 * so the job counts them as a job that listed for itself does.
 */
public final class LauncherListing {
  /** The listing's file name below the staging location's parts directory. */
  public static final String FILE_NAME = "launcher-listing.bin";

  private LauncherListing() {}

  /** Where the listing of a job staging in {@code staging} (a directory or a prefix) goes. */
  public static String locationIn(String staging) {
    String base = staging.endsWith("/") ? staging : staging + "/";
    return base + StagingLayout.PARTS + "/" + FILE_NAME;
  }

  /** Writes the inputs and ignored files of {@code listing} to {@code location}. */
  public static void write(InputListing listing, String location) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(
                Channels.newOutputStream(
                    FileSystems.create(
                        FileSystems.matchNewResource(location, false), MimeTypes.BINARY)),
                1 << 16))) {
      for (MatchResult.Metadata file : listing.files()) {
        write(out, file.resourceId().toString(), file.sizeBytes(), file.lastModifiedMillis());
      }
      for (IgnoredFile file : listing.ignoredFiles()) {
        write(out, file.path(), 0, 0);
      }
    }
  }

  private static void write(DataOutputStream out, String path, long size, long mtime)
      throws IOException {
    out.writeUTF(path); // S3 keys are at most 1,024 bytes: far within writeUTF's 65,535
    out.writeLong(size);
    out.writeLong(mtime);
  }

  /** Reads the listing at {@code location}, each entry as a matched file. */
  public static void read(String location, Consumer<MatchResult.Metadata> files)
      throws IOException {
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(
                Channels.newInputStream(
                    FileSystems.open(FileSystems.matchNewResource(location, false))),
                1 << 16))) {
      while (true) {
        String path;
        try {
          path = in.readUTF();
        } catch (EOFException end) {
          return;
        }
        long size = in.readLong();
        long mtime = in.readLong();
        files.accept(
            MatchResult.Metadata.builder()
                .setResourceId(FileSystems.matchNewResource(path, false))
                .setSizeBytes(size)
                .setLastModifiedMillis(mtime)
                .setIsReadSeekEfficient(true)
                .build());
      }
    }
  }
}
