package dev.kiln.runners;

import dev.kiln.pipelines.PrepareOptions;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Renders Kiln's own settings from their declarations in {@link PrepareOptions}. */
public final class OptionsHelp {
  private OptionsHelp() {}

  public static String prepare() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: kiln prepare --input=DIR_OR_GLOB --output=DIR [--name=value ...]\n\n");
    b.append("Reads every image under the input, normalizes it (8-bit sRGB, resized) and writes\n");
    b.append("shards plus manifest.json to the output, published only when complete.\n\n");
    b.append("Kiln settings (also accepted as kebab-case keys in a --config YAML file):\n");
    for (String line : settings()) {
      b.append(line).append('\n');
    }
    b.append("\nRunner settings:\n");
    b.append("  --flink-master=HOST:PORT       JobManager REST address, with --runner=flink\n");
    b.append("  --parallelism=N                parallel workers (local or direct-runner threads, Flink slots)\n");
    b.append("\nAny other --name=value is passed to Beam's PipelineOptions (e.g. --max-parallelism).\n");
    b.append("Exit codes: 0 ok, 1 job failed, 2 bad usage or config, 3 too many rejects.\n");
    return b.toString();
  }

  static List<String> settings() {
    List<String> lines = new ArrayList<>();
    for (Method m : PrepareOptions.class.getDeclaredMethods()) {
      Description d = m.getAnnotation(Description.class);
      if (d == null || !m.getName().startsWith("get")) {
        continue;
      }
      String property = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      String flag = property.equals("kilnRunner") ? "runner" : OptionNames.toKebab(property);
      String value = m.getReturnType() == boolean.class ? "" : "=" + defaultOf(m);
      if (m.getAnnotation(Validation.Required.class) != null) {
        value = "=... (required)";
      }
      lines.add(String.format("  --%-28s %s", flag + value, d.value()));
    }
    lines.sort(null);
    return lines;
  }

  private static String defaultOf(Method m) {
    if (m.getAnnotation(Default.String.class) != null) {
      return m.getAnnotation(Default.String.class).value();
    }
    if (m.getAnnotation(Default.Integer.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Integer.class).value());
    }
    if (m.getAnnotation(Default.Long.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Long.class).value());
    }
    if (m.getAnnotation(Default.Double.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Double.class).value());
    }
    return "...";
  }
}
