package dev.kiln.runners.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.webdataset.WebDatasetReader;
import dev.kiln.runners.Kiln;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code kiln} in this JVM, as a user would on the command line, for the Flink ITs. */
final class KilnRuns {
  private KilnRuns() {}

  /** One finished {@code kiln} run: exit code, stdout, stderr, wall time. */
  record Run(int code, String out, String err, double seconds) {
    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /** {@code kiln ARGS...}; output is also echoed to this JVM's stdout for the failsafe report. */
  static Run kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long started = System.nanoTime();
    int code =
        Kiln.run(
            List.of(args),
            new PrintStream(tee(out, System.out), true, StandardCharsets.UTF_8),
            new PrintStream(tee(err, System.err), true, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), seconds);
  }

  /** {@code kiln prepare} on {@code input} into {@code output} with the given extra flags. */
  static Run prepare(Path input, Path output, String... flags) {
    List<String> args =
        new ArrayList<>(List.of("prepare", "--input=" + input, "--output=" + output));
    if (java.util.Arrays.stream(flags).noneMatch(f -> f.startsWith("--format="))) {
      // The cluster tests compare tar members one by one, which names any differing sample.
      args.add("--format=webdataset");
    }
    args.addAll(List.of(flags));
    return kiln(args.toArray(String[]::new));
  }

  /** Same members with the same bytes, and byte-identical shard files (manifest SHA-256s). */
  static void assertSameDataset(Path expected, Path actual) throws Exception {
    Map<String, byte[]> want = WebDatasetReader.members(expected);
    Map<String, byte[]> got = WebDatasetReader.members(actual);
    assertEquals(want.keySet(), got.keySet(), "the same members");
    for (String member : want.keySet()) {
      assertArrayEquals(want.get(member), got.get(member), member);
    }
    Manifest a = Manifest.readFrom(expected);
    Manifest b = Manifest.readFrom(actual);
    assertEquals(a.shards(), b.shards(), "byte-identical shard files");
    assertEquals(a.inputs(), b.inputs());
    assertEquals(a.written(), b.written());
    assertEquals(a.rejectedByReason(), b.rejectedByReason());
    assertEquals(a.inputFingerprint(), b.inputFingerprint());
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int x) {
        try {
          a.write(x);
          b.write(x);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public void write(byte[] bytes, int off, int len) {
        try {
          a.write(bytes, off, len);
          b.write(bytes, off, len);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }
}
