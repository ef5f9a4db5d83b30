package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.webdataset.WebDatasetReader;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.framing.FramingMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Annotations and framing end to end on the DirectRunner over the sample photographs. */
class FramingPipelineTest {
  static final Path SAMPLES = PreparePipelineTest.SAMPLES;
  static final Path ANNOTATIONS =
      Path.of("../samples/annotations.json").toAbsolutePath().normalize();

  /** Every annotation of samples/annotations.json: sample key and its category. */
  static final Map<String, String> PER_OBJECT =
      Map.ofEntries(
          Map.entry("people/astronaut/0", "person"),
          Map.entry("people/astronaut/1", "flag"),
          Map.entry("people/astronaut/2", "helmet"),
          Map.entry("animals/chelsea/0", "cat"),
          Map.entry("animals/chelsea-exif-rotated/0", "cat"),
          Map.entry("food/coffee/0", "cup"),
          Map.entry("food/coffee/1", "spoon"),
          Map.entry("vehicles/rocket/0", "rocket"),
          Map.entry("misc/camera-gray/0", "person"),
          Map.entry("misc/camera-gray/1", "camera"),
          Map.entry("misc/camera-gray/2", "tripod"),
          Map.entry("misc/coffee-cutout-alpha/0", "cup"),
          Map.entry("misc/coffee-cutout-alpha/1", "spoon"));

  @TempDir Path tmp;

  /** Beam's own parsing, so camelCase names; the launcher maps the kebab-case flags onto these. */
  static PrepareOptions options(String... flags) {
    List<String> args = new ArrayList<>(List.of("--input=" + SAMPLES, "--output=unused"));
    args.addAll(List.of(flags));
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(PrepareOptions.class);
  }

  /**
   * Runs the pipeline with the options' image and framing settings; returns each sample's metadata.
   */
  Map<String, JsonNode> run(PrepareOptions o, Path out) throws IOException {
    Files.createDirectories(out);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PreparePipeline.build(
        p,
        PrepareJob.of(InputFiles.of(SAMPLES.toString(), InputFiles.DEFAULT_EXTENSIONS))
            .withSettings(ImageSettings.from(o))
            .withFraming(ImageSettings.framing(o))
            .withFormat(ShardFormat.WEBDATASET),
        out.toString(),
        2);
    p.run().waitUntilFinish();
    Manifest manifest = StagedDataset.finish(out, ShardFormat.WEBDATASET, Map.of(), "test");
    assertEquals(0, manifest.rejected(), "rejected: " + manifest.rejectedByReason());
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> meta = new TreeMap<>();
    for (Map.Entry<String, byte[]> m : WebDatasetReader.members(out).entrySet()) {
      if (m.getKey().endsWith(".json")) {
        JsonNode node = json.readTree(m.getValue());
        meta.put(node.path("key").asText(), node);
      }
    }
    assertEquals(manifest.written(), meta.size());
    return meta;
  }

  @Test
  void perObjectGivesOneSamplePerAnnotationWithItsLabelAndBoxesInTheFrame() throws IOException {
    Map<String, JsonNode> meta =
        run(options("--annotations=" + ANNOTATIONS, "--framing=per-object"), tmp.resolve("out"));
    assertEquals(PER_OBJECT.keySet(), meta.keySet());
    for (Map.Entry<String, JsonNode> e : meta.entrySet()) {
      JsonNode m = e.getValue();
      String label = PER_OBJECT.get(e.getKey());
      assertEquals(List.of(label), strings(m.path("labels")), e.getKey());
      assertEquals(256, m.path("width").asInt());
      assertEquals(256, m.path("height").asInt());
      JsonNode boxes = m.path("boxes");
      assertTrue(boxes.size() >= 1, e.getKey());
      assertEquals(
          label, boxes.get(0).path("label").asText(), "the object's own box first: " + e.getKey());
      for (JsonNode b : boxes) {
        double x0 = b.path("x0").asDouble();
        double y0 = b.path("y0").asDouble();
        double x1 = b.path("x1").asDouble();
        double y1 = b.path("y1").asDouble();
        assertTrue(
            0 <= x0 && x0 < x1 && x1 <= 256 && 0 <= y0 && y0 < y1 && y1 <= 256,
            e.getKey() + " box " + b);
      }
      // The object, with 10 % margin each side, spans the frame along its longer side.
      JsonNode own = boxes.get(0);
      double span =
          Math.max(
              own.path("x1").asDouble() - own.path("x0").asDouble(),
              own.path("y1").asDouble() - own.path("y0").asDouble());
      assertEquals(256 / 1.2, span, 1.5, e.getKey());
    }
  }

  @Test
  void theExifRotatedCatLandsWhereTheUprightCatDoes() throws IOException {
    for (String framing : new String[] {"none", "object-crop", "per-object"}) {
      Map<String, JsonNode> meta =
          run(
              options("--annotations=" + ANNOTATIONS, "--framing=" + framing, "--resize=letterbox"),
              tmp.resolve(framing));
      String suffix = framing.equals("per-object") ? "/0" : "";
      JsonNode upright = meta.get("animals/chelsea" + suffix);
      JsonNode rotated = meta.get("animals/chelsea-exif-rotated" + suffix);
      assertEquals(1, upright.path("boxes").size(), framing);
      assertEquals(1, rotated.path("boxes").size(), framing);
      for (String c : new String[] {"x0", "y0", "x1", "y1"}) {
        assertEquals(
            upright.path("boxes").get(0).path(c).asDouble(),
            rotated.path("boxes").get(0).path(c).asDouble(),
            1.0,
            framing + " " + c);
      }
      assertEquals(List.of("cat"), strings(rotated.path("labels")), framing);
      if (framing.equals("none")) {
        // Letterboxed 451x300 -> 256x170 at y 43: the cat [0, 398) x [0, 300) displayed.
        JsonNode b = upright.path("boxes").get(0);
        assertEquals(0, b.path("x0").asDouble(), 0.01);
        assertEquals(398 * 256 / 451.0, b.path("x1").asDouble(), 0.5);
        assertEquals(43, b.path("y0").asDouble(), 0.01);
        // The astronaut's three objects are all kept, labels sorted.
        assertEquals(
            List.of("flag", "helmet", "person"),
            strings(meta.get("people/astronaut").path("labels")));
      }
    }
  }

  @Test
  void framingOptionsAreValidated() {
    assertEquals(FramingMode.NONE, ImageSettings.framing(options()).mode());
    assertTrue(ImageSettings.framing(options()).annotations().isNone());
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSettings.framing(options("--framing=per-object")));
    assertThrows(
        IllegalArgumentException.class, () -> ImageSettings.framing(options("--framing=crop")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSettings.framing(options("--annotations=" + ANNOTATIONS, "--margin=-1")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ImageSettings.framing(options("--annotations=" + ANNOTATIONS, "--minBoxVisibility=2")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSettings.framing(options("--annotations=" + tmp.resolve("missing.json"))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ImageSettings.framing(
                options("--annotations=" + ANNOTATIONS, "--frameObject=smallest")));
    Framing voc =
        ImageSettings.framing(
            options(
                "--annotations=voc",
                "--framing=object-crop",
                "--frameObject=largest",
                "--margin=0.25"));
    assertEquals(FramingMode.OBJECT_CROP, voc.mode());
    assertEquals(0.25, voc.margin());
    assertEquals("voc", voc.annotations().toString());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
