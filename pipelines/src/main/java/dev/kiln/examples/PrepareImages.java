package dev.kiln.examples;

import dev.kiln.beam.KilnIO;
import dev.kiln.beam.ListImages;
import dev.kiln.beam.NormalizeImages;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation.Required;

/** Kiln's prepare job from its public transforms: a folder of images to a kiln dataset. */
public final class PrepareImages {
  /** {@code --input}, {@code --output}, {@code --size}, and any runner's options. */
  public interface Options extends PipelineOptions {
    @Description("Directory (read recursively) or glob of image files")
    @Required
    String getInput();

    void setInput(String value);

    @Description("Dataset directory to publish")
    @Required
    String getOutput();

    void setOutput(String value);

    @Description("Side of the square samples, in pixels")
    @Default.Integer(256)
    int getSize();

    void setSize(int value);
  }

  public static void main(String[] args) {
    run(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class)).waitUntilFinish();
  }

  public static PipelineResult run(Options options) {
    Pipeline pipeline = Pipeline.create(options);
    var samples =
        pipeline
            .apply("List images", ListImages.in(options.getInput()))
            .then(
                "Normalize",
                NormalizeImages.fromFiles().withSize(options.getSize(), options.getSize()));
    samples
        .output()
        .apply(
            "Write dataset", KilnIO.write().to(options.getOutput()).withRejects(samples.rejects()));
    return pipeline.run();
  }
}
