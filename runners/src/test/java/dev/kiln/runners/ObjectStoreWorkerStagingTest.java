package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.ImageSettings;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.PrepareJob;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.pipelines.PreparePipeline;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The prepare job's workers staging into an {@code s3://} prefix (as on a Flink cluster without a
 * shared filesystem), on the DirectRunner against a real s3proxy: the prefix receives the shards,
 * their descriptions and catalog parts, the listing and the rejects, and the spilled samples; the
 * launcher collects all but the spill objects and removes the prefix; the dataset finished from
 * them holds the bytes of a {@code --runner=local} run's.
 */
class ObjectStoreWorkerStagingTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  @TempDir Path tmp;

  @Test
  void workersStagingInTheStoreFinishToTheBytesOfALocalRun() throws Exception {
    S3.createBucket("kiln-staging");
    Path local = tmp.resolve("local");
    PrepareCommandTest.Run reference =
        PrepareCommandTest.kiln(
            "prepare",
            "--input=" + input(),
            "--output=" + local,
            "--shard-size=60000",
            "--max-reject-fraction=0.5");
    assertEquals(0, reference.code(), reference.err());

    try (S3Objects store = S3.store()) {
      OutputDirectory output =
          OutputDirectory.prepare(tmp.resolve("out").toString(), false, "test");
      ObjectStoreWorkerStaging staging =
          ObjectStoreWorkerStaging.of(store, output, "s3://kiln-staging/datasets/cats", "test");
      assertEquals("s3://kiln-staging/datasets/.cats.staging-test", staging.workerStaging());
      run(staging.workerStaging());

      List<String> staged = new ArrayList<>();
      for (S3Object o : store.list(S3Location.parse(staging.workerStaging()))) {
        staged.add(o.key().substring("datasets/.cats.staging-test/".length()));
      }
      for (String expected :
          List.of(
              "shard-00000.kiln",
              "_parts/shard-00000.json",
              "_parts/catalog-00000.part",
              "_parts/rejects.jsonl")) {
        assertTrue(staged.contains(expected), expected + " in " + staged);
      }
      assertTrue(staged.stream().anyMatch(k -> k.startsWith("_parts/listing-")), "" + staged);
      assertTrue(staged.stream().anyMatch(k -> k.startsWith("_parts/spill/")), "" + staged);

      staging.collectWorkerStaging();
      assertEquals(
          List.of(),
          store.list(S3Location.parse(staging.workerStaging())),
          "the prefix is removed");
      Path collected = staging.staging();
      assertTrue(Files.notExists(collected.resolve("_parts/spill")), "spill objects stay behind");
      StagedDataset.finish(collected, ShardFormat.KILN, Map.of(), KilnVersion.get());
      Manifest expected = Manifest.readFrom(local);
      Manifest actual = Manifest.readFrom(collected);
      assertTrue(expected.shards().size() >= 3, "several shards: " + expected.shards());
      assertEquals(expected.shards(), actual.shards(), "the same shard files (SHA-256s)");
      assertEquals(expected.inputs(), actual.inputs());
      assertEquals(expected.inputFingerprint(), actual.inputFingerprint());
      for (String name : List.of("index.kidx", "inputs.jsonl", "rejects/rejects.jsonl")) {
        assertEquals(
            Files.readString(local.resolve(name), java.nio.charset.StandardCharsets.ISO_8859_1),
            Files.readString(collected.resolve(name), java.nio.charset.StandardCharsets.ISO_8859_1),
            name);
      }
      output.discard();
      output.close();
    }
  }

  @Test
  void aFailedRunRemovesWhatItsWorkersStaged() throws Exception {
    S3.createBucket("kiln-failed");
    try (S3Objects store = S3.store()) {
      OutputDirectory output = OutputDirectory.prepare(tmp.resolve("out").toString(), false, "f");
      ObjectStoreWorkerStaging staging =
          ObjectStoreWorkerStaging.of(store, output, "s3://kiln-failed/cats", "f");
      assertEquals("s3://kiln-failed/.cats.staging-f", staging.workerStaging());
      S3Location prefix = S3Location.parse(staging.workerStaging());
      store.putString(prefix.resolve("shard-00000.kiln"), "what a worker uploaded");
      store.putString(prefix.resolve("_parts/shard-00000.json"), "{}");
      staging.discard();
      staging.close();
      assertEquals(List.of(), store.list(prefix), "the workers' objects are removed");
      assertTrue(Files.notExists(staging.staging()), "the launcher's staging directory too");
      // At the bucket's top level the prefix is named after Kiln.
      assertEquals(
          "s3://kiln-failed/.kiln.staging-f",
          ObjectStoreWorkerStaging.of(store, output, "s3://kiln-failed", "f").workerStaging());
    }
  }

  /** The samples and a file that is no image. */
  private Path input() throws Exception {
    Path input = tmp.resolve("input");
    if (Files.notExists(input)) {
      copyTree(PrepareCommandTest.SAMPLES, input);
      Files.writeString(input.resolve("notes.jpg"), "not an image");
    }
    return input;
  }

  /** The prepare job on the DirectRunner over {@link #input} into {@code staging}. */
  private void run(String staging) throws Exception {
    Path input = input();
    PrepareOptions options =
        PrepareArguments.parse(
                List.of(
                    "--input=" + input,
                    "--output=s3://kiln-staging/datasets/cats",
                    "--runner=direct",
                    "--shard-size=60000",
                    S3.endpointFlag()))
            .options();
    ObjectStoreChecks.storeFor(options, true)
        .close(); // sets up Beam's S3 file system as a run does
    Pipeline pipeline = Pipeline.create(options);
    PrepareJob job =
        PrepareJob.of(
                InputFiles.of(
                    options.getInput(), options.getExtensions(), options.getKeyExtension()))
            .withSettings(ImageSettings.from(options))
            .withShards(
                new ShardOptions(
                    options.getShardSize(),
                    options.getAlign(),
                    ShardOptions.DEFAULT_PARQUET_ROW_GROUP));
    PreparePipeline.build(pipeline, job, staging, 2);
    PipelineResult result = pipeline.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    assertEquals(7L, RunSummary.countersOf(result).get("written"));
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
