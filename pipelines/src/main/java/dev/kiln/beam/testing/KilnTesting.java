package dev.kiln.beam.testing;

import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Helpers for testing a pipeline built from Kiln's transforms on the DirectRunner, in a plain JUnit
 * 5 test (Beam's {@code TestPipeline} is a JUnit 4 rule): a pipeline, images from a folder of test
 * files, and {@code PAssert} checks on samples and rejects whose failures say what was expected and
 * what came.
 *
 * <pre>{@code
 * @Test
 * void normalizesAndRejects(@TempDir Path tmp) {
 *   Pipeline p = KilnTesting.directPipeline();
 *   WithRejects<Sample> out = KilnTesting.images(p, Path.of("src/test/resources/images"))
 *       .apply(NormalizeImages.fromBytes().withSize(128, 128));
 *   KilnTesting.assertSamples(out.output(), Map.of("cat", "128x128", "dog", "128x128"));
 *   KilnTesting.assertRejects(out.rejects(), Map.of("notes", "not-an-image"));
 *   p.run().waitUntilFinish();
 * }
 * }</pre>
 */
public final class KilnTesting {
  private KilnTesting() {}

  /**
   * A pipeline on the DirectRunner, in this JVM. Its options name a region: Beam registers its S3
   * file system for every pipeline, and without one Beam asks the EC2 instance metadata service,
   * 1.2 s of timeouts off EC2; test pipelines read local files.
   */
  public static Pipeline directPipeline() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--awsRegion=us-east-1").create());
  }

  /**
   * Every regular file under {@code dir} as {@code KV(key, bytes)}, keyed as Kiln keys listed
   * files: the path relative to {@code dir}, {@code /}-separated, without the extension.
   */
  public static List<KV<String, byte[]>> imagesIn(Path dir) {
    List<KV<String, byte[]>> images = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        String relative = dir.relativize(f).toString().replace('\\', '/');
        int dot = relative.lastIndexOf('.');
        String key = dot > relative.lastIndexOf('/') ? relative.substring(0, dot) : relative;
        images.add(KV.of(key, Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test images under " + dir, e);
    }
    return images;
  }

  /** {@link #imagesIn} as the pipeline's input collection. */
  public static PCollection<KV<String, byte[]>> images(Pipeline pipeline, Path dir) {
    return pipeline.apply(
        "Test images " + dir.getFileName(),
        Create.of(imagesIn(dir)).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())));
  }

  /**
   * Asserts that {@code samples} are exactly the keys of {@code expected}, each of the size {@code
   * "WxH"} given for it.
   */
  public static void assertSamples(PCollection<Sample> samples, Map<String, String> expected) {
    Map<String, String> wanted = new TreeMap<>(expected);
    PAssert.that(samples)
        .satisfies(
            all -> {
              Map<String, String> got = new TreeMap<>();
              all.forEach(s -> got.put(s.key(), s.width() + "x" + s.height()));
              if (!got.equals(wanted)) {
                throw new AssertionError(
                    "samples (key=WxH): expected " + wanted + " but got " + got);
              }
              return null;
            });
  }

  /** Asserts that {@code samples} hold exactly {@code keys}, whatever their sizes. */
  public static void assertSampleKeys(PCollection<Sample> samples, String... keys) {
    TreeSet<String> wanted = new TreeSet<>(List.of(keys));
    PAssert.that(samples)
        .satisfies(
            all -> {
              TreeSet<String> got = new TreeSet<>();
              all.forEach(s -> got.add(s.key()));
              if (!got.equals(wanted)) {
                throw new AssertionError("sample keys: expected " + wanted + " but got " + got);
              }
              return null;
            });
  }

  /** Asserts that {@code rejects} are exactly the keys of {@code expected}, with those reasons. */
  public static void assertRejects(PCollection<Rejection> rejects, Map<String, String> expected) {
    Map<String, String> wanted = new TreeMap<>(expected);
    PAssert.that(rejects)
        .satisfies(
            all -> {
              Map<String, String> got = new TreeMap<>();
              all.forEach(r -> got.merge(r.key(), r.reason(), (a, b) -> a + "," + b));
              if (!got.equals(wanted)) {
                throw new AssertionError(
                    "rejects (key=reason): expected " + wanted + " but got " + got);
              }
              return null;
            });
  }
}
