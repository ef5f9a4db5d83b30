package dev.kiln.beam;

import dev.kiln.formats.Rejection;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a Kiln transform gives: its elements ({@link #output()}) and the dead-letter output ({@link
 * #rejects()}), in which every input that did not make it carries its key, path, the stage and the
 * reason why. Nothing is dropped silently: each input leaves through one of the two.
 *
 * <pre>{@code
 * WithRejects<Sample> prepared = images.apply(NormalizeImages.fromBytes().withSize(128, 128));
 * prepared.output().apply(KilnIO.write().to("/data/out").withRejects(prepared.rejects()));
 * }</pre>
 *
 * @param <T> the type of the elements that made it
 */
public final class WithRejects<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> outputTag;
  private final PCollection<T> output;
  private final TupleTag<Rejection> rejectsTag;
  private final PCollection<Rejection> rejects;

  private WithRejects(
      Pipeline pipeline,
      TupleTag<T> outputTag,
      PCollection<T> output,
      TupleTag<Rejection> rejectsTag,
      PCollection<Rejection> rejects) {
    this.pipeline = pipeline;
    this.outputTag = outputTag;
    this.output = output;
    this.rejectsTag = rejectsTag;
    this.rejects = rejects;
  }

  /** The two outputs of a multi-output {@code ParDo}, under their tags. */
  static <T> WithRejects<T> of(
      PCollectionTuple tuple, TupleTag<T> outputTag, TupleTag<Rejection> rejectsTag) {
    return new WithRejects<>(
        tuple.getPipeline(), outputTag, tuple.get(outputTag), rejectsTag, tuple.get(rejectsTag));
  }

  /** Two collections of one pipeline as a result. */
  static <T> WithRejects<T> of(PCollection<T> output, PCollection<Rejection> rejects) {
    return new WithRejects<>(
        output.getPipeline(), new TupleTag<>("output"), output, new TupleTag<>("rejects"), rejects);
  }

  /** The elements that made it. */
  public PCollection<T> output() {
    return output;
  }

  /** The dead-letter output: one {@link Rejection} per input that did not make it. */
  public PCollection<Rejection> rejects() {
    return rejects;
  }

  /**
   * Applies {@code transform} to the output and adds its rejects to these: a chain of Kiln steps
   * keeps one dead-letter collection.
   */
  public <U> WithRejects<U> then(
      String name, PTransform<PCollection<T>, WithRejects<U>> transform) {
    WithRejects<U> next = output.apply(name, transform);
    PCollection<Rejection> all =
        org.apache.beam.sdk.values.PCollectionList.of(rejects)
            .and(next.rejects())
            .apply(name + " rejects", org.apache.beam.sdk.transforms.Flatten.pCollections())
            .setCoder(rejects.getCoder());
    return of(next.output(), all);
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(outputTag, output, rejectsTag, rejects);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
