package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.webdataset.WebDatasetReader;
import dev.kiln.transforms.image.PrepareSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepare pipeline end to end on the DirectRunner, over real sample photographs. */
class PreparePipelineTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();
  static final Set<String> SAMPLE_KEYS =
      Set.of(
          "animals/chelsea",
          "animals/chelsea-exif-rotated",
          "food/coffee",
          "misc/camera-gray",
          "misc/coffee-cutout-alpha",
          "people/astronaut",
          "vehicles/rocket");

  @TempDir Path tmp;

  @Test
  void inputsAreSplitIntoFewGroupsOnTheDirectRunnerAndManyElsewhere() {
    var direct = PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
    assertEquals(16, PreparePipeline.inputGroups(direct, 2), "a bundle per group: 8 a worker");
    assertEquals(8, PreparePipeline.inputGroups(direct, 0), "at least one worker");
    // Any other runner, Flink's among them, spreads groups over workers by hash.
    var hashing = PipelineOptionsFactory.create();
    hashing.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    assertEquals(128, PreparePipeline.inputGroups(hashing, 2));
    assertEquals(64 * 40, PreparePipeline.inputGroups(hashing, 40));
  }

  static Manifest prepare(Path input, Path staging, PrepareSettings settings, long shardSize)
      throws IOException {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PreparePipeline.build(
        p,
        PrepareJob.of(InputFiles.of(input.toString(), InputFiles.DEFAULT_EXTENSIONS))
            .withSettings(settings)
            .withFormat(ShardFormat.WEBDATASET)
            .withShards(ShardOptions.of(shardSize)),
        staging.toString(),
        2);
    p.run().waitUntilFinish();
    return StagedDataset.finish(staging, ShardFormat.WEBDATASET, Map.of("size", "256"), "test");
  }

  @Test
  void everySampleIsWrittenAs256SquareRgbJpegWithMetadata() throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Manifest manifest = prepare(SAMPLES, out, PrepareSettings.defaults(), 256L << 20);

    assertEquals(SAMPLE_KEYS.size(), manifest.inputs());
    assertEquals(SAMPLE_KEYS.size(), manifest.written());
    assertEquals(0, manifest.rejected());
    assertEquals(1, manifest.shards().size());
    assertTrue(Files.exists(out.resolve("manifest.json")));
    assertTrue(Files.notExists(out.resolve(StagingLayout.PARTS)), "staging parts are cleaned up");

    Map<String, byte[]> members = WebDatasetReader.members(out);
    Set<String> jpgKeys = new TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    for (Map.Entry<String, byte[]> m : members.entrySet()) {
      String name = m.getKey();
      if (name.endsWith(".jpg")) {
        String key = name.substring(0, name.length() - 4);
        jpgKeys.add(key);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(m.getValue()));
        assertNotNull(img, name + " decodes");
        assertEquals(256, img.getWidth(), name);
        assertEquals(256, img.getHeight(), name);
        assertEquals(3, img.getColorModel().getNumComponents(), name + " is RGB");
        JsonNode meta = json.readTree(members.get(key + ".json"));
        assertEquals(key, meta.path("key").asText());
        assertEquals(256, meta.path("width").asInt());
        assertEquals("jpeg", meta.path("encoding").asText());
        assertEquals(64, meta.path("content_hash").asText().length());
      }
    }
    assertEquals(SAMPLE_KEYS, jpgKeys);
    assertEquals(2 * SAMPLE_KEYS.size(), members.size(), "one .jpg and one .json per sample");
  }

  @Test
  void inputsSharingAKeyAreBothRejectedAndNothingIsOverwritten() throws IOException {
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("cats"));
    Files.copy(SAMPLES.resolve("animals/chelsea.jpg"), in.resolve("cats/tom.jpg"));
    Files.copy(SAMPLES.resolve("misc/coffee-cutout-alpha.png"), in.resolve("cats/tom.png"));
    Files.copy(SAMPLES.resolve("food/coffee.jpg"), in.resolve("cup.jpg"));
    Path out = tmp.resolve("out");
    Files.createDirectories(out);

    Manifest manifest = prepare(in, out, PrepareSettings.defaults(), 256L << 20);

    assertEquals(3, manifest.inputs());
    assertEquals(1, manifest.written());
    assertEquals(Map.of("duplicate-key", 2L), manifest.rejectedByReason());
    List<Rejection> rejects =
        Files.readAllLines(out.resolve("rejects/rejects.jsonl"), StandardCharsets.UTF_8).stream()
            .map(Rejection::fromJsonLine)
            .toList();
    assertEquals(2, rejects.size());
    assertEquals(
        Set.of("tom.jpg", "tom.png"),
        rejects.stream()
            .map(r -> Path.of(r.path()).getFileName().toString())
            .collect(Collectors.toSet()));
    assertTrue(rejects.stream().allMatch(r -> r.key().equals("cats/tom")));
    assertEquals(Set.of("cup.jpg", "cup.json"), WebDatasetReader.members(out).keySet());
  }

  @Test
  void smallShardSizeSpreadsSamplesOverSeveralShardsDeterministically() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Files.createDirectories(a);
    Files.createDirectories(b);
    Manifest first = prepare(SAMPLES, a, PrepareSettings.defaults(), 40_000);
    Manifest second = prepare(SAMPLES, b, PrepareSettings.defaults(), 40_000);

    assertTrue(first.shards().size() > 1, "several shards: " + first.shards());
    assertEquals(first.shards(), second.shards(), "same names, sizes and SHA-256 on a re-run");
    assertEquals(first.inputFingerprint(), second.inputFingerprint());
    assertEquals(SAMPLE_KEYS.size(), first.shards().stream().mapToLong(s -> s.samples()).sum());
  }
}
