package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.pipelines.DeclaredSetting;
import dev.kiln.pipelines.PrepareOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.util.construction.PipelineOptionsTranslation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

/**
 * A local run's settings are read without Beam's PipelineOptionsFactory: they must mean exactly
 * what Beam reads them as, and every mistake must get Beam's message.
 */
class PrepareArgumentsTest {
  @TempDir Path tmp;

  static List<String> args(String... extra) {
    List<String> args = new ArrayList<>(List.of("--input=/in", "--output=/out"));
    args.addAll(List.of(extra));
    return args;
  }

  /** Parses with and without Beam; both must agree on every setting. */
  static PrepareArguments parsedBothWays(List<String> args) throws UsageException {
    PrepareArguments withoutBeam = PrepareArguments.parse(args);
    PrepareArguments beam = PrepareArguments.parse(args, false);
    assertFalse(beam.readWithoutBeam());
    assertEquals(
        PrepareCommand.settingsOf(beam.options()),
        PrepareCommand.settingsOf(withoutBeam.options()),
        "settings of " + args);
    assertEquals(beam.parallelism(), withoutBeam.parallelism(), "parallelism of " + args);
    assertEquals(beam.runner(), withoutBeam.runner());
    assertEquals(beam.settings(), withoutBeam.settings());
    return withoutBeam;
  }

  @Test
  void localRunsOfKilnSettingsAreReadWithoutBeamAndMeanTheSame() throws Exception {
    Path config = tmp.resolve("conf.yaml");
    Files.writeString(
        config,
        "size: 64\nquality: 80\nincremental: true\nmax-reject-fraction: 0.5\n"
            + "extensions: [jpg, png]\nannotations: voc\n");
    List<List<String>> cases =
        List.of(
            args(),
            args("--runner=local"),
            args(
                "--size=32x48",
                "--quality=75",
                "--encode=png",
                "--keep-alpha",
                "--linear-light=false"),
            args(
                "--shard-size=60000",
                "--align=0",
                "--max-pixels=12345678901",
                "--decode-timeout=2.5"),
            args("--max-reject-fraction=1e-3", "--margin=0", "--min-box-visibility=-0.25"),
            args("--incremental", "--keep-versions=7", "--run-id=night-1", "--versioned=true"),
            args(
                "--extensions=jpg,png",
                "--annotations=",
                "--framing=per-object",
                "--frameObject=largest"),
            args("--config=" + config, "--quality=90"),
            args("--parallelism=3"),
            args("--maxRejectFraction=0.2", "--noUpscale"),
            // The local runner lists and reads s3:// inputs with Kiln's own client.
            List.of("--input=s3://bucket/photos", "--output=/out"));
    for (List<String> c : cases) {
      PrepareArguments parsed = parsedBothWays(c);
      assertTrue(parsed.readWithoutBeam(), "read without Beam: " + c);
    }
    PrepareOptions o = parsedBothWays(args("--decode-timeout=2.5", "--parallelism=3")).options();
    assertEquals(2.5, o.getDecodeTimeout());
    assertEquals("jpeg", o.getEncode(), "defaults from the declarations");
    assertNull(o.getAnnotations());
    assertEquals(3, PrepareArguments.parse(args("--parallelism=3")).parallelism());
    o.setOutput("/staging");
    assertEquals("/staging", o.getOutput());
  }

  @Test
  void whatOnlyBeamsOptionsAnswerComesFromBeamReadingTheSameSettings() throws Exception {
    PrepareArguments parsed = PrepareArguments.parse(args("--quality=70", "--parallelism=3"));
    assertTrue(parsed.readWithoutBeam());
    PrepareOptions o = parsed.options();
    o.setOutput("/staging");
    // Beam's own option views and properties: Beam's options are made, with the values so far.
    assertEquals(3, o.as(DirectOptions.class).getTargetParallelism());
    assertEquals(DirectRunner.class, o.getRunner());
    o.setJobName("kiln-prepare-x");
    assertEquals("kiln-prepare-x", o.getJobName());
    assertEquals("/staging", o.getOutput());
    assertEquals(
        "/staging", o.as(PrepareOptions.class).getOutput(), "one set of values from then on");
    assertEquals(70, o.as(PrepareOptions.class).getQuality());
    o.setQuality(60);
    assertEquals(60, o.as(PrepareOptions.class).getQuality());
    assertEquals(
        PrepareCommand.settingsOf(
                PrepareArguments.parse(args("--quality=60", "--parallelism=3"), false).options())
            .entrySet()
            .stream()
            .filter(e -> !e.getKey().equals("output"))
            .toList(),
        PrepareCommand.settingsOf(o).entrySet().stream()
            .filter(e -> !e.getKey().equals("output"))
            .toList());
  }

