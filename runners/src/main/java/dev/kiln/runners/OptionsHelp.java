package dev.kiln.runners;

import dev.kiln.pipelines.DeclaredSetting;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders Kiln's own settings from their declarations ({@link DeclaredSetting}): {@code kiln
 * prepare --help} and the README's settings table.
 */
public final class OptionsHelp {
  private OptionsHelp() {}

  /** The text of {@code kiln prepare --help}. */
  public static String prepare() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: kiln prepare --input=DIR_OR_GLOB --output=DIR [--name=value ...]\n\n");
    b.append("Reads every image under the input, normalizes it (8-bit sRGB, resized) and writes\n");
    b.append("shards plus manifest.json to the output, published only when complete.\n\n");
    b.append("Kiln settings (also accepted as kebab-case keys in a --config YAML file):\n");
    for (String line : settings()) {
      b.append(line).append('\n');
    }
    b.append(
        "\nAny other --name=value is passed to Beam's PipelineOptions (e.g. --max-parallelism).\n");
    b.append("Exit codes: 0 ok, 1 job failed, 2 bad usage or config, 3 too many rejects.\n");
    return b.toString();
  }

  /**
   * The README's settings table (between its {@code <!-- settings:begin -->} and {@code <!--
   * settings:end -->} markers): one row per setting with its flag, default and help.
   */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
    for (DeclaredSetting s : DeclaredSetting.all()) {
      String shown =
          s.required()
              ? s.shownDefault()
              : s.isSwitch()
                  ? "false"
                  : s.shownDefault().isEmpty() || !s.shownDefault().equals(s.defaultValue())
                      ? s.shownDefault()
                      : "`" + s.shownDefault() + "`";
      b.append("| `--")
          .append(s.flag())
          .append("` | ")
          .append(shown)
          .append(" | ")
          .append(s.help().replace("|", "\\|").replace("<", "&lt;"))
          .append(" |\n");
    }
    return b.toString();
  }

  static List<String> settings() {
    List<String> lines = new ArrayList<>();
    for (DeclaredSetting s : DeclaredSetting.all()) {
      String value =
          s.required()
              ? "=... (required)"
              : s.isSwitch() ? "" : "=" + (s.shownDefault().isEmpty() ? "..." : s.shownDefault());
      lines.add(String.format("  --%-28s %s", s.flag() + value, s.help()));
    }
    lines.sort(null);
    return lines;
  }
}
