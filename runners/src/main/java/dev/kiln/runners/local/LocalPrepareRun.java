package dev.kiln.runners.local;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.formats.TaskFailure;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.InputListing;
import dev.kiln.pipelines.KeyedInputs;
import dev.kiln.pipelines.PrepareJob;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.pipelines.StagingLayout;
import dev.kiln.pipelines.WriteRejects;
import dev.kiln.pipelines.WriteShards;
import dev.kiln.transforms.beam.InputPreparer;
import dev.kiln.transforms.beam.KilnCounters;
import dev.kiln.transforms.beam.PreviousVersion;
import dev.kiln.transforms.labels.Labeller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.beam.runners.core.metrics.MetricUpdates;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.values.KV;

/**
 * Kiln's {@code local} runner: the prepare job's steps on worker threads in this JVM, without a
 * Beam runner's scheduling. It calls the very functions the Beam job's steps call (listing, {@link
 * KeyedInputs#splitDuplicates}, {@link PreviousVersion#carriedRecord}, {@link InputPreparer},
 * {@link dev.kiln.pipelines.StagedShard}, {@link WriteRejects#write}), so it stages the same
 * dataset, byte for byte, as the Beam job on any runner; {@code StagedDataset.finish} and
 * publishing then run as for the others. What the Beam job's workers leave in the staging directory
 * as part files for finishing to read (the listing, the shards' catalog rows and descriptions) it
 * hands over in memory ({@link StagedParts}), the last shard possibly still completing.
 *
 * <p>Samples travel as their record bytes ({@link EncodedSample}): encoded once when prepared, and
 * a sample carried over from the previous version not at all, its record going from the old shard
 * into the new one as it is (for Kiln shards, copied in the kernel with its neighbours).
 *
 * <p>It works from the launcher's {@link InputListing} rather than listing the inputs again.
 *
 * <p>Why it exists: on one machine the Direct runner's per-bundle and watermark bookkeeping cost
 * more than a small job's images, and it holds every sample in memory. Here the workers pull inputs
 * from a shared counter, prepared samples are parked in a {@link SampleSpill} until the shard count
 * is known, and shards are then written one at a time in hash order, holding one bucket of samples
 * in memory.
 *
 * <p>Counters are Beam metrics as in the Beam job, collected in one metrics container.
 */
public final class LocalPrepareRun {
  private final PrepareJob job;
  private final InputListing listing;
  private final Path staging;
  private final int workers;

  /** Kiln's client for {@code s3://} inputs (one GET each), or null: Beam's file systems. */
  private S3Objects objects;

  /**
   * Fetches of object-storage inputs in flight ahead of the workers, and the bytes they may hold:
   * enough to hide a loopback or in-region GET's latency behind two to eight decoding cores.
   */
  private static final int READ_AHEAD_THREADS = 16;

  private static final long READ_AHEAD_BYTES = 64L << 20;

  private final MetricsContainerImpl metrics = new MetricsContainerImpl("kiln-local");

  /** The previous version's shards when this run shares them, else null (canonical layout). */
  private SharedShards shared;

  private PhaseClock clock = new PhaseClock(System.nanoTime());