  @Test
  void settingsOnlyBeamReadsGoToBeamAndStillMeanTheSame() throws Exception {
    List<List<String>> cases =
        List.of(
            args("--quality=+80"), // Beam's reading decides what these mean, or that they are wrong
            args("--shard-size=0x1000"),
            args("--keep-alpha=TRUE"),
            args("--decode-timeout=.5"),
            args("--parallelism=2", "--targetParallelism=3"),
            List.of("--input=gs://bucket/photos/*.jpg", "--output=/out"),
            args("--annotations=s3://bucket/coco.json"),
            args("--runner=direct", "--parallelism=2"));
    for (List<String> c : cases) {
      PrepareArguments beam;
      try {
        beam = PrepareArguments.parse(c, false);
      } catch (UsageException e) {
        UsageException same = assertThrows(UsageException.class, () -> PrepareArguments.parse(c));
        assertEquals(e.getMessage(), same.getMessage(), "message for " + c);
        continue;
      }
      PrepareArguments parsed = parsedBothWays(c);
      assertFalse(parsed.readWithoutBeam(), "read by Beam: " + c);
      assertEquals(
          PrepareCommand.settingsOf(beam.options()), PrepareCommand.settingsOf(parsed.options()));
    }
  }

  @Test
  void mistakesReadTheSameWithAndWithoutBeam() throws IOException {
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, "qualty: 80\n");
    List<List<String>> mistakes =
        List.of(
            args("--sizee=256"),
            args("--quality=high"),
            args("--quality=99999999999"),
            args("--shard-size=1.5"),
            args("--max-reject-fraction=lots"),
            args("--incremental=yes"),
            args("--parallelism=many"),
            args("--config=" + typo),
            List.of("--output=/out"),
            List.of("--input=/in"),
            args("--runner=spark"),
            args("--size=1", "--size=2"),
            args("stray"));
    for (List<String> m : mistakes) {
      UsageException beam =
          assertThrows(UsageException.class, () -> PrepareArguments.parse(m, false), m.toString());
      UsageException local =
          assertThrows(UsageException.class, () -> PrepareArguments.parse(m), m.toString());
      assertEquals(beam.getMessage(), local.getMessage(), "message for " + m);
    }
    assertTrue(
        assertThrows(UsageException.class, () -> PrepareArguments.parse(List.of("--output=/out")))
            .getMessage()
            .contains("Missing required value for [--input"));
    assertTrue(
        assertThrows(UsageException.class, () -> PrepareArguments.parse(args("--sizee=256")))
            .getMessage()
            .startsWith("unknown setting --sizee"));
  }

  /** A value of the setting's type other than its default, as a user would write it. */
  private static String otherValue(DeclaredSetting s) {
    Class<?> t = s.type();
    if (s.isSwitch()) {
      return "true";
    } else if (t == int.class || t == Integer.class) {
      return "7";
    } else if (t == long.class) {
      return "123456789012";
    } else if (t == double.class) {
      return "0.25";
    }
    return s.property().equals("kilnRunner") ? "local" : "x-" + s.flag();
  }

  @Test
  void everyDeclaredSettingReadsTheSameWithAndWithoutBeam() throws Exception {
    for (DeclaredSetting s : DeclaredSetting.all()) {
      if (s.required() || s.property().equals("config")) {
        continue; // given in every case below; --config names a file, read in its own test
      }
      String value = otherValue(s);
      for (List<String> c :
          List.of(args("--" + s.flag() + "=" + value), args("--" + s.flag(), value))) {
        if (s.isSwitch() && c.size() == 4) {
          c = args("--" + s.flag());
        }
        PrepareArguments parsed = parsedBothWays(c);
        assertTrue(parsed.readWithoutBeam(), "read without Beam: " + c);
        if (s.recorded()) {
          assertEquals(
              s.property().equals("kilnRunner") ? "local" : value,
              PrepareCommand.settingsOf(parsed.options()).get(s.flag()).replace(".0", ""),
              "value of " + c);
        }
      }
    }
  }

  @Test
  void bothFlagFormsMeanTheSame() throws Exception {
    PrepareArguments spaced =
        PrepareArguments.parse(
            List.of(
                "--input",
                "/in",
                "--output",
                "/out",
                "--quality",
                "70",
                "--keep-alpha",
                "--encode",
                "png",
                "--size",
                "32x48"));
    PrepareArguments joined =
        PrepareArguments.parse(
            List.of(
                "--input=/in",
                "--output=/out",
                "--quality=70",
                "--keep-alpha=true",
                "--encode=png",
                "--size=32x48"));
    assertEquals(
        PrepareCommand.settingsOf(joined.options()), PrepareCommand.settingsOf(spaced.options()));
    assertEquals(70, spaced.options().getQuality());
    // Read by Beam, where PrepareOptions and FlinkPipelineOptions share the one property.
    PrepareArguments flink =
        PrepareArguments.parse(args("--runner", "flink-local", "--parallelism", "2"));
    assertEquals(2, flink.parallelism());
    assertEquals(2, flink.options().getParallelism());
    assertEquals(
        List.of("--input=/in", "--keep-alpha=true", "--overwrite=true", "--max-parallelism=4"),
        PrepareArguments.canonical(
            List.of("--input", "/in", "--keep-alpha", "--overwrite", "--max-parallelism", "4")));
    assertEquals(
        "unexpected argument 'true': settings are written --name=value (see kiln prepare --help)",
        assertThrows(
                UsageException.class,
                () -> PrepareArguments.canonical(List.of("--keep-alpha", "true")))
            .getMessage());
  }

  /**
   * Beam registers its S3 file system for every run, on the launcher and again on each worker, and
   * that asks for a region: unset, Beam's default asks the EC2 instance metadata service, seconds
   * of timeouts off EC2. A Beam run with no location on S3 ships a region in its options, so
   * neither the launcher nor a worker asks; a region the user gives, or a run on S3, is left alone.
   */
  @Test
  void beamRunsWithoutS3ShipARegionSoNoWorkerAsksTheMetadataService() throws Exception {
    PrepareOptions options = PrepareArguments.parse(args("--runner=flink-local")).options();
    String shipped = PipelineOptionsTranslation.toJson(options);
    assertTrue(shipped.contains("\"beam:option:aws_region:v1\": \"us-east-1\""), shipped);
    // A worker reads it from what was shipped, not from a default it would compute.
    assertEquals(
        Region.US_EAST_1,
        PipelineOptionsTranslation.fromJson(shipped).as(S3Options.class).getAwsRegion());

    PrepareOptions given =
        PrepareArguments.parse(args("--runner=direct", "--awsRegion=eu-west-1")).options();
    assertTrue(
        PipelineOptionsTranslation.toJson(given)
            .contains("\"beam:option:aws_region:v1\": \"eu-west-1\""));

    // On S3 the store's settings decide the region (ObjectStoreChecks), not this default.
    PrepareOptions onS3 =
        PrepareArguments.parse(
                List.of("--input=s3://bucket/in", "--output=/out", "--runner=flink-local"))
            .options();
    assertFalse(PipelineOptionsTranslation.toJson(onS3).contains("aws_region"));
  }

  @Test
  void valuesAreConvertedOnlyInFormsBeamReadsAlike() {
    assertEquals(80, KilnOptionValues.convert("80", int.class));
    assertEquals(-3L, KilnOptionValues.convert("-3", long.class));
    assertEquals(0.001, KilnOptionValues.convert("1e-3", double.class));
    assertEquals(30.0, KilnOptionValues.convert("30", double.class));
    assertEquals(Boolean.TRUE, KilnOptionValues.convert("true", boolean.class));
    assertEquals("", KilnOptionValues.convert("", String.class));
    for (String odd : new String[] {"", " 1", "+1", "01", "1.0", "0x10", "2147483648"}) {
      assertNull(KilnOptionValues.convert(odd, int.class), odd);
    }
    for (String odd : new String[] {"", ".5", "5.", "NaN", "Infinity", "1e999", "1,5"}) {
      assertNull(KilnOptionValues.convert(odd, double.class), odd);
    }
    for (String odd : new String[] {"", "True", "yes", "1"}) {
      assertNull(KilnOptionValues.convert(odd, boolean.class), odd);
    }
  }
}
