package dev.kiln.runners;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kiln.formats.LabelSummary;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Stage;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.InputListing;
import dev.kiln.pipelines.KilnVersion;
import dev.kiln.pipelines.LabelSettings;
import dev.kiln.pipelines.MetadataTableReader;
import dev.kiln.pipelines.OptionNames;
import dev.kiln.pipelines.PrepareOptions;
import dev.kiln.pipelines.StagedDataset;
import dev.kiln.transforms.labels.MetadataTable;
import dev.kiln.transforms.labels.SplitRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * {@code kiln prepare --split=...}: one dataset per split, {@code OUTPUT/<split>/}, each made by a
 * run of {@link PrepareCommand} over that split's inputs (so each is a complete dataset, versioned
 * and incremental as the settings say), then {@code OUTPUT/manifest.json} naming the splits and
 * their counts. Inputs that no split takes (outside any split folder, or without a value in the
 * split column) are recorded in {@code OUTPUT/rejects/rejects.jsonl} as {@code no-split}, so the
 * splits' inputs and those add up to every input.
 *
 * <p>Each split is published when it is complete, the root manifest last: a failed run leaves the
 * splits it finished published and the root manifest of the previous run.
 */
final class SplitPrepare {
  /**
   * One split of the run: the rule (null for folder splits, whose input is the split's folder), its
   * name, and the class ids every split shares.
   */
  record Selection(SplitRule rule, String name, Map<String, Integer> classes) {}

  static final String ROOT_MANIFEST = Manifest.FILE_NAME;
  private static final JsonFactory JSON = new JsonFactory();

  private final PrintStream out;
  private final PrintStream err;

