package dev.kiln.runners;

import dev.kiln.pipelines.KilnVersion;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** The {@code kiln} command line: dispatches to the subcommands and returns their exit code. */
public final class Kiln {
  private Kiln() {}

  public static void main(String[] args) {
    LoggingSetup.startAside();
    int code = run(Arrays.asList(args), System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs a kiln command line; the exit code is returned rather than exiting (for tests). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()
        || args.get(0).equals("--help")
        || args.get(0).equals("-h")
        || args.get(0).equals("help")) {
      out.print(usage());
      return args.isEmpty() ? ExitCode.USAGE : ExitCode.OK;
    }
    if (args.get(0).startsWith("--") && !args.get(0).equals("--version")) {
      // Schedulers that submit the job jar (Airflow's BeamRunJavaPipelineOperator, `flink run`
      // with options only) pass settings without a command word: they mean prepare.
      return new PrepareCommand(out, err).run(args);
    }
    List<String> rest = args.subList(1, args.size());
    if (!args.get(0).equals("prepare")) {
      LoggingSetup.awaitReady(); // prepare waits later, after its own start
    }
    switch (args.get(0)) {
      case "prepare":
        return new PrepareCommand(out, err).run(rest);
      case "compact":
        return new CompactCommand(out, err).run(rest);
      case "verify":
        return new dev.kiln.runners.tools.VerifyCommand(out, err).run(rest);
      case "inspect":
        return new dev.kiln.runners.tools.InspectCommand(out, err).run(rest);
      case "report":
        return new dev.kiln.runners.tools.ReportCommand(out, err).run(rest);
      case "bench-read":
        return new dev.kiln.runners.tools.BenchReadCommand(out, err).run(rest);
      case "class-archive-training":
        return ClassArchiveTraining.run(rest, err);
      case "run":
        return new RunPipelineCommand(out, err).run(rest);
      case "--version":
      case "version":
        out.println("kiln " + KilnVersion.get());
        out.println("jpeg decoding: " + dev.kiln.transforms.image.ImagePreparer.jpegDecoding());
        out.println("jpeg encoding: " + dev.kiln.transforms.image.ImagePreparer.jpegEncoding());
        out.println("resampling: " + dev.kiln.transforms.image.ImagePreparer.resampling());
        return ExitCode.OK;
      default:
        err.println("kiln: unknown command '" + args.get(0) + "'; see kiln --help");
        return ExitCode.USAGE;
    }
  }

  static String usage() {
    return """
        Usage: kiln COMMAND [--name=value ...]

        Kiln turns folders of raw images into training-ready datasets.

        Commands:
          prepare    read, normalize and shard images (kiln prepare --help lists its settings)
          compact    rewrite a versioned root's current version in the canonical layout (kiln compact ROOT)
          verify     check a dataset's shards, records and checksums (kiln verify DIR)
          inspect    summarize a dataset, print a sample, extract samples (kiln inspect --help)
          report     write a dataset's HTML run report (kiln report DIR [--out FILE])
          bench-read random-read benchmark of a kiln dataset vs fio (kiln bench-read --help)
          run        run a Beam pipeline class on Kiln's class path (kiln run CLASS [--option=value ...])
          version    print the Kiln version

        Exit codes: 0 ok, 1 job failed, 2 bad usage or config, 3 too many rejects.
        """;
  }
}
