package dev.kiln.runners.tools;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kiln verify DIR}: checks a dataset against itself and its manifest and lists every
 * problem, one per line, naming the shard (and the record, for kiln shards).
 *
 * <ul>
 *   <li>kiln format: {@link DatasetVerifier} (every record's checksum and decoding, index vs
 *       footers vs records, layout, unique keys, {@code counts.written}), plus each shard the
 *       manifest lists: present, its size, its SHA-256 when listed, and its sample count.
 *   <li>webdataset, and any format whose manifest lists shards: every listed shard's size and
 *       SHA-256; for tar shards the {@code <key>.json} members are counted against the shard's and
 *       the dataset's sample counts; tar files the manifest does not list are reported.
 * </ul>
 *
 * <p>Exit 0 when nothing is wrong, 1 with the problems printed, 2 on bad usage.
 */
public final class VerifyCommand {
  static final String USAGE = "kiln verify DIR";

  private final PrintStream out;
  private final PrintStream err;

  public VerifyCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns its exit code. */
  public int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println("Usage: " + USAGE);
      out.println(
          "Checks every shard (and, for kiln shards, every record) against the index and"
              + " manifest.json; prints one line per problem. Exit 0 ok, 1 problems, 2 bad usage.");
      return ExitCode.OK;
    }
    if (ObjectStoreDatasetTools.locationIn(args) != null) {
      return ObjectStoreDatasetTools.verify(args, out, err);
    }
    Path dir;
    try {
      dir = ToolArguments.parse(args, Set.of(), Set.of()).directory(USAGE);
    } catch (UsageException e) {
      err.println("kiln verify: " + e.getMessage());
      return ExitCode.USAGE;
    }
    long started = System.nanoTime();
    List<String> problems;
    DatasetDirectory d;
    try {
      d = DatasetDirectory.open(dir);
      problems = problems(d);
    } catch (IOException | RuntimeException e) {
      err.println("kiln verify: " + dir + ": " + e);
      return ExitCode.FAILED;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (problems.isEmpty()) {
      out.printf("kiln verify: %s: OK (%s, %s) in %.1f s%n", dir, d.format(), describe(d), seconds);
      return ExitCode.OK;
    }
    problems.forEach(out::println);
    out.printf(
        "kiln verify: %s: %d problem%s found%n",
        dir, problems.size(), problems.size() == 1 ? "" : "s");
    return ExitCode.FAILED;
  }

  private static String describe(DatasetDirectory d) {
    return d.manifest()
        .map(
            m ->
                m.written()
                    + " samples in "
                    + m.shards().size()
                    + " shard"
                    + (m.shards().size() == 1 ? "" : "s"))
        .orElse("no manifest.json");
  }

  /** Every problem found in the dataset directory; empty when it is intact. */
  static List<String> problems(DatasetDirectory d) throws IOException {
    List<String> problems = new ArrayList<>();
    if (d.format() == null) {
      problems.add(
          d.path()
              + ": no manifest.json, "
              + ShardLayout.INDEX_FILE_NAME
              + ", .kiln or .tar shards; not a Kiln dataset");
      return problems;
    }
    if (d.isKiln()) {
      problems.addAll(DatasetVerifier.verify(d.path()));
      // DatasetVerifier already reports an unreadable manifest and checks counts.written.
      d.manifest().ifPresent(m -> checkKilnManifest(d.path(), m, problems));
      return problems;
    }
    if (d.manifest().isEmpty()) {
      problems.add(
          d.manifestProblem() + ": nothing to check the " + d.format() + " shards against");
      return problems;
    }
    Manifest m = d.manifest().get();
    Set<String> listed = new HashSet<>();
    long counted = 0;
    boolean countable = true;
    for (ShardFile s : m.shards()) {
      listed.add(s.name());
      Path file = d.path().resolve(s.name());
      if (!checkListedShard(file, s, problems)) {
        countable = false;
        continue;
      }
      if (s.name().endsWith(".tar")) {
        try {
          long samples =
              TarMembers.list(file).stream().filter(x -> x.name().endsWith(".json")).count();
          counted += samples;
          if (samples != s.samples()) {
            problems.add(
                s.name()
                    + ": holds "
                    + samples
                    + " samples (<key>.json members),"
                    + " manifest.json says "
                    + s.samples());
          }
        } catch (IOException | RuntimeException e) {
          countable = false;
          problems.add(s.name() + ": not a readable tar: " + e.getMessage());
        }
      } else {
        counted += s.samples();
      }
    }
    if (countable && counted != m.written()) {
      problems.add(
          Manifest.FILE_NAME
              + ": says "
              + m.written()
              + " samples written, the shards"
              + " hold "
              + counted);
    }
    for (Path tar : DatasetDirectory.files(d.path(), ".tar")) {
      if (!listed.contains(tar.getFileName().toString())) {
        problems.add(tar.getFileName() + ": shard not listed in " + Manifest.FILE_NAME);
      }
    }
    return problems;
  }

  /** Presence, size and SHA-256 (when the manifest has one); false if the file is unusable. */
  private static boolean checkListedShard(Path file, ShardFile s, List<String> problems) {
    if (!Files.isRegularFile(file)) {
      problems.add(s.name() + ": listed in " + Manifest.FILE_NAME + " but missing");
      return false;
    }
    try {
      long size = Files.size(file);
      if (size != s.bytes()) {
        problems.add(
            s.name()
                + ": file is "
                + size
                + " bytes, "
                + Manifest.FILE_NAME
                + " says "
                + s.bytes()
                + (size < s.bytes() ? " (truncated)" : ""));
      }
      if (s.sha256() != null && !s.sha256().isEmpty()) {
        String sha = DatasetDirectory.sha256(file);
        if (!sha.equalsIgnoreCase(s.sha256())) {
          problems.add(
              s.name()
                  + ": SHA-256 is "
                  + sha
                  + ", "
                  + Manifest.FILE_NAME
                  + " says "
                  + s.sha256()
                  + " (contents changed)");
        }
      }
      return true;
    } catch (IOException e) {
      problems.add(s.name() + ": cannot read: " + e.getMessage());
      return false;
    }
  }

  /** The manifest's shard list against the kiln shards and their index. */
  private static void checkKilnManifest(Path dir, Manifest m, List<String> problems) {
    DatasetIndex index = null;
    try {
      index = DatasetIndex.read(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    } catch (IOException | RuntimeException e) {
      // DatasetVerifier has already reported the index; the per-shard counts need it, the
      // size and checksum checks below do not.
      index = null;
    }
    Set<String> listed = new HashSet<>();
    for (ShardFile s : m.shards()) {
      listed.add(s.name());
      if (!checkListedShard(dir.resolve(s.name()), s, problems) || index == null) {
        continue;
      }
      for (int i = 0; i < index.shardCount(); i++) {
        if (index.shardFileName(i).equals(s.name()) && index.shardRecordCount(i) != s.samples()) {
          problems.add(
              s.name()
                  + ": holds "
                  + index.shardRecordCount(i)
                  + " records, "
                  + Manifest.FILE_NAME
                  + " says "
                  + s.samples());
        }
      }
    }
    if (!m.shards().isEmpty() && index != null) {
      for (int i = 0; i < index.shardCount(); i++) {
        if (!listed.contains(index.shardFileName(i))) {
          problems.add(index.shardFileName(i) + ": shard not listed in " + Manifest.FILE_NAME);
        }
      }
    }
  }

  /** For tests and callers that hold a path. */
  static List<String> problems(Path dir) throws IOException {
    return problems(DatasetDirectory.open(dir));
  }
}
