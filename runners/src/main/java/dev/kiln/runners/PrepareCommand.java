package dev.kiln.runners;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.pipelines.CatalogWriter;
import dev.kiln.pipelines.DeclaredSetting;
import dev.kiln.pipelines.IgnoredFile;
import dev.kiln.pipelines.ImageSettings;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.InputListing;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.LabelSettings;
import dev.kiln.pipelines.LauncherListing;
import dev.kiln.pipelines.PrepareJob;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.pipelines.PreparePipeline;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.runners.local.LocalPrepareRun;
import dev.kiln.runners.local.PhaseClock;
import dev.kiln.runners.local.SharedShards;
import dev.kiln.runners.objectstore.S3RetryMetrics;
import dev.kiln.runners.report.RunRecorder;
import dev.kiln.transforms.beam.PreviousVersion;
import dev.kiln.transforms.prepare.InputLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;

/**
 * {@code kiln prepare}: validates the settings, runs the prepare pipeline into a staging directory,
 * assembles the manifest, publishes the output and prints the summary.
 */
public final class PrepareCommand {
  private final PrintStream out;
  private final PrintStream err;

  public PrepareCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns its exit code. */
  public int run(List<String> args) {
    return run(args, null);
  }

  /**
   * Runs the command for one split of a {@code --split} run ({@link SplitPrepare}), or for the
   * whole input when {@code split} is null; returns its exit code.
   */
  int run(List<String> args, SplitPrepare.Selection split) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(OptionsHelp.prepare());
      return ExitCode.OK;
    }
    long started = System.nanoTime();
    PhaseClock phases = new PhaseClock(started);
    LoggingSetup.startAside();
    PrepareArguments parsed;
    InputFiles inputs;
    PrepareJob job;
    PrepareOptions options;
    InputListing listing;
    LabelSettings labels;
    S3Objects store = null;
    try {
      parsed = PrepareArguments.parse(args);
      options = parsed.options();
      store = ObjectStoreChecks.storeFor(options, !parsed.readWithoutBeam());
      if (split == null && options.getSplit() != null && !options.getSplit().isBlank()) {
        closeQuietly(store); // each split's run makes its own
        return new SplitPrepare(out, err)
            .run(PrepareArguments.canonical(args), options, !parsed.readWithoutBeam());
      }
      inputs =
          InputFiles.of(options.getInput(), options.getExtensions(), options.getKeyExtension());
      if (split != null && split.rule() != null) {
        inputs = inputs.onlySplit(split.rule(), split.name());
      }
      double fraction = options.getMaxRejectFraction();
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new UsageException("--max-reject-fraction=" + fraction + ": must be between 0 and 1");
      }
      double compactThreshold = options.getCompactThreshold();
      if (!(compactThreshold >= 0 && compactThreshold <= 1)) {
        throw new UsageException(
            "--compact-threshold=" + compactThreshold + ": must be between 0 and 1");
      }
      if (options.getShardSize() < 4096) {
        throw new UsageException(
            "--shard-size=" + options.getShardSize() + ": must be at least 4096 bytes");
      }
      job =
          PrepareJob.of(inputs)
              .withSettings(ImageSettings.from(options))
              .withFraming(ImageSettings.framing(options))
              .withFormat(ShardFormat.parse(options.getFormat()))
              .withShards(
                  new ShardOptions(
                      options.getShardSize(),
                      options.getAlign(),
                      ShardOptions.DEFAULT_PARQUET_ROW_GROUP))
              .withLimits(
                  new InputLimits(
                      options.getMaxFileBytes(), Math.round(options.getDecodeTimeout() * 1e9)));
      if (!parsed.readWithoutBeam()) {
        // Beam's file systems as the options configure them. A local run of Kiln settings only
        // has Beam's default, the local file system, which is where its inputs are.
        FileSystems.setDefaultPipelineOptions(options);
      }
      for (String[] location :
          new String[][] {{"--input", options.getInput()}, {"--output", options.getOutput()}}) {
        if (store != null && S3Location.isS3(location[1])) {
          ObjectStoreChecks.checkReachable(store, location[0], location[1]);
        }
      }
      if (options.getIncremental() && !S3Location.isS3(options.getOutput())) {
        // Read on the other core while this one lists: what the listing is compared with.
        PreviousVersion.readInputsAhead(Path.of(options.getOutput()));
      }
      // Listing leaves a core to spare; the catalog, written after the shards, needs parquet-java.
      CatalogWriter.warmUpAside();
      listing = listInputs(inputs, options.getInput(), store);
      phases.lap("listing");
      labels =
          LabelSettings.from(
              options,
              inputs,
              listing.files(),
              split == null ? null : split.classes(),
              split == null || split.rule() != null ? "" : split.name());
      job = job.withLabeller(labels.labeller());
    } catch (UsageException | IllegalArgumentException e) {
      if (store != null) {
        store.close();
      }
      err.println("kiln prepare: " + e.getMessage());
      return ExitCode.USAGE;
    }

    // Everything from here may log through Beam's, Flink's or Parquet's loggers.
    LoggingSetup.awaitReady();
    String runId = options.getRunId().isBlank() ? newRunId() : options.getRunId().trim();
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      err.println(
          "kiln prepare: --run-id=" + runId + ": use letters, digits, '.', '_' and '-' only");
      return ExitCode.USAGE;
    }
    // Read once: the annotations file's digest among them may be a long read.
    Map<String, String> recorded = settingsOf(options);
    ObjectStoreChecks.recordAnnotations(store, options, recorded);
    boolean s3Output = S3Location.isS3(options.getOutput());
    Publication output;
    Path previousVersion = null;
    Path comparedVersion = null;
    SharedShards sharing = null;
    ObjectStoreBase s3Base = null;
    try {
      VersionedOutput root = null;
      if (s3Output) {
        output = ObjectStoreChecks.output(store, options, runId, err, parsed.runner());
        if (options.getIncremental()) {
          s3Base = ObjectStoreBase.current(store, options.getOutput(), runId);
          comparedVersion = s3Base == null ? null : s3Base.forComparing();
        }
      } else if (options.getVersioned()
          || options.getIncremental()
          || DatasetRoot.of(Path.of(options.getOutput())).isVersioned()) {
        root = VersionedOutput.prepare(options.getOutput(), runId, options.getKeepVersions());
        output = root;
        if (options.getIncremental()) {
          comparedVersion = root.currentVersion();
        }
      } else {
        output = OutputDirectory.prepare(options.getOutput(), options.getOverwrite(), runId);
      }
      if (options.getIncremental()) {
        try {
          previousVersion = IncrementalBase.choose(comparedVersion, job.format(), recorded, out);
          if (previousVersion != null) {
            IncrementalBase.reportClassChanges(previousVersion, labels.classes(), out);
            if (UnchangedInputs.nothingChanged(
                inputs, listing, previousVersion, labels, recorded)) {
              phases.lap("fingerprint");
              String name = previousVersion.getFileName().toString();
              out.printf(
                  "kiln: incremental: nothing changed since %s (%d inputs as listed then);"
                      + " nothing written, CURRENT stays at %s%n",
                  name, listing.inputs(), name);
              out.println("kiln: phases: " + phases.line());
              output.discard();
              output.close();
              closeQuietly(s3Base);
              closeQuietly(store);
              return ExitCode.OK;
            }
            phases.lap("fingerprint");
            sharing =
                root != null
                    ? LayoutChoice.choose(previousVersion, root, parsed.runner(), options, out)
                    : LayoutChoice.onObjectStorage(previousVersion, out);
          }
        } catch (IOException | RuntimeException e) {
          output.discard();
          output.close();
          throw e;
        }
      }
    } catch (UsageException e) {
      closeQuietly(s3Base);
      closeQuietly(store);
      err.println("kiln prepare: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (IOException e) {
      closeQuietly(s3Base);
      closeQuietly(store);
      err.println("kiln prepare: --output=" + options.getOutput() + ": " + e.getMessage());
      return ExitCode.USAGE;
    }
    Map<String, String> configuration = configuration(recorded, output);
    options.setOutput(output.staging().toString());
    if (!parsed.readWithoutBeam()) {
      options.setJobName("kiln-prepare-" + runId); // names a Beam job; the local runner runs none
    }

    out.printf(
        "kiln: preparing %d inputs%s from %s on %s -> %s%s%n",
        listing.inputs(),
        listing.ignored() == 0 ? "" : " (" + listing.ignored() + " files ignored)",
        inputs.root(),
        parsed.runner().flag(),
        output.target(),
        previousVersion == null
            ? ""
            : " (incremental, from " + previousVersion.getFileName() + ")");
    Manifest manifest;
    Map<String, Long> counters;
    String published;
    String report;
    StagedParts localParts = null; // the local runner's catalog rows, for the report
    try (Publication held = output;
        ProgressLine progress =
            new ProgressLine(out, listing.inputs(), parsed.runner().embedded(), 5000);
        RunRecorder recorder =
            new RunRecorder(
                parsed.runner().flag(),
                parsed.parallelism(),
                parsed.runner().embedded(),
                ProcessStart.instant(),
                1000)) {
      if (previousVersion != null) {
        // A Beam runner's workers copy a version in the store themselves (PreviousVersion.at);
        // the local runner reads the launcher's copy.
        job =
            job.incrementalFrom(
                s3Base == null
                    ? previousVersion.toString()
                    : parsed.runner() == RunnerChoice.LOCAL
                        ? s3Base.forCarryingOver().toString()
                        : s3Base.location());
      }
      int parallelism = parsed.parallelism();
      if (parsed.runner() == RunnerChoice.LOCAL) {
        LocalPrepareRun run =
            new LocalPrepareRun(job, listing, output.staging(), parallelism)
                .readingObjectsWith(store);
        run.timedBy(phases);
        LocalPrepareRun.Outcome outcome = (sharing == null ? run : run.sharing(sharing)).run();
        counters = outcome.counters();
        localParts = outcome.parts();
        // Handed over in memory; the last shard may still be completing meanwhile.
        manifest =
            StagedDataset.finish(
                output.staging(),
                job.format(),
                configuration,
                KilnVersion.get(),
                comparedVersion,
                previousVersion != null,
                outcome.parts());
        phases.lap("index");
      } else {
        if (S3Location.isS3(job.inputs().root())) {
          // The job reads the inputs this launcher counted and labelled, without listing again.
          String listed = LauncherListing.locationIn(output.workerStaging());
          LauncherListing.write(listing, listed);
          job = job.withInputs(job.inputs().listedIn(listed));
        }
        counters = runBeam(options, job, output, parallelism);
        output.collectWorkerStaging();
        manifest =
            StagedDataset.finish(
                output.staging(),
                job.format(),
                configuration,
                KilnVersion.get(),
                comparedVersion,
                previousVersion != null);
      }
      manifest = manifest.withRun(runId, manifest.changes()).withIgnored(listing.ignoredByReason());
      if (options.getListIgnored()) {
        IgnoredFile.writeAll(output.staging(), listing.ignoredFiles());
      }
      if (!labels.classes().isEmpty() || labels.metadataRows() >= 0) {
        manifest =
            manifest.withLabels(
                manifest
                    .labels()
                    .withClasses(labels.classes())
                    .withMetadata(labels.metadataRows(), labels.rowsWithoutInput()));
      }
      manifest.writeTo(output.staging());
      recorder.close();
      recorder.record(secondsSince(started)).writeTo(output.staging());
      report = RunReportStep.write(output.staging(), output.target(), localParts, err);
      phases.lap("report");
      published = output.publish();
      phases.lap("publish");
    } catch (Exception | Error e) {
      output.discard();
      err.println("kiln prepare: job failed: " + rootMessage(e));
      if (System.getenv("KILN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return ExitCode.FAILED;
    } finally {
      closeQuietly(s3Base);
      closeQuietly(store);
    }
    // Beam's clients (the job's) count into the kiln counters, Kiln's own client (checks, the
    // local runner's reads, publishing) in the store.
    long retries =
        counters.getOrDefault(S3RetryMetrics.COUNTER, 0L) + (store == null ? 0 : store.retries());
    if (retries > 0) {
      // The SDK retried them with backoff; the count says how often the store faltered.
      out.printf("kiln: %d S3 requests retried after transient errors%n", retries);
    }

    if (sharing != null) {
      out.println(sharing.summary());
    }
    if (parsed.runner() == RunnerChoice.LOCAL) {
      // A Beam runner's stages overlap, so only the local runner's phases are told apart.
      out.println("kiln: phases: " + phases.line());
    }
    new RunSummary(manifest, published, secondsSince(started), counters).print(out);
    if (report != null) {
      out.println("kiln: report " + published + "/" + report);
    }
    double rejectedFraction =
        manifest.inputs() == 0 ? 0 : (double) manifest.rejected() / manifest.inputs();
    if (rejectedFraction > options.getMaxRejectFraction()) {
      err.printf(
          "kiln prepare: rejected %d of %d inputs (%.2f%%), more than --max-reject-fraction=%s%n",
          manifest.rejected(),
          manifest.inputs(),
          100 * rejectedFraction,
          options.getMaxRejectFraction());
      return ExitCode.TOO_MANY_REJECTS;
    }
    return ExitCode.OK;
  }

  /** Seconds since the JVM started, or since {@code started} (nanoTime) if that is longer. */
  private static double secondsSince(long started) {
    double seconds = (System.nanoTime() - started) / 1e9;
    double sinceJvmStart =
        (System.currentTimeMillis() - ProcessStart.instant().toEpochMilli()) / 1000.0;
    return Math.max(seconds, sinceJvmStart);
  }

  /** Runs the prepare job on the Beam runner the options name; returns its Kiln counters. */
  private static Map<String, Long> runBeam(
      PrepareOptions options, PrepareJob job, Publication output, int parallelism) {
    Pipeline pipeline = Pipeline.create(options);
    PreparePipeline.build(pipeline, job, output.workerStaging(), parallelism);
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended in state " + state);
    }
    return RunSummary.countersOf(result);
  }

  /** Lists the inputs the job will see, the same way it lists them; none is a usage error. */
  private static InputListing listInputs(InputFiles inputs, String input, S3Objects store)
      throws UsageException {
    InputListing listing;
    try {
      listing =
          store != null && S3Location.isS3(inputs.root())
              ? ObjectStoreInputs.list(store, inputs)
              : InputListing.of(inputs);
    } catch (IOException e) {
      throw new UsageException("--input=" + input + ": cannot list: " + e.getMessage());
    }
    if (listing.inputs() == 0) {
      StringBuilder ignored = new StringBuilder();
      listing
          .ignoredByReason()
          .forEach(
              (reason, n) ->
                  ignored
                      .append(ignored.length() == 0 ? "; " : ", ")
                      .append(n)
                      .append(' ')
                      .append(reason));
      throw new UsageException(
          "--input="
              + input
              + ": no image files found"
              + (ignored.length() == 0 ? "" : ignored + " ignored")
              + " (see --extensions)");
    }
    return listing;
  }

  /** Every Kiln setting's effective value, for the manifest. */
  private static Map<String, String> configuration(
      Map<String, String> settings, Publication output) {
    Map<String, String> conf = new TreeMap<>(settings);
    conf.put("output", output.target().toString());
    return conf;
  }

  /** Every Kiln setting's effective value by its flag name. */
  static Map<String, String> settingsOf(PrepareOptions options) {
    Map<String, String> conf = new TreeMap<>();
    for (DeclaredSetting s : DeclaredSetting.all()) {
      if (!s.recorded()) {
        continue;
      }
      try {
        Object value = s.getter().invoke(options);
        conf.put(s.flag(), value == null ? "" : String.valueOf(value));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read option " + s.property(), e);
      }
    }
    String annotations = options.getAnnotations();
    if (annotations != null
        && annotations.endsWith(".json")
        && Files.isRegularFile(Path.of(annotations))) {
      // Boxes come from the file's content: an edited file at the same path changes samples.
      try {
        conf.put("annotations-sha256", FileDigest.sha256(Path.of(annotations)));
      } catch (IOException e) {
        conf.put("annotations-sha256", "unreadable: " + e.getMessage());
      }
    }
    return conf;
  }

  private static void closeQuietly(S3Objects store) {
    if (store != null) {
      store.close();
    }
  }

  private static void closeQuietly(ObjectStoreBase base) {
    if (base != null) {
      base.close();
    }
  }

  private static String newRunId() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
