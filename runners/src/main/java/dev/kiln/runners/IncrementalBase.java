package dev.kiln.runners;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.SampleCodec;
import dev.kiln.pipelines.DeclaredSetting;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.ShardFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides whether an incremental run can build on the current version, and says why not when it
 * cannot: a sample carried over must be exactly what decoding its input again would give, so any
 * change of a setting that shapes samples (size, mode, quality, encoding, framing, ...) or of the
 * Kiln version invalidates every carried sample and the run rebuilds in full.
 */
final class IncrementalBase {
  private IncrementalBase() {}

  /**
   * The version to build on, or null (with a line saying why) for a full rebuild.
   *
   * @param settings this run's recorded settings ({@link PrepareCommand#settingsOf})
   */
  static Path choose(
      Path current, ShardFormat format, Map<String, String> settings, PrintStream out)
      throws IOException {
    if (current == null) {
      out.println("kiln: incremental: no current version yet, building in full");
      return null;
    }
    if (format != ShardFormat.KILN) {
      out.println("kiln: incremental: carrying samples over needs --format=kiln; building in full");
      return null;
    }
    Manifest previous = Manifest.readFrom(current);
    if (!previous.format().equals(ShardFormat.KILN.flagValue())) {
      out.println(
          "kiln: incremental: "
              + current.getFileName()
              + " is not in kiln format; building in full");
      return null;
    }
    if (!previous.kilnVersion().equals(KilnVersion.get())) {
      out.println(
          "kiln: incremental: "
              + current.getFileName()
              + " was made by Kiln "
              + previous.kilnVersion()
              + ", this is "
              + KilnVersion.get()
              + "; building in full");
      return null;
    }
    if (!previous.schema().equals(SampleCodec.SCHEMA_JSON)) {
      // Its records are under another sample schema: carried as they are, they would not be
      // what the new shards' headers say.
      out.println(
          "kiln: incremental: "
              + current.getFileName()
              + " has an older sample schema;"
              + " building in full");
      return null;
    }
    Map<String, String> before = shaping(previous.configuration());
    Map<String, String> now = shaping(settings);
    if (!before.equals(now)) {
      StringBuilder diff = new StringBuilder();
      for (String k : new java.util.TreeSet<>(union(before.keySet(), now.keySet()))) {
        if (!Objects.equals(before.get(k), now.get(k))) {
          diff.append(diff.length() == 0 ? "" : ", ")
              .append("--")
              .append(k)
              .append(" ")
              .append(before.get(k))
              .append(" -> ")
              .append(now.get(k));
        }
      }
      out.println(
          "kiln: incremental: configuration changed (" + diff + "); every sample is rebuilt");
      return null;
    }
    return current;
  }

  /**
   * Says which class ids differ between the version built on and this run ({@code classes}, name to
   * id): the samples of those classes keep their images and get their new ids, without being
   * decoded again.
   */
  static void reportClassChanges(Path current, Map<String, Integer> classes, PrintStream out)
      throws IOException {
    Map<String, Integer> before = Manifest.readFrom(current).labels().mapping();
    StringBuilder diff = new StringBuilder();
    for (String name : new java.util.TreeSet<>(union(before.keySet(), classes.keySet()))) {
      Integer was = before.get(name);
      Integer is = classes.get(name);
      if (!Objects.equals(was, is)) {
        diff.append(diff.length() == 0 ? "" : ", ")
            .append(name)
            .append(" ")
            .append(was == null ? "new" : was)
            .append(" -> ")
            .append(is == null ? "gone" : is);
      }
    }
    if (diff.length() > 0) {
      out.println(
          "kiln: incremental: class ids changed ("
              + diff
              + "); their samples are"
              + " relabelled without decoding");
    }
  }

  private static Map<String, String> shaping(Map<String, String> configuration) {
    // Kept unless declared not to shape samples: so are values derived from a setting (the
    // annotation file's digest) and settings of older versions.
    Map<String, String> shaping = new TreeMap<>(configuration);
    shaping
        .keySet()
        .removeIf(k -> DeclaredSetting.byFlag(k).map(s -> !s.shapesSamples()).orElse(false));
    return shaping;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new java.util.HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
