package dev.kiln.runners.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleMetadataJson;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code kiln inspect DIR [--key K] [--extract N --to DIR2]}: what a dataset holds.
 *
 * <ul>
 *   <li>no flags: a summary (format, counts, rejects by reason, shards, sizes, configuration
 *       highlights; for kiln shards the alignment, the space it costs and the aligned read size);
 *   <li>{@code --key K}: that sample's metadata as JSON (the same object as WebDataset's {@code
 *       <key>.json});
 *   <li>{@code --extract N --to DIR2}: the first N samples in dataset order as image files {@code
 *       DIR2/<key>.<ext>} (keys with {@code /} become subdirectories) plus {@code <key>.json}.
 * </ul>
 */
public final class InspectCommand {
  static final String USAGE = "kiln inspect DIR [--key K] [--extract N --to DIR2]";

  /** Configuration entries worth a glance; the manifest has all of them. */
  private static final List<String> HIGHLIGHTS =
      List.of(
          "input",
          "size",
          "resize",
          "encode",
          "quality",
          "format",
          "shard-size",
          "no-upscale",
          "keep-alpha",
          "linear-light",
          "runner");

  private static final int SHARDS_LISTED = 8;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintStream out;
  private final PrintStream err;

  public InspectCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and returns its exit code. */
  public int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println("Usage: " + USAGE);
      out.println(
          "Summary of a dataset; --key prints one sample's metadata as JSON; --extract N"
              + " --to DIR2 writes the first N samples as <key>.<ext> and <key>.json files.");
      return ExitCode.OK;
    }
    if (ObjectStoreDatasetTools.locationIn(args) != null) {
      return ObjectStoreDatasetTools.inspect(args, out, err);
    }
    Path dir;
    ToolArguments a;
    int extract;
    try {
      a = ToolArguments.parse(args, Set.of("key", "extract", "to"), Set.of());
      dir = a.directory(USAGE);
      extract = (int) a.number("extract", 0, 1, Integer.MAX_VALUE);
      if (a.has("extract") != a.has("to")) {
        throw new UsageException(
            a.has("extract")
                ? "--to: missing (--extract N needs --to DIR2)"
                : "--to: only with --extract N");
      }
      if (a.has("key") && a.has("extract")) {
        throw new UsageException("--key: cannot be combined with --extract");
      }
    } catch (UsageException e) {
      err.println("kiln inspect: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try {
      DatasetDirectory d = DatasetDirectory.open(dir);
      if (d.format() == null) {
        err.println(
            "kiln inspect: "
                + dir
                + ": no manifest.json, "
                + ShardLayout.INDEX_FILE_NAME
                + ", .kiln or .tar shards; not a Kiln dataset");
        return ExitCode.FAILED;
      }
      if (!d.isKiln()
          && !DatasetDirectory.WEBDATASET.equals(d.format())
          && !a.has("key")
          && !a.has("extract")) {
        summary(d, null);
        return ExitCode.OK;
      }
      if (!d.isKiln() && !DatasetDirectory.WEBDATASET.equals(d.format())) {
        err.println(
            "kiln inspect: "
                + dir
                + ": --key and --extract read kiln and webdataset"
                + " datasets, this one is "
                + d.format());
        return ExitCode.FAILED;
      }
      if (a.has("key")) {
        return printKey(d, a.string("key", ""));
      }
      if (a.has("extract")) {
        Path to = Path.of(a.string("to", ""));
        int n = d.isKiln() ? extractKiln(d, extract, to) : extractTars(d, extract, to);
        out.printf("kiln inspect: extracted %d sample%s to %s%n", n, n == 1 ? "" : "s", to);
        return ExitCode.OK;
      }
      if (d.isKiln()) {
        try (KilnDataset ds = KilnDataset.open(dir)) {
          summary(d, ds);
        }
      } else {
        summary(d, null);
      }
      return ExitCode.OK;
    } catch (IOException | RuntimeException e) {
      err.println(
          "kiln inspect: "
              + dir
              + ": "
              + e.getMessage()
              + " (kiln verify "
              + dir
              + " lists every problem)");
      return ExitCode.FAILED;
    }
  }

  // ------------------------------------------------------------------ summary

  private void summary(DatasetDirectory d, KilnDataset ds) throws IOException {
    Manifest m = d.manifest().orElse(null);
    out.println("dataset      " + d.path().toAbsolutePath().normalize());
    out.println(
        "format       "
            + d.format()
            + (m != null && !m.kilnVersion().isEmpty()
                ? " (written by kiln " + m.kilnVersion() + ")"
                : ""));
    if (m != null) {
      out.printf(
          "samples      %d written of %d inputs, %d rejected%n",
          m.written(), m.inputs(), m.rejected());
      if (!m.rejectedByReason().isEmpty()) {
        out.println(
            "rejected     "
                + m.rejectedByReason().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
      }
    } else {
      out.println("manifest     " + d.manifestProblem());
    }
    List<ShardFile> shards = shardFiles(d, ds);
    long total = shards.stream().mapToLong(ShardFile::bytes).sum();
    long samples = ds != null ? ds.size() : shards.stream().mapToLong(ShardFile::samples).sum();
    out.printf(
        "shards       %d, %s%s%n",
        shards.size(),
        DatasetDirectory.bytes(total),
        samples > 0
            ? String.format(" (%s per sample)", DatasetDirectory.bytes(total / samples))
            : "");
    for (int i = 0; i < shards.size() && i < SHARDS_LISTED; i++) {
      ShardFile s = shards.get(i);
      out.printf(
          "  %-24s %8d samples  %s%n", s.name(), s.samples(), DatasetDirectory.bytes(s.bytes()));
    }
    if (shards.size() > SHARDS_LISTED) {
      out.printf("  ... and %d more%n", shards.size() - SHARDS_LISTED);
    }
    if (m != null) {
      Map<String, String> conf = m.configuration();
      String highlights =
          HIGHLIGHTS.stream()
              .filter(conf::containsKey)
              .map(k -> k + "=" + conf.get(k))
              .collect(Collectors.joining(" "));
      if (!highlights.isEmpty()) {
        out.println("config       " + highlights);
      }
    }
    if (ds != null) {
      kilnLayout(d.path(), ds.index());
    } else if (DatasetDirectory.WEBDATASET.equals(d.format())) {
      tarLayout(d.path(), shards);
    }
  }

  /** Shards from the index (kiln), else from the manifest, else the tar files present. */
  private static List<ShardFile> shardFiles(DatasetDirectory d, KilnDataset ds) throws IOException {
    List<ShardFile> shards = new ArrayList<>();
    if (ds != null) {
      DatasetIndex ix = ds.index();
      for (int s = 0; s < ix.shardCount(); s++) {
        shards.add(
            new ShardFile(ix.shardFileName(s), ix.shardRecordCount(s), ix.shardFileSize(s), ""));
      }
    } else if (d.manifest().isPresent()) {
      shards.addAll(d.manifest().get().shards());
    } else {
      for (Path tar : DatasetDirectory.files(d.path(), ".tar")) {
        shards.add(new ShardFile(tar.getFileName().toString(), 0, Files.size(tar), ""));
      }
    }
    return shards;
  }

  private void kilnLayout(Path dir, DatasetIndex ix) throws IOException {
    KilnSpace space = KilnSpace.of(ix);
    Path indexFile = dir.resolve(ShardLayout.INDEX_FILE_NAME);
    out.printf(
        "layout       format version %d (%s); align %d; records %s; shards / records %.3f"
            + " (alignment padding %.1f%%, headers+footers %.2f%%)%n",
        ix.version(),
        ix.checksum().label(),
        ix.align(),
        DatasetDirectory.bytes(space.recordBytes()),
        space.overhead(),
        100.0 * space.paddingBytes() / Math.max(1, space.recordBytes()),
        100.0 * space.framingBytes() / Math.max(1, space.recordBytes()));
    out.printf(
        "reads        one aligned read per sample: median %s, p90 %s, max %s (4 KiB blocks)%n",
        DatasetDirectory.bytes(space.windowPercentile(0.5)),
        DatasetDirectory.bytes(space.windowPercentile(0.9)),
        DatasetDirectory.bytes(space.windowPercentile(1.0)));
    out.println(
        "index        "
            + (Files.exists(indexFile)
                ? ShardLayout.INDEX_FILE_NAME + " " + DatasetDirectory.bytes(Files.size(indexFile))
                : ShardLayout.INDEX_FILE_NAME + " missing (readers scan every footer)"));
  }

  private void tarLayout(Path dir, List<ShardFile> shards) throws IOException {
    long members = 0;
    long payload = 0;
    long tarBytes = 0;
    for (ShardFile s : shards) {
      Path tar = dir.resolve(s.name());
      if (!Files.isRegularFile(tar)) {
        continue;
      }
      for (TarMembers.Member m : TarMembers.list(tar)) {
        members++;
        payload += m.size();
      }
      tarBytes += Files.size(tar);
    }
    out.printf(
        "layout       %d tar members, %s of member data; tar / member data %.3f%n",
        members, DatasetDirectory.bytes(payload), payload == 0 ? 0.0 : (double) tarBytes / payload);
  }

  // ------------------------------------------------------------------ --key

  private int printKey(DatasetDirectory d, String key) throws IOException {
    if (d.isKiln()) {
      try (KilnDataset ds = KilnDataset.open(d.path())) {
        Sample s;
        try {
          s = ds.get(key);
        } catch (NoSuchElementException e) {
          err.println("kiln inspect: --key=" + key + ": no such sample in " + d.path());
          return ExitCode.FAILED;
        }
        out.println(JSON.writeValueAsString(SampleMetadataJson.toJson(s)));
        return ExitCode.OK;
      }
    }
    for (Path tar : tarShards(d)) {
      for (TarMembers.Member m : TarMembers.list(tar)) {
        if (m.name().equals(key + ".json")) {
          JsonNode node = JSON.readTree(TarMembers.read(tar, m));
          out.println(JSON.writeValueAsString(node));
          return ExitCode.OK;
        }
      }
    }
    err.println("kiln inspect: --key=" + key + ": no such sample in " + d.path());
    return ExitCode.FAILED;
  }

  // ------------------------------------------------------------------ --extract

  private static int extractKiln(DatasetDirectory d, int n, Path to) throws IOException {
    try (KilnDataset ds = KilnDataset.open(d.path())) {
      int count = Math.min(n, ds.size());
      for (int i = 0; i < count; i++) {
        Sample s = ds.get(i);
        DatasetDirectory.writeInside(to, s.key() + "." + s.fileExtension(), s.image());
        DatasetDirectory.writeInside(to, s.key() + ".json", SampleMetadataJson.toBytes(s));
      }
      return count;
    }
  }

  /**
   * Copies members of the first {@code n} samples verbatim. A sample is the group of members
   * sharing a key (name minus its last extension), however they are ordered in the tar.
   */
  private static int extractTars(DatasetDirectory d, int n, Path to) throws IOException {
    Set<String> keys = new HashSet<>();
    for (Path tar : tarShards(d)) {
      try (InputStream in = Files.newInputStream(tar);
          TarArchiveInputStream t = new TarArchiveInputStream(in, "UTF-8")) {
        for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
          if (!e.isFile()) {
            continue;
          }
          String key = TarMembers.key(e.getName());
          if (!keys.contains(key)) {
            if (keys.size() == n) {
              return n;
            }
            keys.add(key);
          }
          DatasetDirectory.writeInside(to, e.getName(), t.readAllBytes());
        }
      }
    }
    return keys.size();
  }

  /** Tar shards in manifest order, or the tar files present in name order. */
  private static List<Path> tarShards(DatasetDirectory d) throws IOException {
    if (d.manifest().isPresent() && !d.manifest().get().shards().isEmpty()) {
      return d.manifest().get().shards().stream().map(s -> d.path().resolve(s.name())).toList();
    }
    return DatasetDirectory.files(d.path(), ".tar");
  }

  /** Space a Kiln dataset's layout costs, from its index alone (no shard I/O). */
  record KilnSpace(
      long shardBytes, long recordBytes, long paddingBytes, long framingBytes, int[] windows) {
    static KilnSpace of(DatasetIndex ix) {
      long shardBytes = 0;
      long recordBytes = 0;
      long padding = 0;
      int[] windows = new int[ix.size()];
      for (int s = 0; s < ix.shardCount(); s++) {
        shardBytes += ix.shardFileSize(s);
      }
      for (int i = 0; i < ix.size(); i++) {
        long off = ix.offset(i);
        int len = ix.length(i);
        recordBytes += len;
        long alignedEnd = ShardLayout.alignUp(off + len, Math.max(1, ix.align()));
        padding += alignedEnd - (off + len);
        windows[i] =
            (int)
                (ShardLayout.alignUp(off + len, ShardLayout.DIRECT_IO_ALIGN)
                    - ShardLayout.alignDown(off, ShardLayout.DIRECT_IO_ALIGN));
      }
      Arrays.sort(windows);
      return new KilnSpace(
          shardBytes, recordBytes, padding, shardBytes - recordBytes - padding, windows);
    }

    /** Shard bytes on disk per record byte. */
    double overhead() {
      return recordBytes == 0 ? 0 : (double) shardBytes / recordBytes;
    }

    /** The aligned read window (4 KiB granularity) at quantile {@code q}. */
    long windowPercentile(double q) {
      if (windows.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(q * windows.length) - 1;
      return windows[Math.max(0, Math.min(windows.length - 1, i))];
    }
  }
}
