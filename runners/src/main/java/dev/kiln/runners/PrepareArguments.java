package dev.kiln.runners;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.pipelines.DeclaredSetting;
import dev.kiln.pipelines.LocalInputWalker;
import dev.kiln.pipelines.OptionNames;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.runners.objectstore.BeamObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Turns {@code kiln prepare} arguments into {@link PrepareOptions}: flags in kebab or camel case,
 * settings from {@code --config} (flags win), the Kiln runner translated to Beam's, and every other
 * {@code --name=value} passed through to Beam's PipelineOptions. Any unknown or malformed setting
 * is a {@link UsageException} naming it and where it came from.
 *
 * <p>A run on the local runner whose settings are all Kiln's is read without Beam ({@link
 * KilnOptionValues}); any other is read by Beam's PipelineOptionsFactory.
 */
public final class PrepareArguments {
  private static final Pattern MISSING_PROPERTY = Pattern.compile("property named '([^']+)'");

  private final PrepareOptions options;
  private final boolean readWithoutBeam;
  private final RunnerChoice runner;
  private final int parallelism;
  private final Map<String, String> settings;

  private PrepareArguments(
      PrepareOptions options,
      boolean readWithoutBeam,
      RunnerChoice runner,
      int parallelism,
      Map<String, String> settings) {
    this.options = options;
    this.readWithoutBeam = readWithoutBeam;
    this.runner = runner;
    this.parallelism = parallelism;
    this.settings = settings;
  }

  public PrepareOptions options() {
    return options;
  }

  /**
   * Whether the settings were read without Beam ({@link KilnOptionValues}): then the run is on the
   * local runner, every setting is Kiln's, and anything that only Beam's options answer (Beam's
   * file system registry, a job name) would make Beam read them after all.
   */
  public boolean readWithoutBeam() {
    return readWithoutBeam;
  }

  public RunnerChoice runner() {
    return runner;
  }

  /** How many workers the job will run on, as a hint for how finely to split work. */
  public int parallelism() {
    return parallelism;
  }

  /** The settings as given (camelCase name to value), config file first, then flags. */
  public Map<String, String> settings() {
    return settings;
  }

  public static PrepareArguments parse(List<String> args) throws UsageException {
    return parse(args, true);
  }

  /**
   * As {@link #parse(List)}; without {@code withoutBeam} Beam reads the settings even for a local
   * run (so tests can compare the two readings).
   */
  static PrepareArguments parse(List<String> args, boolean withoutBeam) throws UsageException {
    List<String> canonical = canonical(args);
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : canonical) {
      int eq = arg.indexOf('=');
      String name = OptionNames.toCamel(arg.substring(2, eq));
      if (flags.containsKey(name)) {
        throw new UsageException("--" + OptionNames.toKebab(name) + " is given twice");
      }
      flags.put(name, arg.substring(eq + 1));
    }

    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    String config = flags.get("config");
    if (config != null) {
      for (Map.Entry<String, String> e : ConfigFile.read(Path.of(config)).entrySet()) {
        String name = OptionNames.toCamel(e.getKey());
        merged.put(name, e.getValue());
        origin.put(name, "in " + config);
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      merged.put(e.getKey(), e.getValue());
      origin.put(e.getKey(), "on the command line");
    }

    String runnerFlag = merged.remove("runner");
    if (merged.containsKey("kilnRunner")) {
      runnerFlag = merged.remove("kilnRunner");
    }
    RunnerChoice runner =
        runnerFlag == null ? RunnerChoice.DEFAULT : RunnerChoice.parse(runnerFlag);
    Map<String, String> settings = new LinkedHashMap<>(merged);
    settings.put("runner", runner.flag());

    Map<String, String> beam = new LinkedHashMap<>(merged);
    runner.apply(beam);
    beam.put("kilnRunner", runner.flag());
    List<String> beamArgs = new ArrayList<>();
    beam.forEach((k, v) -> beamArgs.add("--" + k + "=" + v));

    if (withoutBeam && runner == RunnerChoice.LOCAL) {
      Optional<PrepareArguments> local = withoutBeam(merged, settings, beamArgs, origin);
      if (local.isPresent()) {
        return local.get();
      }
    }
    PrepareOptions options = beamOptions(beamArgs, origin);
    if (!merged.containsKey("awsRegion") && !ObjectStoreChecks.anyLocationOnS3(options)) {
      BeamObjectStore.settleUnusedRegion(options);
    }
    return new PrepareArguments(options, false, runner, runner.parallelism(options), settings);
  }

