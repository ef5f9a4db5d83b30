package dev.kiln.runners.tools;

import dev.kiln.runners.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the dataset tools ({@code verify}, {@code inspect}, {@code bench-read}): one
 * positional dataset directory plus flags, written {@code --name=value} (as {@code prepare} takes
 * them) or {@code --name value} (as people type them). Every mistake is a {@link UsageException}
 * whose message names the flag, so the command prints one line and exits 2.
 */
final class ToolArguments {
  private final List<String> positional;
  private final Map<String, String> values;

  private ToolArguments(List<String> positional, Map<String, String> values) {
    this.positional = positional;
    this.values = values;
  }

  /**
   * Parses {@code args}.
   *
   * @param valueFlags flags that take a value
   * @param booleanFlags flags that are switches ({@code --x} or {@code --x=true|false})
   */
  static ToolArguments parse(List<String> args, Set<String> valueFlags, Set<String> booleanFlags)
      throws UsageException {
    List<String> positional = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--") || a.equals("--")) {
        positional.add(a);
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
      String value;
      if (booleanFlags.contains(name)) {
        value = eq < 0 ? "true" : a.substring(eq + 1);
        if (!value.equals("true") && !value.equals("false")) {
          throw new UsageException(a + ": must be --" + name + " or --" + name + "=true|false");
        }
      } else if (valueFlags.contains(name)) {
        if (eq >= 0) {
          value = a.substring(eq + 1);
        } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
          value = args.get(++i);
        } else {
          throw new UsageException("--" + name + ": needs a value (--" + name + "=VALUE)");
        }
      } else {
        throw new UsageException("--" + name + ": unknown flag");
      }
      if (values.put(name, value) != null) {
        throw new UsageException("--" + name + ": given more than once");
      }
    }
    return new ToolArguments(positional, values);
  }

  /** The one positional argument (a dataset location), as given. */
  String positional(String usage) throws UsageException {
    if (positional.isEmpty()) {
      throw new UsageException("DIR missing (" + usage + ")");
    }
    if (positional.size() > 1) {
      throw new UsageException(positional.get(1) + ": unexpected argument (" + usage + ")");
    }
    return positional.get(0);
  }

  /** The one dataset directory argument; it must exist. */
  Path directory(String usage) throws UsageException {
    if (positional.isEmpty()) {
      throw new UsageException("DIR missing (" + usage + ")");
    }
    if (positional.size() > 1) {
      throw new UsageException(positional.get(1) + ": unexpected argument (" + usage + ")");
    }
    Path dir = Path.of(positional.get(0));
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new UsageException(dir + ": not a directory");
    }
    return dir;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(values.get(name));
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** A whole number within {@code [min, max]}, or {@code fallback} when absent. */
  long number(String name, long fallback, long min, long max) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + "=" + v + ": not a whole number");
    }
    if (n < min || n > max) {
      throw new UsageException("--" + name + "=" + v + ": must be between " + min + " and " + max);
    }
    return n;
  }
}
