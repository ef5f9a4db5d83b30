package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.DatasetIndexWriter;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns a staging directory that a finished job left behind into a dataset: checks that every
 * described shard is there with the described size, writes {@code catalog.parquet} (and the
 * dataset index {@code index.kidx} for kiln shards), moves the rejects to
 * {@code rejects/rejects.jsonl}, and writes {@code manifest.json} last.
 */
public final class StagedDataset {
  public static final String REJECTS_DIR = "rejects";
  public static final String REJECTS_FILE = "rejects.jsonl";

  private StagedDataset() {}

  /**
   * Finishes the dataset in {@code staging} and returns its manifest.
   *
   * @throws IOException when a shard the workers described is missing or has another size
   */
  public static Manifest finish(
      Path staging, ShardFormat format, Map<String, String> configuration, String kilnVersion)
      throws IOException {
    Path parts = StagingLayout.parts(staging);
    List<ShardPart> shardParts = new ArrayList<>();
    if (Files.isDirectory(parts)) {
      try (Stream<Path> files = Files.list(parts)) {
        for (Path p : (Iterable<Path>) files.sorted()::iterator) {
          String name = p.getFileName().toString();
          if (name.startsWith(StagingLayout.SHARD_PREFIX + "-") && name.endsWith(".json")) {
            shardParts.add(ShardPart.readFrom(p));
          }
        }
      }
    }
    shardParts.sort(Comparator.comparingInt(ShardPart::index));

    try (CatalogWriter catalog = CatalogWriter.open(staging)) {
      for (ShardPart part : shardParts) {
        for (String line :
            Files.readAllLines(StagingLayout.catalogPart(staging, part.index()), StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            catalog.write(CatalogEntry.fromJsonLine(line));
          }
        }
      }
    }
    if (format == ShardFormat.KILN) {
      // One file holding every shard's footer, so readers load the whole index in one read.
      DatasetIndexWriter.rebuild(staging);
    }

    List<ShardFile> shards = new ArrayList<>();
    var fingerprint = WriteShards.sha256();
    long written = 0;
    for (ShardPart part : shardParts) {
      Path file = staging.resolve(part.file().name());
      if (!Files.isRegularFile(file) || Files.size(file) != part.file().bytes()) {
        throw new IOException(
            "shard " + file + " is missing or not the size its writer reported ("
                + part.file().bytes() + " bytes)");
      }
      shards.add(part.file());
      written += part.file().samples();
      fingerprint.update((part.contentDigest() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Long> rejectedByReason = new TreeMap<>();
    Path rejectsPart = StagingLayout.rejectsPart(staging);
    Path rejectsDir = staging.resolve(REJECTS_DIR);
    Files.createDirectories(rejectsDir);
    Path rejectsFile = rejectsDir.resolve(REJECTS_FILE);
    if (Files.exists(rejectsPart)) {
      for (String line : Files.readAllLines(rejectsPart, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        Rejection r = Rejection.fromJsonLine(line);
        rejectedByReason.merge(r.reason(), 1L, Long::sum);
        fingerprint.update(
            (r.key() + "\0" + r.path() + "\0" + r.size() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      Files.move(rejectsPart, rejectsFile);
    } else {
      Files.createFile(rejectsFile);
    }
    deleteTree(parts);

    long rejected = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    Manifest manifest =
        new Manifest(
            kilnVersion,
            format.flagValue(),
            written + rejected,
            written,
            rejectedByReason,
            shards,
            configuration,
            HexFormat.of().formatHex(fingerprint.digest()),
            SampleCodec.SCHEMA.toString());
    manifest.writeTo(staging);
    return manifest;
  }

  /** Deletes a directory tree; missing is fine. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
