package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.KilnDataset;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples, run as a user runs them (options from arguments), on the DirectRunner. */
class ExamplesTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();

  @TempDir Path tmp;

  private static <T extends org.apache.beam.sdk.options.PipelineOptions> T options(
      Class<T> type, String... args) {
    String[] all = new String[args.length + 1];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--runner=DirectRunner";
    return PipelineOptionsFactory.fromArgs(all).withValidation().as(type);
  }

  private static Map<String, String> samples(Path dataset) throws Exception {
    Map<String, String> got = new TreeMap<>();
    try (KilnDataset ds = KilnDataset.open(dataset)) {
      for (Sample s : ds) {
        got.put(s.key(), s.width() + "x" + s.height() + " " + s.label() + " " + s.caption());
      }
    }
    return got;
  }

  @Test
  void prepareImagesMakesAVerifiedDatasetOfTheFolder() throws Exception {
    Path out = tmp.resolve("photos");
    PrepareImages.run(
            options(
                PrepareImages.Options.class, "--input=" + SAMPLES, "--output=" + out, "--size=128"))
        .waitUntilFinish();
    assertEquals(List.of(), DatasetVerifier.verify(out));
    Map<String, String> got = samples(out);
    assertEquals(7, got.size(), got.toString());
    got.values().forEach(v -> assertEquals("128x128 null null", v));
  }

  /** A table as a warehouse export has it: key, image bytes, label, caption. */
  private Path table() throws Exception {
    Schema schema =
        SchemaBuilder.record("image")
            .fields()
            .requiredString("key")
            .requiredBytes("image")
            .requiredInt("label")
            .optionalString("caption")
            .endRecord();
    Object[][] rows = {
      {"cats/chelsea", SAMPLES.resolve("animals/chelsea.jpg"), 0, "a cat, \"Chelsea\" — ελληνικά"},
      {"cats/chelsea-rotated", SAMPLES.resolve("animals/chelsea-exif-rotated.jpg"), 0, null},
      {"people/astronaut", SAMPLES.resolve("people/astronaut.jpg"), 1, "an astronaut"},
      {"misc/rocket", SAMPLES.resolve("vehicles/rocket.jpg"), 2, "rocket"},
      {"misc/rocket", SAMPLES.resolve("food/coffee.jpg"), 3, "a key given twice"},
      {"misc/notes", null, 4, "not an image"},
    };
    Path file = tmp.resolve("table.parquet");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ParquetIO.Sink sink = ParquetIO.sink(schema);
      sink.open(channel);
      for (Object[] row : rows) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("key", row[0]);
        byte[] image =
            row[1] == null
                ? "plain text".getBytes(StandardCharsets.UTF_8)
                : Files.readAllBytes((Path) row[1]);
        r.put("image", ByteBuffer.wrap(image));
        r.put("label", row[2]);
        r.put("caption", row[3]);
        sink.write(r);
      }
      sink.flush();
    }
    return file;
  }

  @Test
  void parquetImagesBecomeLabelledSamplesAndFilteringKeepsTheAskedClasses() throws Exception {
    Path labelled = tmp.resolve("labelled");
    ParquetImagesToKiln.run(
            options(
                ParquetImagesToKiln.Options.class,
                "--input=" + table(),
                "--output=" + labelled,
                "--size=64"))
        .waitUntilFinish();
    assertEquals(List.of(), DatasetVerifier.verify(labelled));
    assertEquals(
        Map.of(
            "cats/chelsea",
            "64x64 0 a cat, \"Chelsea\" — ελληνικά",
            "cats/chelsea-rotated",
            "64x64 0 null",
            "people/astronaut",
            "64x64 1 an astronaut"),
        samples(labelled));
    Map<String, String> reasons = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(labelled.resolve("rejects/rejects.jsonl"))) {
      JsonNode r = json.readTree(line);
      reasons.merge(r.get("key").asText(), r.get("reason").asText(), (a, b) -> a + "," + b);
    }
    assertEquals(
        Map.of("misc/rocket", "duplicate-key,duplicate-key", "misc/notes", "not-an-image"),
        reasons);

    Path cats = tmp.resolve("cats");
    FilterKilnDataset.run(
            options(
                FilterKilnDataset.Options.class,
                "--input=" + labelled,
                "--output=" + cats,
                "--classes=0,7"))
        .waitUntilFinish();
    assertEquals(List.of(), DatasetVerifier.verify(cats));
    assertEquals(
        Map.of(
            "cats/chelsea",
            "64x64 0 a cat, \"Chelsea\" — ελληνικά",
            "cats/chelsea-rotated",
            "64x64 0 null"),
        samples(cats));

    Path none = tmp.resolve("none");
    FilterKilnDataset.run(
            options(
                FilterKilnDataset.Options.class,
                "--input=" + labelled,
                "--output=" + none,
                "--minSide=65"))
        .waitUntilFinish();
    assertEquals(List.of(), DatasetVerifier.verify(none));
    assertEquals(Map.of(), samples(none));
  }

  @Test
  void theFilterKeepsSamplesBySizeAndLabelInAPipeline() {
    org.apache.beam.sdk.Pipeline p = dev.kiln.beam.testing.KilnTesting.directPipeline();
    org.apache.beam.sdk.values.PCollection<Sample> samples =
        dev.kiln.beam.testing.KilnTesting.images(p, SAMPLES.resolve("animals"))
            .apply(dev.kiln.beam.NormalizeImages.fromBytes().withSize(40, 30))
            .output();
    dev.kiln.beam.testing.KilnTesting.assertSampleKeys(
        samples.apply(
            "Wide enough",
            org.apache.beam.sdk.transforms.Filter.by(FilterKilnDataset.keep(30, ""))),
        "chelsea",
        "chelsea-exif-rotated");
    dev.kiln.beam.testing.KilnTesting.assertSampleKeys(
        samples.apply(
            "Too narrow",
            org.apache.beam.sdk.transforms.Filter.by(FilterKilnDataset.keep(31, ""))));
    dev.kiln.beam.testing.KilnTesting.assertSampleKeys(
        samples.apply(
            "No such label",
            org.apache.beam.sdk.transforms.Filter.by(FilterKilnDataset.keep(0, "cat"))));
    p.run().waitUntilFinish();
  }
}