  /**
   * The arguments each written {@code --name=value}: {@code --name value} (the value is the next
   * argument unless that is a flag) and a switch alone ({@code --keep-alpha}, a declared boolean
   * setting, or a flag with no value after it) mean the same as {@code --name=value} and {@code
   * --keep-alpha=true}.
   *
   * @throws UsageException for an argument that is not a flag nor the value of one
   */
  public static List<String> canonical(List<String> args) throws UsageException {
    List<String> canonical = new ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException(
            "unexpected argument '"
                + arg
                + "': settings are written --name=value (see kiln prepare --help)");
      }
      if (arg.indexOf('=') >= 0) {
        canonical.add(arg);
        continue;
      }
      String flag = arg.substring(2);
      boolean isSwitch =
          DeclaredSetting.byProperty(OptionNames.toCamel(flag))
              .or(() -> DeclaredSetting.byFlag(flag))
              .map(DeclaredSetting::isSwitch)
              .orElse(false);
      if (!isSwitch && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        canonical.add(arg + "=" + args.get(++i));
      } else {
        canonical.add(arg + "=true");
      }
    }
    return canonical;
  }

  /** Beam's reading of the arguments. */
  private static PrepareOptions beamOptions(List<String> beamArgs, Map<String, String> origin)
      throws UsageException {
    try {
      return PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
          .withValidation()
          .as(PrepareOptions.class);
    } catch (IllegalArgumentException e) {
      throw new UsageException(explain(e, origin));
    }
  }

  /**
   * A local run's arguments read without Beam, or empty when Beam must read them: a setting that is
   * not Kiln's, a value read only by Beam (see {@link KilnOptionValues}), or inputs or annotations
   * on one of Beam's filesystems.
   */
  private static Optional<PrepareArguments> withoutBeam(
      Map<String, String> merged,
      Map<String, String> settings,
      List<String> beamArgs,
      Map<String, String> origin) {
    Map<String, String> kiln = new LinkedHashMap<>(merged);
    String input = kiln.get("input");
    if (input != null && !LocalInputWalker.isLocal(input) && !S3Location.isS3(input)) {
      // Files on a Beam filesystem (gs://, ...) need the filesystems Beam's options set up. The
      // local runner lists and reads s3:// inputs with Kiln's own client (ObjectStoreInputs).
      return Optional.empty();
    }
    String annotations = kiln.get("annotations");
    if (annotations != null && !LocalInputWalker.isLocal(annotations)) {
      return Optional.empty();
    }
    int parallelism = Runtime.getRuntime().availableProcessors();
    String given = kiln.remove("parallelism");
    if (given != null) {
      // Beam reads it as the Direct runner's int targetParallelism.
      Object value = KilnOptionValues.convert(given, int.class);
      if (value == null) {
        return Optional.empty();
      }
      parallelism = (Integer) value;
    }
    kiln.put("kilnRunner", RunnerChoice.LOCAL.flag());
    int workers = parallelism;
    return KilnOptionValues.parse(
            kiln,
            () -> {
              try {
                return beamOptions(beamArgs, origin);
              } catch (UsageException e) {
                // Only settings Beam reads alike were read without it: it cannot refuse them.
                throw new IllegalStateException(
                    "Beam refused settings read without it: " + e.getMessage(), e);
              }
            })
        .map(options -> new PrepareArguments(options, true, RunnerChoice.LOCAL, workers, settings));
  }

  private static String explain(IllegalArgumentException e, Map<String, String> origin) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    Matcher m = MISSING_PROPERTY.matcher(message);
    if (m.find()) {
      String name = m.group(1);
      String where = origin.getOrDefault(name, "");
      return "unknown setting --"
          + OptionNames.toKebab(name)
          + (where.isEmpty() ? "" : " (" + where + ")")
          + "; see kiln prepare --help";
    }
    if (message.contains("Missing required value")) {
      Matcher req = Pattern.compile("get(\\w+)").matcher(message);
      if (req.find()) {
        String name = Character.toLowerCase(req.group(1).charAt(0)) + req.group(1).substring(1);
        return "--" + OptionNames.toKebab(name) + " is required; see kiln prepare --help";
      }
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
