package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.Rejection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputListingTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void listsImagesOnceWithSizesAndTimesAndRejectsBrokenLinks() throws Exception {
    Path in = tmp.resolve("in");
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = in.resolve(SAMPLES.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Files.writeString(in.resolve("notes.txt"), "not an input: other extension");
    Files.createSymbolicLink(in.resolve("gone.jpg"), in.resolve("missing.jpg"));

    InputListing listing =
        InputListing.of(InputFiles.of(in.toString(), InputFiles.DEFAULT_EXTENSIONS));

    assertEquals(7, listing.files().size(), listing.files().toString());
    assertEquals(
        List.of("dangling-symlink"), listing.rejects().stream().map(Rejection::reason).toList());
    assertEquals(8, listing.inputs(), "files plus listing rejections");
    for (MatchResult.Metadata m : listing.files()) {
      Path p = Path.of(m.resourceId().toString());
      assertEquals(Files.size(p), m.sizeBytes(), p.toString());
      assertEquals(Files.getLastModifiedTime(p).toMillis(), m.lastModifiedMillis(), p.toString());
      // The same resource id as Beam's own matching gives, which every runner's steps compare.
      assertEquals(FileSystems.matchNewResource(p.toString(), false), m.resourceId());
    }
  }

  /** Every file under the input is an input or ignored with a reason, hidden directories too. */
  @Test
  void everyFileIsAnInputOrIgnoredWithItsReason() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("a/.cache"));
    Files.createDirectories(in.resolve(".git/objects"));
    Files.writeString(in.resolve("a/x.jpg"), "x");
    Files.writeString(in.resolve("a/y.PNG"), "y");
    Files.writeString(in.resolve("a/notes.txt"), "n");
    Files.writeString(in.resolve("README"), "r");
    Files.writeString(in.resolve(".DS_Store"), "d");
    Files.writeString(in.resolve("a/.cache/t.jpg"), "t");
    Files.writeString(in.resolve(".git/HEAD"), "h");
    Files.writeString(in.resolve(".git/objects/ab"), "o");
    Files.createSymbolicLink(in.resolve("a/gone.txt"), in.resolve("missing.txt"));

    InputListing listing =
        InputListing.of(InputFiles.of(in.toString(), InputFiles.DEFAULT_EXTENSIONS));

    assertEquals(2, listing.inputs());
    assertEquals(java.util.Map.of("extension", 3L, "hidden", 4L), listing.ignoredByReason());
    long entries;
    try (Stream<Path> all = Files.walk(in)) {
      entries = all.filter(p -> !Files.isDirectory(p)).count();
    }
    assertEquals(entries, listing.inputs() + listing.ignored(), "inputs + ignored = files");
    assertEquals(
        List.of(
            new IgnoredFile(in + "/.git/HEAD", "hidden"),
            new IgnoredFile(in + "/.git/objects/ab", "hidden")),
        listing.ignoredFiles().stream()
            .filter(f -> f.path().contains(".git"))
            .sorted(java.util.Comparator.comparing(IgnoredFile::path))
            .toList());

    InputListing all = InputListing.of(InputFiles.of(in.toString(), "all"));
    assertEquals(5, all.inputs(), "every visible file, the dangling link a rejection");
    assertEquals(java.util.Map.of("hidden", 4L), all.ignoredByReason());
  }

  @Test
  void aGlobAccountsForTheFilesItMatches() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("x.jpg"), "x");
    Files.writeString(in.resolve("x.txt"), "x");
    Files.writeString(in.resolve("y.gif"), "y");
    InputListing listing = InputListing.of(InputFiles.of(in + "/x.*", "jpg"));
    assertEquals(1, listing.inputs());
    assertEquals(List.of(new IgnoredFile(in + "/x.txt", "extension")), listing.ignoredFiles());
  }

  @Test
  void ignoredLinesAreJson() {
    assertEquals(
        "{\"path\":\"/in/a \\\"b\\\".txt\",\"reason\":\"extension\"}",
        new IgnoredFile("/in/a \"b\".txt", "extension").toJsonLine());
  }
}
