package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input gives the same dataset, every file byte for byte ({@link SameDataset}), on every
 * runner and parallelism: Kiln's local runner, the direct runner and the embedded Flink at
 * parallelism 1 and 2, on the samples and on the odd-input collection, in every format.
 */
class RunnerEquivalenceTest {
  @TempDir Path tmp;

  static Path prepare(Path tmp, String name, String... extra) {
    Path out = tmp.resolve(name);
    String[] args = new String[5 + extra.length];
    args[0] = "prepare";
    args[1] = "--input=" + PrepareCommandTest.SAMPLES;
    args[2] = "--output=" + out;
    args[3] = "--shard-size=60000";
    args[4] = "--run-id=" + RUN_ID;
    System.arraycopy(extra, 0, args, 5, extra.length);
    PrepareCommandTest.Run run = PrepareCommandTest.kiln(args);
    assertEquals(0, run.code(), name + ": " + run.err());
    return out;
  }

  @Test
  void everyFileIsIdenticalOnEveryRunnerAtAnyParallelism() throws Exception {
    Path direct = prepare(tmp, "direct", "--runner=direct", "--parallelism=3");
    Path local1 = prepare(tmp, "local1", "--runner=local", "--parallelism=1");
    Path local3 = prepare(tmp, "local3", "--runner=local", "--parallelism=3");
    Path flink1 = prepare(tmp, "flink1", "--runner=flink-local", "--parallelism=1");
    Path flink2 = prepare(tmp, "flink2", "--runner=flink-local", "--parallelism=2");

    assertTrue(Manifest.readFrom(direct).shards().size() > 1, "several shards");
    for (Path other : new Path[] {local1, local3, flink1, flink2}) {
      SameDataset.assertSameFiles(direct, other);
    }
  }

  /**
   * The Avro and Parquet formats' files (Kiln's and WebDataset's: above and below) are the same on
   * every runner; the local runner runs in a JVM of its own, so what depends on a JVM's identity
   * hash codes (Parquet's footers once did) shows up as a difference.
   */
  @Test
  void everyFormatWritesTheSameFilesOnEveryRunnerAndInEveryJvm() throws Exception {
    for (String format : new String[] {"avro", "parquet"}) {
      Path local = prepareInOwnJvm(tmp, "local-" + format, "--format=" + format);
      for (String runner : new String[] {"direct", "flink-local"}) {
        Path other =
            prepare(tmp, runner + "-" + format, "--runner=" + runner, "--format=" + format);
        SameDataset.assertSameFiles(local, other);
      }
    }
  }

  /**
   * The odd-input collection ({@code runners/bench/make-odd-collection.py}: every PngSuite file,
   * odd and broken JPEGs, re-encoded and truncated photographs in a dozen formats, bombs, files
   * that are not inputs) gives the same files, rejects and ignored list included, on every runner.
   */
  @Test
  void theOddInputCollectionGivesTheSameFilesOnEveryRunner() throws Exception {
    Path odd = OddCollection.make(tmp);
    String[] settings = {
      "--input=" + odd, "--shard-size=200000", "--max-reject-fraction=1", "--list-ignored"
    };
    Path local = runInOwnJvm(tmp.resolve("local"), settings);
    Manifest manifest = Manifest.readFrom(local);
    assertTrue(
        manifest.written() > 100 && manifest.rejected() > 100,
        "odd collection: " + manifest.written() + " written, " + manifest.rejected() + " rejected");
    for (String runner : new String[] {"direct", "flink-local"}) {
      Path out = tmp.resolve(runner);
      String[] args = new String[settings.length + 4];
      args[0] = "prepare";
      args[1] = "--output=" + out;
      args[2] = "--runner=" + runner;
      args[3] = "--run-id=" + RUN_ID;
      System.arraycopy(settings, 0, args, 4, settings.length);
      PrepareCommandTest.Run run = PrepareCommandTest.kiln(args);
      assertEquals(0, run.code(), runner + ": " + run.err());
      SameDataset.assertSameFiles(local, out);
    }
  }

  /** One run id for every run a test compares: the manifest records it. */
  static final String RUN_ID = "equivalence";

  /** {@link #prepare}, in a JVM of its own on the {@code local} runner. */
  static Path prepareInOwnJvm(Path tmp, String name, String... extra) throws Exception {
    String[] settings = new String[2 + extra.length];
    settings[0] = "--input=" + PrepareCommandTest.SAMPLES;
    settings[1] = "--shard-size=60000";
    System.arraycopy(extra, 0, settings, 2, extra.length);
    return runInOwnJvm(tmp.resolve(name), settings);
  }

