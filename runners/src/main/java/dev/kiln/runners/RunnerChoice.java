package dev.kiln.runners;

import java.util.Locale;
import java.util.Map;

/**
 * Kiln's three runners and the Beam options each one means. {@code direct} and
 * {@code flink-local} run inside the launcher's JVM; {@code flink} submits to a Flink cluster.
 */
public enum RunnerChoice {
  DIRECT("direct", "DirectRunner"),
  FLINK_LOCAL("flink-local", "FlinkRunner"),
  FLINK("flink", "FlinkRunner");

  /** The default runner: the faster embedded one on the benchmark corpus (see README). */
  public static final RunnerChoice DEFAULT = DIRECT;

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

  public static RunnerChoice parse(String value) throws UsageException {
    for (RunnerChoice r : values()) {
      if (r.flag.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new UsageException("--runner=" + value + ": must be one of direct, flink-local, flink");
  }

  /**
   * Adds the Beam options for this runner to {@code options} (camelCase name to value).
   *
   * @throws UsageException when {@code flink} is chosen without {@code --flink-master}
   */
  void apply(Map<String, String> options) throws UsageException {
    options.put("runner", beamRunner);
    switch (this) {
      case DIRECT -> {
        String parallelism = options.remove("parallelism");
        if (parallelism != null) {
          options.put("targetParallelism", parallelism);
        }
      }
      case FLINK_LOCAL -> options.put("flinkMaster", "[local]");
      case FLINK -> {
        String master = options.get("flinkMaster");
        if (master == null || master.isBlank() || master.startsWith("[")) {
          throw new UsageException("--runner=flink needs --flink-master=host:port (the JobManager's REST address)");
        }
      }
    }
  }
}
