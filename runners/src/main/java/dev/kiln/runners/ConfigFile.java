package dev.kiln.runners;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A {@code --config} YAML file: a flat mapping of setting names (kebab or camel case, the same as
 * the flags) to scalar values. Lists become comma-separated values.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /**
   * Reads the settings of {@code file} in file order.
   *
   * @throws UsageException naming the file and what is wrong with it
   */
  public static Map<String, String> read(Path file) throws UsageException {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--config=" + file + ": no such file");
    }
    Object root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException | YAMLException e) {
      throw new UsageException(
          "--config=" + file + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    Map<String, String> settings = new LinkedHashMap<>();
    if (root == null) {
      return settings;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new UsageException("--config=" + file + ": expected a mapping of setting: value");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() instanceof Map<?, ?> || e.getKey() instanceof List<?>) {
        throw new UsageException("--config=" + file + ": a setting's name must be a plain word");
      }
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      if (value instanceof Map<?, ?>) {
        throw new UsageException(
            "--config="
                + file
                + ": setting '"
                + key
                + "' must be a scalar or a list, not a mapping");
      }
      if (value instanceof List<?> list) {
        // Nested lists are refused rather than printed: YAML aliases can make a list that
        // contains itself, which would never finish printing.
        if (list.stream().anyMatch(v -> v instanceof Map<?, ?> || v instanceof List<?>)) {
          throw new UsageException(
              "--config=" + file + ": setting '" + key + "' must be a list of scalars");
        }
        settings.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
      } else {
        settings.put(key, value == null ? "" : String.valueOf(value));
      }
    }
    return settings;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
