package dev.kiln.runners;

import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code kiln class-archive-training DIR} (run by the launcher, not by users): prepares the images
 * in {@code DIR} once on each runner that runs in the launcher's JVM, so that the JVM, started with
 * {@code -XX:ArchiveClassesAtExit}, writes a class-data archive of every class a {@code prepare} of
 * any runner loads. Archived from a {@code local} run alone, the archive lacked Flink's and Beam's
 * runner classes, and a 7-image {@code flink-local} run took 16.3 s instead of 7.9 s (8.4 s against
 * 6.3 s of CPU; 2 cores, under load); a {@code local} run is the same either way (0.8 s of CPU).
 */
final class ClassArchiveTraining {
  private static final List<String> RUNNERS = List.of("local", "direct", "flink-local");

  /** The AWS SDK's system properties for credentials, the first it looks at. */
  private static final String ACCESS_KEY = "aws.accessKeyId";

  private static final String SECRET_KEY = "aws.secretAccessKey";

  private ClassArchiveTraining() {}

  /**
   * Loads the S3 client's classes (the AWS SDK's, ~2,700; a 7-image run from S3 loaded them in ~1
   * s): a prepare of {@code s3://} inputs at an endpoint that refuses the connection (a closed
   * loopback port) builds the client, signs and sends a request, retries it and ends with exit 2.
   */
  private static void objectStoreClient(Path work, PrintStream quiet) throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    // Keys of no one, so that the client signs its request rather than stopping at the missing
    // credentials (or asking an instance metadata service for them), wherever it is trained.
    boolean keys = System.getProperty(ACCESS_KEY) == null && System.getProperty(SECRET_KEY) == null;
    if (keys) {
      System.setProperty(ACCESS_KEY, "kiln-class-archive");
      System.setProperty(SECRET_KEY, "kiln-class-archive");
    }
    try {
      new PrepareCommand(quiet, quiet)
          .run(
              List.of(
                  "--input=s3://kiln-class-archive/images",
                  "--output=" + work.resolve("s3"),
                  "--endpoint=http://127.0.0.1:" + closed));
    } finally {
      if (keys) {
        System.clearProperty(ACCESS_KEY);
        System.clearProperty(SECRET_KEY);
      }
    }
  }

  static int run(List<String> args, PrintStream err) {
    if (args.size() != 1 || !Files.isDirectory(Path.of(args.get(0)))) {
      err.println("kiln class-archive-training: give a directory of a few images");
      return ExitCode.USAGE;
    }
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Path work = null;
    try {
      work = Files.createTempDirectory("kiln-class-archive-");
      for (String runner : RUNNERS) {
        int code =
            new PrepareCommand(quiet, quiet)
                .run(
                    List.of(
                        "--input=" + args.get(0),
                        "--output=" + work.resolve(runner),
                        "--runner=" + runner));
        if (code != ExitCode.OK) {
          err.println("kiln class-archive-training: prepare on " + runner + " exited " + code);
          return code;
        }
      }
      objectStoreClient(work, quiet);
      return ExitCode.OK;
    } catch (IOException e) {
      err.println("kiln class-archive-training: " + e.getMessage());
      return ExitCode.FAILED;
    } finally {
      if (work != null) {
        try {
          FileTrees.delete(work);
        } catch (IOException e) {
          err.println(
              "kiln class-archive-training: could not remove " + work + ": " + e.getMessage());
        }
      }
    }
  }
}
