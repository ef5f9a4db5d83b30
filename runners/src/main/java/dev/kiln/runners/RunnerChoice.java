package dev.kiln.runners;

import java.util.Locale;
import java.util.Map;

/**
 * Kiln's runners and the Beam options each one means. {@code local} (Kiln's own thread pool, no
 * Beam runner: {@link dev.kiln.runners.local.LocalPrepareRun}), {@code direct} and {@code
 * flink-local} run inside the launcher's JVM; {@code flink} submits to a Flink cluster.
 */
public enum RunnerChoice {
  LOCAL("local", "DirectRunner"),
  DIRECT("direct", "DirectRunner"),
  FLINK_LOCAL("flink-local", "FlinkRunner"),
  FLINK("flink", "FlinkRunner");

  /** The default runner: the fastest on one machine (see README). */
  public static final RunnerChoice DEFAULT = LOCAL;

  private final String flag;
  private final String beamRunner;

  RunnerChoice(String flag, String beamRunner) {
    this.flag = flag;
    this.beamRunner = beamRunner;
  }

  public String flag() {
    return flag;
  }

  /** Whether the job runs in this JVM (so live progress can be shown). */
  public boolean embedded() {
    return this != FLINK;
  }

  /**
   * Kiln's transforms never modify their input elements, so Flink need not copy each element
   * between chained operators.
   */
  private static void fasterCopy(Map<String, String> options) {
    options.putIfAbsent("fasterCopy", "true");
  }

  /** How many workers the job will run on, as a hint for how finely to split work. */
  int parallelism(org.apache.beam.sdk.options.PipelineOptions options) {
    int cores = Runtime.getRuntime().availableProcessors();
    return switch (this) {
      case LOCAL, DIRECT ->
          options.as(org.apache.beam.runners.direct.DirectOptions.class).getTargetParallelism();
      case FLINK_LOCAL, FLINK -> {
        int p =
            options.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class).getParallelism();
        yield p > 0 ? p : (this == FLINK_LOCAL ? cores : 32);
      }
    };
  }

  public static RunnerChoice parse(String value) throws UsageException {
    for (RunnerChoice r : values()) {
      if (r.flag.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new UsageException(
        "--runner=" + value + ": must be one of local, direct, flink-local, flink");
  }

  /**
   * Adds the Beam options for this runner to {@code options} (camelCase name to value).
   *
   * @throws UsageException when {@code flink} is chosen without {@code --flink-master}, without a
   *     built job jar ({@link FlinkJobJar}), or (without {@code --parallelism}) with a master whose
   *     REST API cannot be asked for its slot count
   */
  void apply(Map<String, String> options) throws UsageException {
    options.put("runner", beamRunner);
    switch (this) {
      case LOCAL -> {
        // No Beam runner runs; the Direct runner's options only carry --parallelism (one
        // worker per core unless given), so it is validated like every other option.
        String parallelism = options.remove("parallelism");
        options.put(
            "targetParallelism",
            parallelism != null
                ? parallelism
                : Integer.toString(Runtime.getRuntime().availableProcessors()));
      }
      case DIRECT -> {
        // The Direct runner re-encodes and clones every element to catch bugs in user code;
        // Kiln's coders are deterministic and tested, and the checks cost more than decoding.
        options.putIfAbsent("enforceImmutability", "false");
        options.putIfAbsent("enforceEncodability", "false");
        String parallelism = options.remove("parallelism");
        if (parallelism != null) {
          options.put("targetParallelism", parallelism);
        }
      }
      case FLINK_LOCAL -> {
        options.put("flinkMaster", "[local]");
        fasterCopy(options);
      }
      case FLINK -> {
        String master = options.get("flinkMaster");
        if (master == null || master.isBlank() || master.startsWith("[")) {
          throw new UsageException(
              "--runner=flink needs --flink-master=host:port (the JobManager's REST address)");
        }
        // Without it Beam would stage every jar of the launcher's classpath, Flink's own among
        // them, which clash with the cluster's; the job jar holds exactly what the job needs.
        if (!options.containsKey("filesToStage")) {
          options.put("filesToStage", FlinkJobJar.locate().toString());
        }
        if (!options.containsKey("parallelism")) {
          // Beam would otherwise use the client's parallelism.default (1 without a Flink
          // configuration around ./kiln), leaving all but one slot of the cluster idle.
          int slots;
          try {
            slots = dev.kiln.runners.flink.ClusterOverview.of(master.trim()).slotsTotal();
          } catch (java.io.IOException e) {
            throw new UsageException("--flink-master=" + master + ": " + e.getMessage());
          }
          if (slots < 1) {
            throw new UsageException(
                "--flink-master=" + master + ": the cluster has no TaskManager slots");
          }
          options.put("parallelism", Integer.toString(slots));
        }
        fasterCopy(options);
      }
    }
  }
}
