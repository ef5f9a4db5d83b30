package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.KilnDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under {@code --input} is accounted for: an input (written or rejected) or ignored with
 * a reason, in the summary line, the counters, the manifest and {@code --list-ignored}'s {@code
 * ignored.jsonl}, the same on the local, direct and Flink runners; and {@code --key-extension}
 * writes inputs that differ only in extension.
 */
class InputAccountingTest {
  @TempDir Path tmp;

  private Path oddFolder() throws Exception {
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    Files.copy(in.resolve("food/coffee.jpg"), in.resolve("food/coffee.png")); // duplicate key
    Files.writeString(in.resolve("notes.txt"), "not an input");
    Files.writeString(in.resolve("food/labels.csv"), "file,label\n");
    Files.writeString(in.resolve(".DS_Store"), "hidden");
    Files.createDirectories(in.resolve(".git/objects"));
    Files.writeString(in.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(in.resolve(".git/objects/ab"), "x");
    Files.copy(in.resolve("food/coffee.jpg"), in.resolve("animals/.thumb.jpg"));
    return in;
  }

  private static long filesUnder(Path in) throws Exception {
    try (Stream<Path> all = Files.walk(in)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void everyFileIsAnInputOrIgnoredOnEveryRunner() throws Exception {
    Path in = oddFolder();
    long files = filesUnder(in);
    for (String runner : List.of("local", "direct", "flink-local")) {
      Path out = tmp.resolve(runner);
      PrepareCommandTest.Run run =
          PrepareCommandTest.kiln(
              "prepare",
              "--input=" + in,
              "--output=" + out,
              "--runner=" + runner,
              "--max-reject-fraction=1",
              "--list-ignored");
      assertEquals(0, run.code(), runner + ": " + run.err());
      assertTrue(
          run.out()
              .contains(
                  "8 inputs, 6 written, 2 rejected (duplicate-key: 2), 6 ignored"
                      + " (extension: 2, hidden: 4)"),
          runner + ": " + run.out());
      assertTrue(
          run.out().contains("ignored=6 ignored-extension=2 ignored-hidden=4"),
          runner + " counters: " + run.out());

      Manifest manifest = Manifest.readFrom(out);
      assertEquals(Map.of("extension", 2L, "hidden", 4L), manifest.ignoredByReason());
      assertEquals(
          files, manifest.inputs() + manifest.ignored(), runner + ": inputs + ignored = files");
      assertEquals(manifest.inputs(), manifest.written() + manifest.rejected());
      List<String> lines = Files.readAllLines(out.resolve("ignored.jsonl"), StandardCharsets.UTF_8);
      assertEquals(
          List.of(
              "{\"path\":\"" + in + "/.DS_Store\",\"reason\":\"hidden\"}",
              "{\"path\":\"" + in + "/.git/HEAD\",\"reason\":\"hidden\"}",
              "{\"path\":\"" + in + "/.git/objects/ab\",\"reason\":\"hidden\"}",
              "{\"path\":\"" + in + "/animals/.thumb.jpg\",\"reason\":\"hidden\"}",
              "{\"path\":\"" + in + "/food/labels.csv\",\"reason\":\"extension\"}",
              "{\"path\":\"" + in + "/notes.txt\",\"reason\":\"extension\"}"),
          lines);
    }
  }

  @Test
  void withoutListIgnoredNoListingIsWritten() throws Exception {
    Path in = oddFolder();
    Path out = tmp.resolve("out");
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln(
            "prepare", "--input=" + in, "--output=" + out, "--max-reject-fraction=1");
    assertEquals(0, run.code(), run.err());
    assertTrue(Files.notExists(out.resolve("ignored.jsonl")));
    assertEquals(6, Manifest.readFrom(out).ignored());
  }

  @Test
  void keyExtensionWritesInputsThatDifferOnlyInExtension() throws Exception {
    Path in = oddFolder();
    Path out = tmp.resolve("out");
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln("prepare", "--input=" + in, "--output=" + out, "--key-extension");
    assertEquals(0, run.code(), run.err());
    Manifest manifest = Manifest.readFrom(out);
    assertEquals(8, manifest.written(), manifest.rejectedByReason().toString());
    assertEquals(0, manifest.rejected());
    try (KilnDataset ds = KilnDataset.open(out)) {
      assertEquals("food/coffee.jpg", ds.get("food/coffee.jpg").key());
      assertEquals("food/coffee.png", ds.get("food/coffee.png").key());
    }
  }

  @Test
  void aFolderWithNoInputsSaysWhatWasIgnored() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("scan.jp2"), "not taken by default");
    Files.writeString(in.resolve(".DS_Store"), "hidden");
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln("prepare", "--input=" + in, "--output=" + tmp.resolve("out"));
    assertEquals(2, run.code());
    assertTrue(
        run.err()
            .contains("no image files found; 1 extension, 1 hidden ignored (see --extensions)"),
        run.err());
  }
}
