package dev.kiln.beam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.beam.testing.KilnTesting;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KilnIO and WebDatasetIO as a user pipeline uses them, on the DirectRunner. */
class KilnIOTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();

  @TempDir Path tmp;

  /** The sample photographs, plus a text file posing as an image and a key given twice. */
  private Path inputs() throws IOException {
    Path dir = tmp.resolve("in");
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path to = dir.resolve(SAMPLES.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    Files.writeString(dir.resolve("notes.jpg"), "not an image", StandardCharsets.UTF_8);
    Files.copy(SAMPLES.resolve("food/coffee.jpg"), dir.resolve("food/coffee.jpeg"));
    return dir;
  }

  private static Map<String, String> rejectReasons(Path dataset) throws IOException {
    Map<String, String> reasons = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(dataset.resolve("rejects/rejects.jsonl"))) {
      JsonNode r = json.readTree(line);
      reasons.merge(r.get("key").asText(), r.get("reason").asText(), (a, b) -> a + "," + b);
    }
    return reasons;
  }

  @Test
  void writesAVerifiedDatasetWithItsRejectsAndReadsItBack() throws Exception {
    Path out = tmp.resolve("datasets/photos");
    Pipeline p = KilnTesting.directPipeline();
    WithRejects<Sample> prepared =
        KilnTesting.images(p, inputs())
            .apply(RejectDuplicateKeys.create())
            .then("Normalize", NormalizeImages.fromBytes().withSize(64, 48));
    PCollection<String> published =
        prepared.output().apply(KilnIO.write().to(out.toString()).withRejects(prepared.rejects()));
    PAssert.thatSingleton(published).isEqualTo(out.toString());
    p.run().waitUntilFinish();

    assertEquals(List.of(), DatasetVerifier.verify(out));
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(6, manifest.get("counts").get("written").asLong(), manifest.toString());
    assertEquals(
        Map.of("food/coffee", "duplicate-key,duplicate-key", "notes", "not-an-image"),
        rejectReasons(out));
    assertEquals(9, manifest.get("counts").get("inputs").asLong(), "6 written + 3 rejected");
    try (Stream<Path> siblings = Files.list(out.getParent())) {
      assertEquals(List.of(out), siblings.toList(), "no staging directory is left behind");
    }
    try (KilnDataset ds = KilnDataset.open(out)) {
      for (Sample s : ds) {
        assertEquals(64, s.width());
        assertEquals(48, s.height());
      }
    }

    // Read back in ranges of two records: every sample once, as stored.
    Map<String, byte[]> stored = new HashMap<>();
    try (KilnDataset ds = KilnDataset.open(out)) {
      ds.forEach(s -> stored.put(s.key(), s.image()));
    }
    Pipeline read = KilnTesting.directPipeline();
    PCollection<Sample> samples =
        read.apply(KilnIO.read().from(out.toString()).withRecordsPerSplit(2));
    PAssert.that(samples)
        .satisfies(
            all -> {
              List<String> keys = new ArrayList<>();
              for (Sample s : all) {
                keys.add(s.key());
                assertArrayEquals(stored.get(s.key()), s.image(), s.key());
              }
              assertEquals(stored.size(), keys.size(), "each sample once: " + keys);
              assertEquals(stored.keySet(), new java.util.HashSet<>(keys));
              return null;
            });
    read.run().waitUntilFinish();
  }

  @Test
  void theSameSamplesGiveTheSameBytesWhateverTheirOrder() throws Exception {
    Path in = inputs();
    List<KV<String, byte[]>> images = KilnTesting.imagesIn(in);
    images.removeIf(kv -> kv.getKey().equals("notes") || kv.getKey().equals("food/coffee"));
    List<KV<String, byte[]>> reversed = new ArrayList<>(images);
    java.util.Collections.reverse(reversed);
    Path[] outs = {tmp.resolve("a"), tmp.resolve("b")};
    List<List<KV<String, byte[]>>> orders = List.of(images, reversed);
    for (int i = 0; i < 2; i++) {
      Pipeline p = KilnTesting.directPipeline();
      p.apply(
              org.apache.beam.sdk.transforms.Create.of(orders.get(i))
                  .withCoder(
                      org.apache.beam.sdk.coders.KvCoder.of(
                          org.apache.beam.sdk.coders.StringUtf8Coder.of(),
                          org.apache.beam.sdk.coders.ByteArrayCoder.of())))
          .apply(NormalizeImages.fromBytes())
          .output()
          .apply(KilnIO.write().to(outs[i].toString()).withShardSize(100_000));
      p.run().waitUntilFinish();
    }
    List<String> shards = new ArrayList<>();
    try (Stream<Path> files = Files.list(outs[0])) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".kiln"))
          .sorted()
          .forEach(shards::add);
    }
    assertTrue(shards.size() > 1, "several shards: " + shards);
    for (String name : shards) {
      assertArrayEquals(
          Files.readAllBytes(outs[0].resolve(name)),
          Files.readAllBytes(outs[1].resolve(name)),
          name);
    }
    assertArrayEquals(
        Files.readAllBytes(outs[0].resolve("index.kidx")),
        Files.readAllBytes(outs[1].resolve("index.kidx")));
  }

  @Test
  void anExistingDatasetIsKeptUnlessOverwriteIsAsked() throws Exception {
    Path out = tmp.resolve("existing");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "mine");
    Pipeline p = KilnTesting.directPipeline();
    KilnTesting.images(p, SAMPLES.resolve("food"))
        .apply(NormalizeImages.fromBytes())
        .output()
        .apply(KilnIO.write().to(out.toString()));
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    assertTrue(String.valueOf(e.getMessage()).contains("exists"), e.toString());
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertFalse(
          siblings.anyMatch(f -> f.getFileName().toString().contains(".staging-")),
          "staging removed");
    }

    Pipeline again = KilnTesting.directPipeline();
    KilnTesting.images(again, SAMPLES.resolve("food"))
        .apply(NormalizeImages.fromBytes())
        .output()
        .apply(KilnIO.write().to(out.toString()).withOverwrite());
    again.run().waitUntilFinish();
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertEquals(List.of(), DatasetVerifier.verify(out));
  }

  @Test
  void webDatasetShardsHoldEachSamplesImageAndMetadata() throws Exception {
    Path out = tmp.resolve("wds");
    Pipeline p = KilnTesting.directPipeline();
    KilnTesting.images(p, SAMPLES.resolve("animals"))
        .apply(NormalizeImages.fromBytes().withEncoding("png"))
        .output()
        .apply(WebDatasetIO.write().to(out.toString()));
    p.run().waitUntilFinish();
    List<String> members = new ArrayList<>();
    try (var tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            Files.newInputStream(out.resolve("shard-00000.tar")))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        members.add(e.getName());
      }
    }
    assertEquals(4, members.size(), members.toString());
    assertTrue(
        members.containsAll(
            List.of(
                "chelsea.png",
                "chelsea.json",
                "chelsea-exif-rotated.png",
                "chelsea-exif-rotated.json")),
        members.toString());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals("webdataset", manifest.get("format").asText());
  }

  @Test
  void samplesRoundTripThroughAvroRecordsOfKilnsSchema() throws Exception {
    Pipeline p = KilnTesting.directPipeline();
    PCollection<Sample> samples =
        KilnTesting.images(p, SAMPLES.resolve("misc")).apply(NormalizeImages.fromBytes()).output();
    PCollection<Sample> back =
        samples.apply(SampleRecords.toGenericRecords()).apply(SampleRecords.fromGenericRecords());
    PAssert.that(back)
        .satisfies(
            all -> {
              List<String> keys = new ArrayList<>();
              all.forEach(
                  s ->
                      keys.add(
                          s.key() + ":" + s.width() + "x" + s.height() + ":" + s.source().path()));
              java.util.Collections.sort(keys);
              assertEquals(
                  List.of(
                      "camera-gray:256x256:camera-gray",
                      "coffee-cutout-alpha:256x256:coffee-cutout-alpha"),
                  keys);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void samplesWrittenWithBeamsParquetIoReadBackAsTheSameSamples() throws Exception {
    Path dir = tmp.resolve("parquet");
    Pipeline write = KilnTesting.directPipeline();
    KilnTesting.images(write, SAMPLES.resolve("animals"))
        .apply(NormalizeImages.fromBytes())
        .output()
        .apply(SampleRecords.toGenericRecords())
        .apply(
            org.apache.beam.sdk.io.FileIO.<org.apache.avro.generic.GenericRecord>write()
                .via(org.apache.beam.sdk.io.parquet.ParquetIO.sink(SampleRecords.schema()))
                .to(dir.toString())
                .withSuffix(".parquet")
                .withNumShards(1));
    write.run().waitUntilFinish();

    Pipeline read = KilnTesting.directPipeline();
    PCollection<Sample> back =
        read.apply(
                org.apache.beam.sdk.io.parquet.ParquetIO.read(SampleRecords.schema())
                    .from(dir + "/*.parquet"))
            .apply(SampleRecords.fromGenericRecords());
    KilnTesting.assertSamples(
        back, Map.of("chelsea", "256x256", "chelsea-exif-rotated", "256x256"));
    read.run().waitUntilFinish();
  }
}