  SplitPrepare(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs every split of {@code options}; {@code beamOptions} says whether Beam read them ({@link
   * PrepareArguments#readWithoutBeam}).
   */
  int run(List<String> args, PrepareOptions options, boolean beamOptions) throws UsageException {
    SplitRule rule;
    InputFiles all = InputFiles.of(options.getInput(), options.getExtensions());
    MetadataTable table = null;
    String spec = options.getSplit().trim();
    if (options.getMetadata() != null && !options.getMetadata().isBlank()) {
      String key = options.getMetadataKey() == null ? "path" : options.getMetadataKey().trim();
      table = MetadataTableReader.read(options.getMetadata().trim(), key, null);
    }
    rule = SplitRule.parse(spec, table);
    if (rule.kind() == SplitRule.Kind.FOLDER && !all.globMatchesAll()) {
      throw new UsageException("--split=folder needs --input to be a directory, not a glob");
    }
    InputListing listing;
    try {
      listing = InputListing.of(all);
    } catch (IOException e) {
      throw new UsageException(
          "--input=" + options.getInput() + ": cannot list: " + e.getMessage());
    }

    // Which split each input is in; those in none are rejected here, at the root.
    Map<String, Long> counts = new TreeMap<>();
    List<Rejection> unassigned = new ArrayList<>();
    List<String[]> classPaths = new ArrayList<>();
    for (MatchResult.Metadata m : listing.files()) {
      String path = m.resourceId().toString();
      String relative = all.relativePathOf(path);
      String split = rule.splitOf(relative, all.keyOf(path));
      if (split == null) {
        unassigned.add(
            new Rejection(
                all.keyOf(path),
                path,
                Stage.SPLIT,
                RejectReason.NO_SPLIT,
                rule.kind() == SplitRule.Kind.FOLDER
                    ? "not inside a split folder of the input root (--split=folder)"
                    : "no value in the split column (--split=" + spec + ")",
                m.sizeBytes()));
        continue;
      }
      if (!SplitRule.validName(split)) {
        throw new UsageException(
            "--split="
                + spec
                + ": '"
                + split
                + "' (of "
                + path
                + ") cannot be a split's directory name: use letters, digits, '.', '_' and '-'");
      }
      counts.merge(split, 1L, Long::sum);
      if (rule.kind() == SplitRule.Kind.FOLDER) {
        String inSplit = relative.substring(split.length() + 1);
        classPaths.add(new String[] {inSplit, inSplit});
      } else {
        classPaths.add(new String[] {relative, relative});
      }
    }
    long rowsWithoutInput = -1;
    if (table != null) {
      List<String[]> paths = new ArrayList<>();
      for (MatchResult.Metadata m : listing.files()) {
        String path = m.resourceId().toString();
        paths.add(new String[] {all.relativePathOf(path), all.keyOf(path)});
      }
      rowsWithoutInput = table.rowsWithoutInput(paths);
    }
    for (Rejection r : listing.rejects()) {
      // As each split's own listing decides (InputFiles.inSplit): by the path's key.
      String split = rule.splitOf(all.relativePathOf(r.path()), all.keyOf(r.path()));
      if (split == null) {
        unassigned.add(r);
      }
    }
    List<String> splits = new ArrayList<>(counts.keySet());
    if (rule.kind() == SplitRule.Kind.HASH) {
      splits.clear();
      rule.hashSplits().forEach(splits::add);
    }
    if (counts.isEmpty()) {
      throw new UsageException("--split=" + spec + ": no input is in any split");
    }
    // A class keeps one id in every split: the ids of the class folders over all of them.
    Map<String, Integer> classes =
        "folder".equals(options.getLabels() == null ? "" : options.getLabels().trim())
            ? LabelSettings.folderClasses(classPaths)
            : null;

    try (SplitRoot root = SplitRoot.of(options, beamOptions)) {
      return runSplits(
          args,
          options,
          rule,
          all,
          table == null ? -1 : table.size(),
          rowsWithoutInput,
          spec,
          counts,
          splits,
          unassigned,
          classes,
          root);
    }
  }

  /** Runs each split into its dataset below {@code root}, then writes the root's manifest. */
  private int runSplits(
      List<String> args,
      PrepareOptions options,
      SplitRule rule,
      InputFiles all,
      long metadataRows,
      long rowsWithoutInput,
      String spec,
      Map<String, Long> counts,
      List<String> splits,
      List<Rejection> unassigned,
      Map<String, Integer> classes,
      SplitRoot root)
      throws UsageException {
    boolean versioned = options.getVersioned() || options.getIncremental();
    for (String split : splits) {
      if (counts.containsKey(split)
          && !versioned
          && !options.getOverwrite()
          && root.holdsUnversionedData(split)) {
        throw new UsageException(
            "--output="
                + options.getOutput()
                + ": "
                + root.location(split)
                + " already exists (use --overwrite)");
      }
    }

    int code = ExitCode.OK;
    Map<String, Manifest> manifests = new TreeMap<>();
    for (String split : splits) {
      if (!counts.containsKey(split)) {
        out.println("kiln: split " + split + ": no inputs; no dataset written");
        continue;
      }
      out.println("kiln: split " + split + ": " + counts.get(split) + " inputs");
      List<String> splitArgs = new ArrayList<>();
      for (String a : args) {
        String name =
            a.startsWith("--") ? OptionNames.toCamel(a.substring(2).split("=", 2)[0]) : "";
        if (!name.equals("output")
            && !(name.equals("input") && rule.kind() == SplitRule.Kind.FOLDER)) {
          splitArgs.add(a);
        }
      }
      splitArgs.add("--output=" + root.location(split));
      if (rule.kind() == SplitRule.Kind.FOLDER) {
        splitArgs.add(
            "--input="
                + (S3Location.isS3(all.root())
                    ? S3Location.parse(all.root()).resolve(split).toString()
                    : Path.of(all.root()).resolve(split).toString()));
      }
      int splitCode =
          new PrepareCommand(out, err)
              .run(
                  splitArgs,
                  new Selection(
                      rule.kind() == SplitRule.Kind.FOLDER ? null : rule, split, classes));
      if (splitCode == ExitCode.USAGE || splitCode == ExitCode.FAILED) {
        err.println("kiln prepare: split " + split + " failed; splits before it are published");
        return splitCode;
      }
      code = Math.max(code, splitCode);
      try {
        manifests.put(split, root.manifestOf(split));
      } catch (IOException e) {
        err.println(
            "kiln prepare: split " + split + ": cannot read its manifest: " + e.getMessage());
        return ExitCode.FAILED;
      }
    }
    try {
      root.write(
          dir -> writeRoot(dir, spec, manifests, unassigned, metadataRows, rowsWithoutInput));
    } catch (IOException e) {
      err.println(
          "kiln prepare: --output="
              + options.getOutput()
              + ": cannot write the root manifest: "
              + e.getMessage());
      return ExitCode.FAILED;
    }
    long inputs = unassigned.size() + manifests.values().stream().mapToLong(Manifest::inputs).sum();
    out.printf(
        "kiln: splits: %s; %d inputs, %d in no split -> %s%n",
        String.join(", ", manifests.keySet()),
        inputs,
        unassigned.size(),
        root.location(ROOT_MANIFEST));
    return code;
  }

  /**
   * {@code root/manifest.json} (and {@code root/rejects/rejects.jsonl}), each written whole, then
   * renamed; {@code metadataRows} is -1 without a metadata table.
   */
  static void writeRoot(
      Path root,
      String spec,
      Map<String, Manifest> splits,
      List<Rejection> unassigned,
      long metadataRows,
      long rowsWithoutInput)
      throws IOException {
    Files.createDirectories(root.resolve(StagedDataset.REJECTS_DIR));
    StringBuilder rejects = new StringBuilder();
    unassigned.stream()
        .sorted(java.util.Comparator.comparing(Rejection::key))
        .forEach(r -> rejects.append(r.toJsonLine()).append('\n'));
    replace(
        root.resolve(StagedDataset.REJECTS_DIR).resolve(StagedDataset.REJECTS_FILE),
        rejects.toString().getBytes(StandardCharsets.UTF_8));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long inputs = unassigned.size();
    long written = 0;
    long rejected = unassigned.size();
    for (Manifest m : splits.values()) {
      inputs += m.inputs();
      written += m.written();
      rejected += m.rejected();
    }
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("kiln_version", KilnVersion.get());
      g.writeStringField("split", spec);
      g.writeObjectFieldStart("counts");
      g.writeNumberField("inputs", inputs);
      g.writeNumberField("written", written);
      g.writeNumberField("rejected", rejected);
      g.writeNumberField("no_split", unassigned.size());
      g.writeEndObject();
      g.writeArrayFieldStart("splits");
      for (Map.Entry<String, Manifest> e : splits.entrySet()) {
        Manifest m = e.getValue();
        g.writeStartObject();
        g.writeStringField("name", e.getKey());
        g.writeStringField("path", e.getKey());
        g.writeStringField("run_id", m.runId());
        g.writeNumberField("inputs", m.inputs());
        g.writeNumberField("written", m.written());
        g.writeNumberField("rejected", m.rejected());
        g.writeEndObject();
      }
      g.writeEndArray();
      LabelSummary.writeMetadata(g, metadataRows, rowsWithoutInput);
      g.writeEndObject();
    }
    replace(root.resolve(ROOT_MANIFEST), bytes.toByteArray());
  }

  private static void replace(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
