package dev.kiln.runners.tools;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.ShardLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A dataset directory as the tools see it: its {@code manifest.json} (if readable) and its format,
 * taken from the manifest or, without one, from the files present ({@code index.kidx} or {@code
 * *.kiln} means kiln, {@code *.tar} means webdataset), so a dataset whose manifest was lost can
 * still be inspected and verified.
 */
final class DatasetDirectory {
  static final String KILN = "kiln";
  static final String WEBDATASET = "webdataset";

  private final Path dir;
  private final Manifest manifest;
  private final String manifestProblem;
  private final String format;

  private DatasetDirectory(Path dir, Manifest manifest, String manifestProblem, String format) {
    this.dir = dir;
    this.manifest = manifest;
    this.manifestProblem = manifestProblem;
    this.format = format;
  }

  /**
   * The dataset in {@code path}: a dataset directory, or a versioned output root, whose {@code
   * CURRENT} version is then the one opened.
   */
  static DatasetDirectory open(Path path) throws IOException {
    Path dir = DatasetRoot.resolve(path);
    Manifest manifest = null;
    String problem = null;
    if (Files.exists(dir.resolve(Manifest.FILE_NAME))) {
      try {
        manifest = Manifest.readFrom(dir);
      } catch (IOException | RuntimeException e) {
        problem = Manifest.FILE_NAME + ": not readable: " + e.getMessage();
      }
    } else {
      problem = Manifest.FILE_NAME + " missing";
    }
    String format = manifest != null && !manifest.format().isEmpty() ? manifest.format() : null;
    if (format == null) {
      if (Files.exists(dir.resolve(ShardLayout.INDEX_FILE_NAME))
          || !files(dir, ".kiln").isEmpty()) {
        format = KILN;
      } else if (!files(dir, ".tar").isEmpty()) {
        format = WEBDATASET;
      }
    }
    return new DatasetDirectory(dir, manifest, problem, format);
  }

  Path path() {
    return dir;
  }

  /** The manifest, when present and readable. */
  Optional<Manifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /** Why there is no manifest, when there is none. */
  String manifestProblem() {
    return manifestProblem;
  }

  /** {@code kiln}, {@code webdataset}, another manifest-declared format, or null if unknown. */
  String format() {
    return format;
  }

  boolean isKiln() {
    return KILN.equals(format);
  }

  /** Regular files in {@code dir} whose names end with {@code suffix}, sorted by name. */
  static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
  }

  /** SHA-256 of a file, lowercase hex (the form {@code manifest.json} lists). */
  static String sha256(Path file) throws IOException {
    return FileDigest.sha256(file);
  }

  /**
   * Writes {@code to/name}, creating subdirectories ({@code name} is a sample key plus an
   * extension, which may contain {@code /}), and refusing names that would land outside {@code to}
   * (absolute, or climbing out with {@code ..}): keys come from the data, not from the user.
   */
  static Path writeInside(Path to, String name, byte[] bytes) throws IOException {
    Path root = to.toAbsolutePath().normalize();
    Path target = root.resolve(name).normalize();
    if (Path.of(name).isAbsolute() || !target.startsWith(root) || target.equals(root)) {
      throw new IOException("sample name '" + name + "' would be written outside " + to);
    }
    Files.createDirectories(target.getParent());
    Files.write(target, bytes);
    return target;
  }

  /** Human-readable byte count: 1536 gives "1.5 KiB". */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
