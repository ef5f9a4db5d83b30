package dev.kiln.pipelines;

import dev.kiln.formats.Rejection;
import dev.kiln.transforms.beam.RejectionCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes every rejection, sorted by key and path, as JSON lines into the staging directory's {@code
 * _parts/rejects.jsonl}; the launcher moves it to {@code rejects/} and counts reasons.
 */
public final class WriteRejects extends PTransform<PCollection<Rejection>, PCollection<Long>> {
  private final String staging;

  public WriteRejects(String staging) {
    this.staging = staging;
  }

  @Override
  public PCollection<Long> expand(PCollection<Rejection> rejects) {
    return rejects
        .apply("Gather rejects", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), RejectionCoder.of()))
        .apply("Group rejects", GroupByKey.create())
        .apply("Write rejects file", ParDo.of(new WriteFn(staging)));
  }

  static final class WriteFn extends DoFn<KV<Integer, Iterable<Rejection>>, Long> {
    private final String staging;

    WriteFn(String staging) {
      this.staging = staging;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Rejection>> all, OutputReceiver<Long> out)
        throws IOException {
      List<Rejection> rejects = new ArrayList<>();
      all.getValue().forEach(rejects::add);
      Path dir = WorkerStaging.localDir(staging);
      write(dir, rejects);
      WorkerStaging.deliver(dir, staging);
      out.output((long) rejects.size());
    }
  }

  /** Writes {@code rejects}, sorted by key and path, as the staging directory's rejects part. */
  public static void write(Path staging, List<Rejection> rejects) throws IOException {
    List<Rejection> sorted = new ArrayList<>(rejects);
    sorted.sort(Comparator.comparing(Rejection::key).thenComparing(Rejection::path));
    Path target = StagingLayout.rejectsPart(staging);
    Files.createDirectories(target.getParent());
    StagingLayout.writeAtomically(target, sorted.stream().map(Rejection::toJsonLine).toList());
  }
}
