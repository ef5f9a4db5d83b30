package dev.kiln.examples;

import dev.kiln.beam.KilnIO;
import dev.kiln.formats.Sample;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * An existing kiln dataset filtered by its samples' metadata (a minimum size, a subset of
 * labels) and re-sharded into a new one. No image is decoded: samples keep their bytes.
 */
public final class FilterKilnDataset {
  /** {@code --input}, {@code --output}, {@code --minSide}, {@code --labels}, {@code --shardSize}. */
  public interface Options extends PipelineOptions {
    @Description("Kiln dataset (or versioned root) to read")
    @Validation.Required
    String getInput();
    void setInput(String value);

    @Description("Dataset directory to publish")
    @Validation.Required
    String getOutput();
    void setOutput(String value);

    @Description("Keep samples whose shorter side has at least this many pixels")
    @Default.Integer(0)
    int getMinSide();
    void setMinSide(int value);

    @Description("Keep samples carrying at least one of these labels (comma-separated; empty: all)")
    @Default.String("")
    String getLabels();
    void setLabels(String value);

    @Description("Target shard size in bytes")
    @Default.Long(256L << 20)
    long getShardSize();
    void setShardSize(long value);
  }

  public static void main(String[] args) {
    run(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class)).waitUntilFinish();
  }

  public static PipelineResult run(Options options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Read dataset", KilnIO.read().from(options.getInput()))
        .apply("Keep matching samples", Filter.by(keep(options.getMinSide(), options.getLabels())))
        .apply("Write dataset",
            KilnIO.write().to(options.getOutput()).withShardSize(options.getShardSize()));
    return pipeline.run();
  }

  /** The predicate: shorter side at least {@code minSide}, and one of {@code labels} if any. */
  static SerializableFunction<Sample, Boolean> keep(int minSide, String labels) {
    Set<String> wanted =
        labels.isBlank() ? Set.of() : Set.copyOf(List.of(labels.split("\\s*,\\s*")));
    return s -> Math.min(s.width(), s.height()) >= minSide
        && (wanted.isEmpty() || s.labels().stream().anyMatch(wanted::contains));
  }
}