  /**
   * @param listing {@code job}'s inputs, as the launcher listed them
   * @param staging the directory the run stages the dataset in
   * @param workers how many images are prepared at once
   */
  public LocalPrepareRun(PrepareJob job, InputListing listing, Path staging, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("--parallelism must be at least 1: " + workers);
    }
    this.job = job;
    this.listing = listing;
    this.staging = staging;
    this.workers = workers;
  }

  /**
   * Makes this incremental run share the previous version's shards ({@link SharedShards}):
   * unchanged samples stay where they are, and only new and changed ones are written, into shards
   * of this run's own. Without it the run writes the canonical layout, carried records copied into
   * it, byte for byte what a full run writes.
   */
  public LocalPrepareRun sharing(SharedShards shards) {
    if (job.previousVersion() == null) {
      throw new IllegalStateException("only an incremental run shares a previous version's shards");
    }
    this.shared = shards;
    return this;
  }

  /**
   * Charges the run's phases to {@code phases} (the launcher's clock, which it prints): keying the
   * inputs and matching them with the previous version to "fingerprint", preparing to "prepare",
   * linking shared shards and writing shards to "write".
   */
  public LocalPrepareRun timedBy(PhaseClock phases) {
    this.clock = phases;
    return this;
  }

  /**
   * What a run gives: its Kiln counters, and the parts it staged for {@link
   * dev.kiln.pipelines.StagedDataset#finish(Path, ShardFormat, Map, String, Path, boolean,
   * StagedParts)}, whose last shard may still be completing.
   */
  public record Outcome(Map<String, Long> counters, StagedParts parts) {}

  /**
   * Reads {@code s3://} inputs through {@code store} with one GET each; Beam's S3 file system sends
   * a HEAD before every GET, and against a server on the same cores that doubles its work.
   */
  public LocalPrepareRun readingObjectsWith(S3Objects store) {
    this.objects = store;
    return this;
  }

  /** Runs the job into the staging directory. */
  public Outcome run() throws IOException, InterruptedException {
    MetricsEnvironment.setCurrentContainer(metrics);
    // The previous version's inputs and index are read on another core while the inputs are
    // keyed here: each takes a tenth of a second or two for ten thousand inputs.
    CompletableFuture<PreviousVersion> opening =
        job.previousVersion() == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(
                () -> PreviousVersion.at(job.previousVersion()), LocalPrepareRun::daemon);
    List<Rejection> rejects = Collections.synchronizedList(new ArrayList<>());
    Map<String, List<MatchResult.Metadata>> byKey = byKey(rejects::add);
    List<KV<String, MatchResult.Metadata>> unique = new ArrayList<>(byKey.size());
    StagedParts parts =
        new StagedParts(KeyedInputs.splitDuplicates(byKey, unique::add, rejects::add));

    PreviousVersion previous = opened(opening);
    if (shared != null) {
      shared.begin(previous);
    }
    try (SampleSpill spill =
        new SampleSpill(
            staging.resolve("_spill"),
            WriteShards::measure,
            previous == null ? null : previous::carried,
            unique.size())) {
      List<KV<String, MatchResult.Metadata>> ordered = slowFirst(unique, previous);
      clock.lap("fingerprint");
      prepareAll(ordered, previous, spill, rejects);
      clock.lap("prepare");
      if (shared != null) {
        shared.stage(previous, Path.of(job.previousVersion()), staging, parts);
      }
      ShardsFromSpill.write(
          spill,
          parts,
          job.format(),
          job.shards(),
          staging,
          shared != null ? shared.ownPrefix() : StagingLayout.SHARD_PREFIX);
      clock.lap("write");
    }
    try {
      if (!rejects.isEmpty()) {
        WriteRejects.write(staging, rejects);
      }
    } catch (IOException | RuntimeException e) {
      parts.awaitShardsQuietly();
      throw e;
    }
    return new Outcome(counters(), parts);
  }

  /** Runs {@code task} on a daemon thread of its own. */
  private static void daemon(Runnable task) {
    DaemonThreads.named("kiln-previous-version").newThread(task).start();
  }

  /** The previous version once opened, its failure thrown as what it was. */
  private static PreviousVersion opened(CompletableFuture<PreviousVersion> opening)
      throws IOException, InterruptedException {
    try {
      return opening.get();
    } catch (ExecutionException e) {
      Throwable cause = TaskFailure.rethrowCause(e);
      throw new IllegalStateException("opening the previous version failed: " + cause, cause);
    }
  }

  /** The launcher's listing, by key; its listing rejections go to {@code rejects}. */
  private Map<String, List<MatchResult.Metadata>> byKey(Consumer<Rejection> rejects) {
    for (Rejection rejection : listing.rejects()) {
      KilnCounters.inputRejected(rejection.reason());
      rejects.accept(rejection);
    }
    listing
        .ignoredByReason()
        .forEach(
            (reason, n) -> {
              KilnCounters.counter(KilnCounters.IGNORED).inc(n);
              KilnCounters.counter(KilnCounters.IGNORED + "-" + reason).inc(n);
            });
    Map<String, List<MatchResult.Metadata>> byKey = new TreeMap<>();
    for (MatchResult.Metadata m : listing.files()) {
      byKey
          .computeIfAbsent(job.inputs().keyOf(m.resourceId().toString()), k -> new ArrayList<>())
          .add(m);
    }
    return byKey;
  }

  /**
   * Prepares (or carries over) every unique input on {@link #workers} threads, in the order of
   * {@code inputs} ({@link #slowFirst}).
   */
  private void prepareAll(
      List<KV<String, MatchResult.Metadata>> inputs,
      PreviousVersion previous,
      SampleSpill spill,
      List<Rejection> rejects)
      throws IOException, InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            workers, r -> new Thread(r, "kiln-worker-" + threads.incrementAndGet()));
    // Inputs on object storage are fetched ahead of the workers; an incremental run, which may
    // carry an input over without reading it, reads its own.
    RemoteReadAhead readAhead =
        previous != null || inputs.isEmpty() || isLocal(inputs.get(0).getValue())
            ? null
            : new RemoteReadAhead(
                inputs.stream().map(kv -> kv.getValue().sizeBytes()).toList(),
                job.limits().maxFileBytes(),
                READ_AHEAD_THREADS,
                READ_AHEAD_BYTES,
                metrics,
                i -> read(inputs.get(i).getValue()));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        running.add(
            pool.submit(
                () -> {
                  MetricsEnvironment.setCurrentContainer(metrics);
                  try (InputPreparer preparer =
                      new InputPreparer(
                          job.settings(), job.limits(), job.framing(), job.labeller())) {
                    for (int i = next.getAndIncrement();
                        i < inputs.size();
                        i = next.getAndIncrement()) {
                      KV<String, MatchResult.Metadata> input = inputs.get(i);
                      if (readAhead == null) {
                        prepareOne(
                            input,
                            () -> read(input.getValue()),
                            previous,
                            preparer,
                            spill,
                            rejects);
                      } else {
                        int index = i;
                        try {
                          prepareOne(
                              input,
                              () -> readAhead.take(index),
                              previous,
                              preparer,
                              spill,
                              rejects);
                        } finally {
                          readAhead.release(index);
                        }
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    } catch (ExecutionException e) {
      next.set(Integer.MAX_VALUE); // the other workers stop after their current input
      Throwable cause = TaskFailure.rethrowCause(e);
      throw new IllegalStateException("a worker failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
      if (readAhead != null) {
        readAhead.close();
      }
      // The spill is closed next: no worker may still be writing into it. Each finishes its
      // current image, which the decode timeout bounds.
      pool.awaitTermination(5, TimeUnit.MINUTES);
    }
  }

  private static boolean isLocal(MatchResult.Metadata file) {
    return file.resourceId().toString().startsWith("/");
  }

  /**
   * The inputs in the order workers take them: for an incremental run, those that need preparing
   * (new, or listed otherwise than the previous version saw them) before those carried over. The
   * cold decoding of the few new images is what an incremental run waits for, so it starts at once,
   * and the quick carried ones fill in beside it; in key order, new images that sort after the old
   * ones (later numbers or dates, as they often do) waited until every carried input was done. The
   * order shows in no output: samples are sorted by key hash, rejections by key.
   */
  private static List<KV<String, MatchResult.Metadata>> slowFirst(
      List<KV<String, MatchResult.Metadata>> unique, PreviousVersion previous) {
    if (previous == null) {
      return unique;
    }
    List<KV<String, MatchResult.Metadata>> ordered = new ArrayList<>(unique.size());
    List<KV<String, MatchResult.Metadata>> carried = new ArrayList<>(unique.size());
    for (KV<String, MatchResult.Metadata> input : unique) {
      MatchResult.Metadata file = input.getValue();
      boolean quick =
          previous.listedAsBefore(
              input.getKey(),
              file.resourceId().toString(),
              file.sizeBytes(),
              file.lastModifiedMillis());
      (quick ? carried : ordered).add(input);
    }
    ordered.addAll(carried);
    return ordered;
  }

  private void prepareOne(
      KV<String, MatchResult.Metadata> input,
      InputPreparer.InputBytes read,
      PreviousVersion previous,
      InputPreparer preparer,
      SampleSpill spill,
      List<Rejection> rejects) {
    String key = input.getKey();
    MatchResult.Metadata file = input.getValue();
    String path = file.resourceId().toString();
    try {
      Labeller.Outcome labelled =
          previous == null
              ? null
              : job.labeller().label(key, InputPreparer.relativePath(key, path));
      if (previous != null && !labelled.rejected()) {
        int carried =
            previous.carriedRecord(key, path, file.sizeBytes(), file.lastModifiedMillis(), read);
        if (carried >= 0) {
          Sample relabelled = previous.relabelled(carried, labelled.fields());
          if (relabelled == null && shared != null) {
            shared.keep(carried); // it stays where it is, in a shard the new version shares
          } else if (relabelled == null) {
            // Its record goes into the new shard as it is, copied from the previous version then.
            spill.addCarried(key, carried, previous.imageLength(carried));
          } else {
            spill.add(EncodedSample.of(relabelled));
          }
          return;
        }
      }
      preparer.prepare(key, path, file.sizeBytes(), read, parkIn(spill), rejects::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot park a prepared sample in " + staging, e);
    }
  }

  /** Parks each prepared sample in the spill, encoded once here. */
  private Consumer<Sample> parkIn(SampleSpill spill) {
    return s -> {
      try {
        spill.add(EncodedSample.of(s));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot park a prepared sample in " + staging, e);
      }
    };
  }

  private byte[] read(MatchResult.Metadata file) throws IOException {
    String path = file.resourceId().toString();
    if (objects != null && S3Location.isS3(path)) {
      return objects.read(S3Location.parse(path));
    }
    return readAll(file);
  }

  private static byte[] readAll(MatchResult.Metadata file) throws IOException {
    String path = file.resourceId().toString();
    if (path.startsWith("/")) {
      return Files.readAllBytes(Path.of(path));
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
      return in.readAllBytes();
    }
  }

  private Map<String, Long> counters() {
    Map<String, Long> values = new TreeMap<>();
    MetricUpdates updates = metrics.getCumulative();
    for (MetricUpdates.MetricUpdate<Long> c : updates.counterUpdates()) {
      if (KilnCounters.NAMESPACE.equals(c.getKey().metricName().getNamespace())) {
        values.merge(c.getKey().metricName().getName(), c.getUpdate(), Long::sum);
      }
    }
    return values;
  }
}
