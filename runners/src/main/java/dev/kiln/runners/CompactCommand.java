package dev.kiln.runners;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.formats.kiln.VersionLayout;
import dev.kiln.pipelines.IgnoredFile;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.pipelines.ShardOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.pipelines.StagedParts;
import dev.kiln.runners.local.LocalCompaction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * {@code kiln compact ROOT}: rewrites the current version of a versioned root into the canonical
 * layout ({@link LocalCompaction}) and publishes it as the next version, under the root's lock and
 * with the same crash safety as a run. The shards, index, catalog and inputs are byte for byte what
 * a full run over the same inputs with the version's settings writes; the old version's shards go
 * when retention removes the last version that links them.
 */
final class CompactCommand {
  static final String USAGE =
      "usage: kiln compact ROOT [--run-id=ID] [--keep-versions=N]  (ROOT: a versioned output root)";

  private final PrintStream out;
  private final PrintStream err;

  CompactCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> args) {
    long started = System.nanoTime();
    String rootArg = null;
    String runId =
        "compact-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Integer keep = null;
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return ExitCode.OK;
      } else if (a.startsWith("--run-id=")) {
        runId = a.substring("--run-id=".length());
      } else if (a.startsWith("--keep-versions=")) {
        try {
          keep = Integer.parseInt(a.substring("--keep-versions=".length()));
        } catch (NumberFormatException e) {
          err.println("kiln compact: " + a + ": not a number");
          return ExitCode.USAGE;
        }
      } else if (a.startsWith("--") || rootArg != null) {
        err.println("kiln compact: " + a + ": unexpected; " + USAGE);
        return ExitCode.USAGE;
      } else {
        rootArg = a;
      }
    }
    if (rootArg == null) {
      err.println("kiln compact: " + USAGE);
      return ExitCode.USAGE;
    }
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      err.println(
          "kiln compact: --run-id=" + runId + ": use letters, digits, '.', '_' and '-' only");
      return ExitCode.USAGE;
    }
    Path path = Path.of(rootArg).toAbsolutePath().normalize();
    if (!DatasetRoot.of(path).isVersioned()) {
      err.println("kiln compact: " + rootArg + ": not a versioned output root (no CURRENT link)");
      return ExitCode.USAGE;
    }
    Path current;
    Manifest before;
    try {
      current = DatasetRoot.of(path).current();
      before = Manifest.readFrom(current);
    } catch (IOException e) {
      err.println(
          "kiln compact: " + rootArg + ": cannot read the current version: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (!before.format().equals(ShardFormat.KILN.flagValue())) {
      err.println(
          "kiln compact: "
              + current
              + " is in "
              + before.format()
              + " format; only kiln datasets share shards between versions");
      return ExitCode.USAGE;
    }
    Map<String, String> configuration = before.configuration();
    int keepVersions =
        keep != null ? keep : Integer.parseInt(configuration.getOrDefault("keep-versions", "3"));
    VersionedOutput root;
    try {
      root = VersionedOutput.prepare(rootArg, runId, keepVersions);
    } catch (UsageException e) {
      err.println("kiln compact: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try (VersionedOutput held = root) {
      // Read again under the lock: a run may have published since.
      current = root.currentVersion();
      before = Manifest.readFrom(current);
      DatasetIndex index = DatasetIndex.read(current.resolve(ShardLayout.INDEX_FILE_NAME));
      VersionLayout layout = VersionLayout.of(index);
      String name = current.getFileName().toString();
      if (layout.isCanonical()) {
        out.println("kiln compact: " + name + " is in the canonical layout; nothing written");
        root.discard();
        return ExitCode.OK;
      }
      out.printf(
          "kiln compact: %s: %d samples, %.1f%% of %d MB in dead records or %d delta"
              + " shards; writing the canonical layout%n",
          name,
          index.size(),
          100 * layout.nonCanonicalFraction(),
          layout.shardBytes() >> 20,
          layout.deltaShards());
      ShardOptions shardOptions =
          new ShardOptions(
              Long.parseLong(configuration.get("shard-size")),
              Integer.parseInt(configuration.get("align")),
              ShardOptions.DEFAULT_PARQUET_ROW_GROUP);
      StagedParts parts = LocalCompaction.stage(current, root.staging(), shardOptions);
      Manifest manifest =
          StagedDataset.finish(
              root.staging(),
              ShardFormat.KILN,
              configuration,
              KilnVersion.get(),
              null,
              false,
              parts);
      manifest =
          manifest
              .withRun(runId, manifest.changes())
              .withIgnored(before.ignoredByReason())
              .withLabels(before.labels());
      manifest.writeTo(root.staging());
      Path ignored = current.resolve(IgnoredFile.FILE_NAME);
      if (Files.exists(ignored)) {
        Files.copy(ignored, root.staging().resolve(IgnoredFile.FILE_NAME));
      }
      Path published = Path.of(root.publish());
      out.printf(
          "kiln compact: %s -> %s: %d samples in %d shards, %d MB, in %.1f s%n",
          name,
          published.getFileName(),
          manifest.written(),
          manifest.shards().size(),
          manifest.shards().stream().mapToLong(f -> f.bytes()).sum() >> 20,
          (System.nanoTime() - started) / 1e9);
      if (!root.removedVersions().isEmpty()) {
        out.println("kiln compact: removed " + root.removedVersions().size() + " old version(s)");
      }
      return ExitCode.OK;
    } catch (IOException | RuntimeException e) {
      root.discard();
      err.println("kiln compact: failed, CURRENT unchanged: " + e);
      return ExitCode.FAILED;
    }
  }
}
