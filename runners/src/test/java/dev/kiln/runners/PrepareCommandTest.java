package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln prepare} as a user runs it: exit codes, messages, and what lands on disk. */
class PrepareCommandTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Kiln.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void versionNamesTheJpegDecoderEncoderAndResamplerInUse() {
    Run run = kiln("--version");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("kiln "), run.out());
    assertTrue(
        run.out().contains("jpeg decoding: libturbojpeg")
            || run.out().contains("jpeg decoding: ImageIO (libturbojpeg not used: "),
        run.out());
    assertTrue(
        run.out().contains("jpeg encoding: libjpeg (called directly)")
            || run.out().contains("jpeg encoding: ImageIO (libjpeg not called directly: "),
        run.out());
    assertTrue(
        run.out().contains("resampling: C (libkilnresample)")
            || run.out().contains("resampling: Java (libkilnresample not used: "),
        run.out());
  }

  @Test
  void preparesTheSamplesIntoWebDatasetTarsThatPythonTarfileReads() throws Exception {
    Path output = tmp.resolve("dataset");
    Run run =
        kiln(
            "prepare",
            "--input=" + SAMPLES,
            "--output=" + output,
            "--format=webdataset",
            "--size=256");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("7 inputs, 7 written, 0 rejected"), run.out());
    assertTrue(Files.exists(output.resolve("shard-00000.tar")));
    assertEquals(7, Manifest.readFrom(output).written());

    Process python =
        new ProcessBuilder(
                "python3",
                Path.of("src/test/resources/read_webdataset.py").toString(),
                output.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, python.waitFor(), printed);
    List<JsonNode> samples = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : printed.strip().split("\n")) {
      samples.add(json.readTree(line));
    }
    assertEquals(7, samples.size(), printed);
    for (JsonNode s : samples) {
      assertEquals("[\"jpg\",\"json\"]", s.path("exts").toString(), s.toString());
      assertTrue(s.path("jpeg").asBoolean(), s.toString());
      assertEquals(s.path("key").asText(), s.path("meta_key").asText());
      assertEquals(256, s.path("width").asInt());
      assertEquals(256, s.path("height").asInt());
    }
  }

  @Test
  void settingsWithoutACommandWordMeanPrepare() throws IOException {
    Path output = tmp.resolve("dataset");
    Run run = kiln("--input=" + SAMPLES, "--output=" + output, "--runId=airflow-1");
    assertEquals(0, run.code(), run.err());
    assertEquals("airflow-1", Manifest.readFrom(output).runId());
  }

  @Test
  void misspelledFlagIsExit2NamingItAndWritesNothing() throws IOException {
    Path output = tmp.resolve("dataset");
    Run run = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--sizee=256");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--sizee"), run.err());
    assertEquals(1, run.err().strip().lines().count(), "one clear line: " + run.err());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count(), "nothing written");
    }
  }

  @Test
  void badValuesAndMissingInputsAreExit2NamingTheFlag() {
    Path output = tmp.resolve("dataset");
    Run size = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--size=big");
    assertEquals(2, size.code());
    assertTrue(size.err().contains("--size=big"), size.err());

    Run input = kiln("prepare", "--input=" + tmp.resolve("nope"), "--output=" + output);
    assertEquals(2, input.code());
    assertTrue(input.err().contains("--input="), input.err());

    Run runner = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--runner=spark");
    assertEquals(2, runner.code());
    assertTrue(runner.err().contains("--runner=spark"), runner.err());

    Run flink = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--runner=flink");
    assertEquals(2, flink.code());
    assertTrue(flink.err().contains("--flink-master"), flink.err());
    assertFalse(Files.exists(output));
  }

  @Test
  void configFileSettingsApplyAndFlagsOverrideThem() throws IOException {
    Path output = tmp.resolve("dataset");
    Path config = tmp.resolve("conf.yaml");
    Files.writeString(
        config, "input: " + SAMPLES + "\noutput: " + output + "\nsize: 64\nquality: 80\n");
    Run run = kiln("prepare", "--config=" + config, "--size=32x48");
    assertEquals(0, run.code(), run.err());
    Manifest m = Manifest.readFrom(output);
    assertEquals("32x48", m.configuration().get("size"));
    assertEquals("80", m.configuration().get("quality"));

    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "input: " + SAMPLES + "\nqualty: 80\n");
    Run typo = kiln("prepare", "--config=" + bad, "--output=" + tmp.resolve("other"));
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("--qualty") && typo.err().contains(bad.toString()), typo.err());
  }

  @Test
  void keepAlphaWithJpegIsExit2NamingBothFlagsAndWritesNothing() throws IOException {
    Path output = tmp.resolve("dataset");
    // --encode defaults to jpeg: the message names it even when it was not given.
    Run flag = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--keep-alpha");
    assertEquals(2, flag.code(), flag.out() + flag.err());
    assertTrue(
        flag.err().contains("--keep-alpha") && flag.err().contains("--encode=jpeg"), flag.err());
    assertEquals(1, flag.err().strip().lines().count(), "one clear line: " + flag.err());

    Path config = tmp.resolve("conf.yaml");
    Files.writeString(config, "keep-alpha: true\nencode: jpeg\n");
    Run yaml = kiln("prepare", "--config=" + config, "--input=" + SAMPLES, "--output=" + output);
    assertEquals(2, yaml.code(), yaml.out() + yaml.err());
    assertTrue(
        yaml.err().contains("--keep-alpha") && yaml.err().contains("--encode=jpeg"), yaml.err());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(config), left.toList(), "nothing written");
    }
  }

  @Test
  void keepAlphaAndLinearLightGoFromTheConfigFileIntoTheManifestAndTheSamples() throws IOException {
    Path output = tmp.resolve("dataset");
    Path config = tmp.resolve("conf.yaml");
    Files.writeString(
        config,
        "input: "
            + SAMPLES
            + "\noutput: "
            + output
            + "\nsize: 64\nencode: png\nkeep-alpha: true\nlinear-light: true\n");
    Run run = kiln("prepare", "--config=" + config);
    assertEquals(0, run.code(), run.err());
    Manifest m = Manifest.readFrom(output);
    assertEquals("true", m.configuration().get("keep-alpha"));
    assertEquals("true", m.configuration().get("linear-light"));
    try (KilnDataset ds = KilnDataset.open(output)) {
      Sample cutout = ds.get("misc/coffee-cutout-alpha");
      assertEquals(4, cutout.channels());
      assertEquals(6, cutout.image()[25], "RGBA PNG");
      assertEquals("rgba", cutout.source().colourModel());
      Sample coffee = ds.get("food/coffee");
      assertEquals(3, coffee.channels(), "an image without alpha stays RGB");
      assertEquals(2, coffee.image()[25], "RGB PNG");
    }
    Run inspect = kiln("inspect", output.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("keep-alpha=true linear-light=true"), inspect.out());

    Path plain = tmp.resolve("plain");
    assertEquals(0, kiln("prepare", "--input=" + SAMPLES, "--output=" + plain, "--size=32").code());
    assertEquals("false", Manifest.readFrom(plain).configuration().get("keep-alpha"));
    assertEquals("false", Manifest.readFrom(plain).configuration().get("linear-light"));
  }

  @Test
  void existingOutputIsRefusedWithoutOverwriteAndReplacedWithIt() throws IOException {
    Path output = tmp.resolve("dataset");
    Files.createDirectories(output);
    Files.writeString(output.resolve("old-file"), "from an earlier run");
    Run refused = kiln("prepare", "--input=" + SAMPLES, "--output=" + output);
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("--overwrite"), refused.err());
    assertTrue(Files.exists(output.resolve("old-file")));

    Run replaced = kiln("prepare", "--input=" + SAMPLES, "--output=" + output, "--overwrite");
    assertEquals(0, replaced.code(), replaced.err());
    assertFalse(Files.exists(output.resolve("old-file")), "outputs of two runs are never mixed");
    assertTrue(Files.exists(output.resolve("manifest.json")));
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertEquals(List.of(output), siblings.toList(), "no staging or replaced directories left");
    }
  }

  @Test
  void tooManyRejectsIsExit3ButTheOutputIsPublished() throws IOException {
    Path input = tmp.resolve("in");
    Files.createDirectories(input);
    Files.copy(SAMPLES.resolve("food/coffee.jpg"), input.resolve("coffee.jpg"));
    Files.writeString(input.resolve("notes.jpg"), "<html>not an image</html>");
    Path output = tmp.resolve("dataset");
    Run run =
        kiln("prepare", "--input=" + input, "--output=" + output, "--max-reject-fraction=0.4");
    assertEquals(3, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("--max-reject-fraction"), run.err());
    Manifest m = Manifest.readFrom(output);
    assertEquals(2, m.inputs());
    assertEquals(1, m.written());
    assertEquals(1, m.rejected());

    Run tolerated =
        kiln(
            "prepare",
            "--input=" + input,
            "--output=" + output,
            "--overwrite",
            "--max-reject-fraction=0.5");
    assertEquals(0, tolerated.code(), tolerated.err());
  }
}