  /**
   * Runs {@code kiln prepare SETTINGS} on the local runner in a JVM of its own into {@code out}.
   */
  static Path runInOwnJvm(Path out, String... settings) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("prepare", "--output=" + out, "--run-id=" + RUN_ID));
    args.addAll(List.of(settings));
    Path log = out.resolveSibling(out.getFileName() + ".log");
    Process process = KilnProcess.start(log, args);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "kiln prepare finished");
    assertEquals(0, process.exitValue(), Files.readString(log));
    return out;
  }

  @Test
  void classFoldersAndMetadataGiveIdenticalBytesOnEveryRunner() throws Exception {
    Path table =
        Files.writeString(
            tmp.resolve("meta.csv"),
            "path,caption,score\nfood/coffee.jpg,\"A cup, \"\"black\"\"\",0.5\nanimals/chelsea.jpg,猫,\n");
    String[] labels = {"--labels=folder", "--metadata=" + table};
    for (String format : new String[] {"kiln", "webdataset"}) {
      Path direct =
          prepare(
              tmp,
              "direct-" + format,
              "--runner=direct",
              "--format=" + format,
              labels[0],
              labels[1]);
      for (String runner : new String[] {"local", "flink-local"}) {
        Path other =
            prepare(
                tmp,
                runner + "-" + format,
                "--runner=" + runner,
                "--format=" + format,
                labels[0],
                labels[1]);
        SameDataset.assertSameFiles(direct, other);
      }
      assertEquals(5, Manifest.readFrom(direct).labels().classes().size());
    }
  }

  @Test
  void hashSplitsGiveIdenticalSplitDatasetsOnLocalAndDirect() throws Exception {
    String split = "--split=hash:train=0.5,val=0.5";
    Path direct = prepare(tmp, "direct", "--runner=direct", split, "--labels=folder");
    Path local = prepare(tmp, "local", "--runner=local", split, "--labels=folder");
    assertArrayEquals(
        Files.readAllBytes(direct.resolve("rejects/rejects.jsonl")),
        Files.readAllBytes(local.resolve("rejects/rejects.jsonl")));
    for (String name : new String[] {"train", "val"}) {
      Manifest expected = Manifest.readFrom(direct.resolve(name));
      assertTrue(expected.written() > 0, name + " has samples");
      assertEquals(expected.shards(), Manifest.readFrom(local.resolve(name)).shards(), name);
      assertEquals(expected.labels(), Manifest.readFrom(local.resolve(name)).labels(), name);
      assertArrayEquals(
          Files.readAllBytes(direct.resolve(name).resolve("index.kidx")),
          Files.readAllBytes(local.resolve(name).resolve("index.kidx")),
          name);
    }
  }

  @Test
  void perObjectFramingFromCocoIsIdenticalOnLocalAndDirect() throws Exception {
    String annotations =
        "--annotations=" + PrepareCommandTest.SAMPLES.resolveSibling("annotations.json");
    Path direct = prepare(tmp, "direct", "--runner=direct", annotations, "--framing=per-object");
    Path local = prepare(tmp, "local", "--runner=local", annotations, "--framing=per-object");
    Manifest expected = Manifest.readFrom(direct);
    assertTrue(
        expected.written() > expected.inputs(),
        "one sample per object: "
            + expected.written()
            + " samples from "
            + expected.inputs()
            + " images");
    assertEquals(expected.shards(), Manifest.readFrom(local).shards(), "names, sizes, SHA-256");
    assertEquals(expected.written(), Manifest.readFrom(local).written());
    assertArrayEquals(
        Files.readAllBytes(direct.resolve("index.kidx")),
        Files.readAllBytes(local.resolve("index.kidx")));
  }

  @Test
  void rejectsDuplicatesAndTheInputListingAreIdenticalOnLocalAndDirect() throws Exception {
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    Files.copy(in.resolve("food/coffee.jpg"), in.resolve("food/coffee.png")); // duplicate key
    Files.write(
        in.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01});
    Files.write(
        in.resolve("notes.png"), "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    Path[] outputs = new Path[2];
    String[] runners = {"local", "direct"};
    for (int i = 0; i < 2; i++) {
      outputs[i] = tmp.resolve(runners[i]);
      PrepareCommandTest.Run run =
          PrepareCommandTest.kiln(
              "prepare",
              "--input=" + in,
              "--output=" + outputs[i],
              "--shard-size=60000",
              "--runner=" + runners[i],
              "--max-reject-fraction=1");
      assertEquals(0, run.code(), runners[i] + ": " + run.err());
      assertTrue(
          run.out().contains("rejected-duplicate-key=2"), runners[i] + " counters: " + run.out());
    }
    Manifest local = Manifest.readFrom(outputs[0]);
    Manifest direct = Manifest.readFrom(outputs[1]);
    assertEquals(direct.shards(), local.shards());
    assertEquals(direct.rejectedByReason(), local.rejectedByReason());
    assertEquals(
        4,
        local.rejected(),
        "two duplicates, a truncated JPEG and a text file: " + local.rejectedByReason());
    assertEquals(direct.inputs(), local.inputs());
    for (String file : new String[] {"rejects/rejects.jsonl", "inputs.jsonl", "index.kidx"}) {
      assertArrayEquals(
          Files.readAllBytes(outputs[1].resolve(file)),
          Files.readAllBytes(outputs[0].resolve(file)),
          file);
    }
  }
}
