package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.beam.NormalizeImages;
import dev.kiln.beam.WithRejects;
import dev.kiln.formats.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that change between listing and reading: a file deleted after it was listed is rejected as
 * {@code vanished}; one whose size changed as {@code changed-during-run}; neither is written.
 */
class ChangingInputsTest {
  @TempDir Path tmp;

  static MatchResult.Metadata listed(Path file, long size) {
    return MatchResult.Metadata.builder()
        .setResourceId(FileSystems.matchNewResource(file.toString(), false))
        .setSizeBytes(size)
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(0)
        .build();
  }

  @Test
  void deletedAndRewrittenInputsAreRejectedNotWrittenHalf() throws Exception {
    Path source = PreparePipelineTest.SAMPLES.resolve("food/coffee.jpg");
    Path kept = tmp.resolve("kept.jpg");
    Path deleted = tmp.resolve("deleted.jpg");
    Path rewritten = tmp.resolve("rewritten.jpg");
    Files.copy(source, kept);
    Files.copy(source, deleted);
    Files.copy(source, rewritten);
    long size = Files.size(source);
    MatchResult.Metadata keptMeta = listed(kept, size);
    MatchResult.Metadata deletedMeta = listed(deleted, size);
    MatchResult.Metadata rewrittenMeta = listed(rewritten, size);
    Files.delete(deleted);
    Files.write(rewritten, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    WithRejects<Sample> out =
        p.apply(Create.of(keptMeta, deletedMeta, rewrittenMeta).withCoder(MetadataCoderV2.of()))
            .apply(FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(),
                            new TypeDescriptor<FileIO.ReadableFile>() {}))
                    .via(f -> KV.of(f.getMetadata().resourceId().getFilename(), f)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ReadableFileCoder.of()))
            .apply(NormalizeImages.fromFiles());
    PAssert.that(out.output())
        .satisfies(
            samples -> {
              assertEquals(
                  java.util.List.of("kept.jpg"),
                  StreamSupport.stream(samples.spliterator(), false).map(Sample::key).toList());
              return null;
            });
    PAssert.that(out.rejects())
        .satisfies(
            rejects -> {
              Map<String, String> reasons = new HashMap<>();
              rejects.forEach(r -> reasons.put(r.key(), r.reason()));
              assertEquals(
                  Map.of("deleted.jpg", "vanished", "rewritten.jpg", "changed-during-run"),
                  reasons);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
