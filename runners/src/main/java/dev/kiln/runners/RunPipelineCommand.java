package dev.kiln.runners;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * {@code kiln run CLASS [args]}: runs a Beam pipeline's {@code main} (one of Kiln's examples, or a
 * user's class added with {@code KILN_CLASSPATH}) with Kiln, Beam, the DirectRunner and the
 * FlinkRunner on the class path, so {@code --runner=DirectRunner} and {@code --runner=FlinkRunner
 * --flinkMaster=[local]} (or a cluster's address) work without a build of one's own.
 */
final class RunPipelineCommand {
  private final PrintStream out;
  private final PrintStream err;

  RunPipelineCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) {
    if (args.isEmpty() || args.get(0).startsWith("-")) {
      err.println(
          "kiln run: give the pipeline's class, e.g. kiln run dev.kiln.examples.PrepareImages"
              + " --input=DIR --output=DIR --runner=DirectRunner");
      return ExitCode.USAGE;
    }
    Method main;
    try {
      main = Class.forName(args.get(0)).getMethod("main", String[].class);
    } catch (ClassNotFoundException e) {
      err.println(
          "kiln run: class " + args.get(0) + " not found (add its jar with KILN_CLASSPATH)");
      return ExitCode.USAGE;
    } catch (NoSuchMethodException e) {
      err.println("kiln run: " + args.get(0) + " has no main(String[])");
      return ExitCode.USAGE;
    }
    if (!Modifier.isStatic(main.getModifiers())) {
      err.println("kiln run: " + args.get(0) + ".main is not static");
      return ExitCode.USAGE;
    }
    try {
      main.invoke(null, (Object) args.subList(1, args.size()).toArray(new String[0]));
      out.flush();
      return ExitCode.OK;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) {
        err.println("kiln run: " + cause.getMessage());
        return ExitCode.USAGE;
      }
      err.println("kiln run: " + args.get(0) + " failed: " + cause);
      if (System.getenv("KILN_DEBUG") != null) {
        cause.printStackTrace(err);
      }
      return ExitCode.FAILED;
    } catch (IllegalAccessException e) {
      err.println("kiln run: " + args.get(0) + ".main is not public");
      return ExitCode.USAGE;
    }
  }
}
