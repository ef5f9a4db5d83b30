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
 * An existing kiln dataset filtered by its samples' metadata (a minimum size, a subset of classes)
 * and re-sharded into a new one. No image is decoded: samples keep their bytes.
 */
public final class FilterKilnDataset {
  /**
   * {@code --input}, {@code --output}, {@code --minSide}, {@code --classes}, {@code --shardSize}.
   */
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

    @Description(
        "Keep samples of these classes: class names or label ids, comma-separated (empty: all)")
    @Default.String("")
    String getClasses();

    void setClasses(String value);

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
        .apply("Keep matching samples", Filter.by(keep(options.getMinSide(), options.getClasses())))
        .apply(
            "Write dataset",
            KilnIO.write().to(options.getOutput()).withShardSize(options.getShardSize()));
    return pipeline.run();
  }

  /**
   * The predicate: shorter side at least {@code minSide}, and, when {@code classes} names any, a
   * class name or label id among them.
   */
  static SerializableFunction<Sample, Boolean> keep(int minSide, String classes) {
    Set<String> wanted =
        classes.isBlank() ? Set.of() : Set.copyOf(List.of(classes.split("\\s*,\\s*")));
    return s ->
        Math.min(s.width(), s.height()) >= minSide
            && (wanted.isEmpty()
                || (s.className() != null && wanted.contains(s.className()))
                || (s.label() != null && wanted.contains(s.label().toString())));
  }
}
