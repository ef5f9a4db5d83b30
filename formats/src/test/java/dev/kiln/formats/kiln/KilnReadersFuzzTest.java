package dev.kiln.formats.kiln;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz targets for Kiln's own readers of its binary files: a shard on its own, {@code index.kidx},
 * a dataset (the seed index with a fuzzed shard) and one sample record. Whatever the bytes, a
 * reader may only report them as damaged (an {@link IOException} or a {@link KilnFormatException}
 * naming the file, or {@link IllegalArgumentException} for a lone record); any other exception, an
 * {@link OutOfMemoryError} or a hang is a finding. The first input byte says whether the checksums
 * are made right again ({@link Resealed}) so that mutations get past them.
 *
 * <p>Seeds are in {@code src/test/resources/dev/kiln/formats/kiln/KilnReadersFuzzTestInputs/};
 * {@code mvn test} runs them (regression mode); {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class KilnReadersFuzzTest {
  private static Path dir;
  private static byte[] seedIndex;

  @BeforeAll
  static void workDirectory() throws IOException {
    dir = Files.createTempDirectory("kiln-fuzz");
    try (var in = KilnReadersFuzzTest.class.getResourceAsStream("fuzz-dataset/index.kidx")) {
      seedIndex = in.readAllBytes();
    }
  }

  @AfterAll
  static void removeWorkDirectory() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static byte[] body(byte[] input, boolean shard) {
    if (input.length == 0) {
      return input;
    }
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    if ((input[0] & 1) == 0) {
      return rest;
    }
    return shard ? Resealed.shard(rest) : Resealed.index(rest);
  }

  private static Path write(String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void shard(byte[] input) {
    Path file = write("shard-00000.kiln", body(input, true));
    try (KilnShardReader reader = KilnShardReader.open(file)) {
      for (int i = 0; i < reader.size(); i++) {
        reader.get(i);
      }
      reader.summary();
    } catch (IOException | KilnFormatException expected) {
      // damage reported as damage
    }
  }

  @FuzzTest(maxDuration = "2m")
  void index(byte[] input) {
    Path file = write("index.kidx", body(input, false));
    try {
      DatasetIndex.read(file);
    } catch (IOException | KilnFormatException expected) {
      // damage reported as damage
    }
  }

  @FuzzTest(maxDuration = "2m")
  void dataset(byte[] input) {
    write("index.kidx", seedIndex);
    write("shard-00000.kiln", body(input, true));
    try (KilnDataset ds = KilnDataset.open(dir)) {
      for (int i = 0; i < ds.size(); i++) {
        ds.get(i);
      }
    } catch (IOException | KilnFormatException expected) {
      // damage reported as damage
    }
  }

  @FuzzTest(maxDuration = "2m")
  void sampleRecord(byte[] input) {
    try {
      SampleCodec.decode(input);
    } catch (IllegalArgumentException expected) {
      // not a sample record
    }
  }
}
