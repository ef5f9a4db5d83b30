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

    InputListing listing = InputListing.of(InputFiles.of(in.toString(), InputFiles.DEFAULT_EXTENSIONS));

    assertEquals(7, listing.files().size(), listing.files().toString());
    assertEquals(List.of("dangling-symlink"), listing.rejects().stream().map(Rejection::reason).toList());
    assertEquals(8, listing.inputs(), "files plus listing rejections");
    for (MatchResult.Metadata m : listing.files()) {
      Path p = Path.of(m.resourceId().toString());
      assertEquals(Files.size(p), m.sizeBytes(), p.toString());
      assertEquals(Files.getLastModifiedTime(p).toMillis(), m.lastModifiedMillis(), p.toString());
      // The same resource id as Beam's own matching gives, which every runner's steps compare.
      assertEquals(FileSystems.matchNewResource(p.toString(), false), m.resourceId());
    }
  }
}
