package dev.kiln.runners;

import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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

  private ClassArchiveTraining() {}

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
