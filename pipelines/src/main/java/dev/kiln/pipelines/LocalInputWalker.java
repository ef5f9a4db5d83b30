package dev.kiln.pipelines;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Stage;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.function.Consumer;

/**
 * Lists the inputs under a local input root, following symbolic links the way a user expects (a
 * linked file or directory is read through the link) but never in circles: a link back to one of
 * its own ancestors is reported once as {@code symlink-loop}, a link to nothing as {@code
 * dangling-symlink}, a directory that cannot be listed as {@code unreadable}. Beam's own glob
 * matching follows loops until paths grow too long and drops dangling links silently. Files that
 * are not inputs (hidden, other extensions) are reported as ignored, with why.
 */
public final class LocalInputWalker {
  /** A regular file found under the root. */
  public record Found(Path path, long size, long lastModifiedMillis) {}

  private LocalInputWalker() {}

  /**
   * Walks {@code inputs.root()}, handing each accepted file to {@code files} and each input that
   * cannot be read to {@code rejects}; files that are not inputs are not reported.
   */
  public static void walk(InputFiles inputs, Consumer<Found> files, Consumer<Rejection> rejects)
      throws IOException {
    walk(inputs, files, rejects, ignored -> {});
  }

  /**
   * Walks {@code inputs.root()}, handing each accepted file to {@code files}, each input that
   * cannot be read to {@code rejects}, and every other file the input names to {@code ignored} with
   * its reason, so that every file is accounted for. Hidden directories are walked too (every file
   * in them is ignored as {@code hidden}); with a glob, files it does not match are not the input's
   * and are not reported.
   */
  public static void walk(
      InputFiles inputs,
      Consumer<Found> files,
      Consumer<Rejection> rejects,
      Consumer<IgnoredFile> ignored)
      throws IOException {
    Path root = Path.of(inputs.root());
    // A directory input takes every file below it: no glob to test each against.
    PathMatcher matcher =
        inputs.globMatchesAll()
            ? file -> true
            : root.getFileSystem().getPathMatcher("glob:" + inputs.glob());
    Files.walkFileTree(
        root,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isDirectory() || !matcher.matches(file)) {
              return FileVisitResult.CONTINUE;
            }
            String path = file.toString();
            String ignoreReason = inputs.ignoreReason(path);
            if (ignoreReason != null) {
              ignored.accept(new IgnoredFile(path, ignoreReason));
            } else if (attrs.isSymbolicLink()) {
              // FOLLOW_LINKS hands over the link itself only when its target does not exist.
              rejects.accept(
                  rejection(
                      inputs,
                      file,
                      RejectReason.DANGLING_SYMLINK,
                      "symbolic link to " + linkTarget(file) + ", which does not exist"));
            } else if (attrs.isRegularFile()) {
              files.accept(new Found(file, attrs.size(), attrs.lastModifiedTime().toMillis()));
            } else {
              rejects.accept(
                  rejection(
                      inputs,
                      file,
                      RejectReason.NOT_A_FILE,
                      "not a regular file (device, pipe or socket)"));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!file.equals(root) && inputs.hidden(file.toString())) {
              // Inside a hidden directory nothing is an input, not even an unreadable entry.
              ignored.accept(new IgnoredFile(file.toString(), IgnoredFile.HIDDEN));
            } else if (e instanceof FileSystemLoopException) {
              rejects.accept(
                  rejection(
                      inputs,
                      file,
                      RejectReason.SYMLINK_LOOP,
                      "symbolic link to "
                          + linkTarget(file)
                          + " leads back to one of its own parent directories"));
            } else if (e instanceof NoSuchFileException) {
              rejects.accept(
                  rejection(
                      inputs,
                      file,
                      RejectReason.VANISHED,
                      "removed while the input was being listed"));
            } else {
              rejects.accept(
                  rejection(
                      inputs, file, RejectReason.UNREADABLE, "cannot be listed or read: " + e));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static Rejection rejection(
      InputFiles inputs, Path file, RejectReason reason, String message) {
    return new Rejection(
        inputs.keyOf(file.toString()), file.toString(), Stage.READ, reason, message, -1);
  }

  private static String linkTarget(Path link) {
    try {
      return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).toString() : link.toString();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Whether a path names a file on this machine rather than a remote filesystem (gs://, s3://). */
  public static boolean isLocal(String input) {
    int scheme = input.indexOf("://");
    return scheme < 0 || input.startsWith("file://");
  }
}
