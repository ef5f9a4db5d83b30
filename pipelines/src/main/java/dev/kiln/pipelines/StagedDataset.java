package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.FileTrees;
import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.LabelSummary;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.kiln.DatasetIndexWriter;
import dev.kiln.formats.kiln.LiveShard;
import dev.kiln.formats.kiln.SampleFields;
import dev.kiln.transforms.beam.PreviousVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a staging directory that a finished job left behind into a dataset: checks that every
 * described shard is there with the described size, writes {@code catalog.parquet} (and the dataset
 * index {@code index.kidx} for kiln shards), moves the rejects to {@code rejects/rejects.jsonl},
 * and writes {@code manifest.json} last.
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
    return finish(staging, format, configuration, kilnVersion, null, false);
  }

  /**
   * Finishes the dataset in {@code staging}; for an incremental run, also counts its inputs against
   * {@code previousVersion} (new, changed, deleted, carried over or rebuilt, rejected).
   *
   * @param carriedOver whether unchanged samples were carried over from {@code previousVersion}
   *     (false when a configuration change made the run rebuild them)
   */
  public static Manifest finish(
      Path staging,
      ShardFormat format,
      Map<String, String> configuration,
      String kilnVersion,
      Path previousVersion,
      boolean carriedOver)
      throws IOException {
    return finish(
        staging,
        format,
        configuration,
        kilnVersion,
        previousVersion,
        carriedOver,
        StagedParts.readFrom(staging));
  }

  /**
   * As {@link #finish(Path, ShardFormat, Map, String, Path, boolean)}, from {@code parts} handed
   * over in memory rather than read from the staging directory. Returns or throws only once no
   * shard of {@code parts} is being completed any more.
   */
  public static Manifest finish(
      Path staging,
      ShardFormat format,
      Map<String, String> configuration,
      String kilnVersion,
      Path previousVersion,
      boolean carriedOver,
      StagedParts parts)
      throws IOException {
    try (CatalogInBackground catalog = CatalogInBackground.start(staging)) {
      return finish(
          staging,
          format,
          configuration,
          kilnVersion,
          previousVersion,
          carriedOver,
          parts,
          catalog);
    } finally {
      parts.awaitShardsQuietly();
    }
  }

  /**
   * Finishes a dataset whose samples came from a pipeline that recorded no listing of input files
   * ({@code KilnIO.write()} after any source): each written sample's source counts as one input, so
   * {@code inputs = written + rejected} still holds in the manifest.
   */
  public static Manifest finishUnlisted(
      Path staging, ShardFormat format, Map<String, String> configuration, String kilnVersion)
      throws IOException {
    StagedParts staged = StagedParts.readFrom(staging);
    if (!staged.listing().isEmpty()) {
      return finish(staging, format, configuration, kilnVersion, null, false, staged);
    }
    Map<String, InputRecord> sources = new LinkedHashMap<>();
    for (ShardRows rows : staged.rows()) {
      for (CatalogEntry e : rows.entries()) {
        sources.putIfAbsent(
            e.sourcePath(), new InputRecord(e.key(), e.sourcePath(), 0, 0, "", false));
      }
    }
    StagedParts parts = new StagedParts(new ArrayList<>(sources.values()));
    List<ShardPart> shards = staged.shards();
    for (int i = 0; i < shards.size(); i++) {
      parts.addShard(staged.rows().get(i), CompletableFuture.completedFuture(shards.get(i)));
    }
    return finish(staging, format, configuration, kilnVersion, null, false, parts);
  }

  /**
   * As {@link #finish(Path, ShardFormat, Map, String, Path, boolean, StagedParts)}, the catalog
   * written by {@code catalog}.
   */
  private static Manifest finish(
      Path staging,
      ShardFormat format,
      Map<String, String> configuration,
      String kilnVersion,
      Path previousVersion,
      boolean carriedOver,
      StagedParts parts,
      CatalogInBackground catalog)
      throws IOException {
    // catalog.parquet is written on its own thread (CatalogInBackground), beside the rest of
    // finishing; the rows are gathered here, once, for both.
    List<CatalogEntry> entries = new ArrayList<>();
    List<Integer> imageLengths = new ArrayList<>();
    for (ShardRows rows : parts.rows()) {
      entries.addAll(rows.entries());
      imageLengths.addAll(rows.imageLengths());
    }
    // Shared shards keep their records in place: most of the previous catalog's row groups hold
    // the same rows again.
    List<CatalogEntry> before =
        parts.sharedShards() == null || previousVersion == null
            ? null
            : PreviousVersion.catalogRowsOf(previousVersion);
    catalog.write(entries, before == null ? null : previousVersion, before);
    if (format == ShardFormat.KILN) {
      // In shard order, which is the index's: what the next incremental run carries samples with.
      if (before != null && parts.sharingVersionName() != null) {
        // The shared shards' rows are the version before's: only the run's own shards' are new.
        int shared = 0;
        for (int s = 0; s < parts.sharedShards().size(); s++) {
          shared += parts.rows().get(s).entries().size();
        }
        SampleFields.writeChanges(
            staging,
            parts.sharingVersionName(),
            previousVersion,
            entries.subList(shared, entries.size()),
            imageLengths.subList(shared, imageLengths.size()));
      } else {
        SampleFields.write(staging, entries, imageLengths);
      }
    }
    return finishBesideCatalog(
        staging,
        format,
        configuration,
        kilnVersion,
        previousVersion,
        carriedOver,
        parts,
        entries,
        catalog);
  }

  private static Manifest finishBesideCatalog(
      Path staging,
      ShardFormat format,
      Map<String, String> configuration,
      String kilnVersion,
      Path previousVersion,
      boolean carriedOver,
      StagedParts parts,
      List<CatalogEntry> entries,
      CatalogInBackground catalog)
      throws IOException {
    Map<String, String> contentHashes = new HashMap<>();
    for (CatalogEntry entry : entries) {
      contentHashes.put(entry.key(), entry.contentHash());
    }
    List<InputRecord> inputs = inputRecords(parts.listing(), contentHashes);
    parts.finishedInputs(inputs);
    if (parts.sharingVersionName() != null && previousVersion != null) {
      // Like its shards, a version that shares them shares the inputs file it builds on.
      InputChanges.write(
          staging,
          parts.sharingVersionName(),
          previousVersion,
          inputs,
          PreviousVersion.inputsOf(previousVersion));
    } else {
      InputRecord.writeAll(staging.resolve(InputRecord.FILE_NAME), inputs);
    }
    // Everything above needs only the shards' rows; from here on, the shards must be complete.
    List<ShardPart> shardParts = parts.shards();
    if (format == ShardFormat.KILN) {
      // One file holding every shard's footer, so readers load the whole index in one read;
      // the shards' CRC32C are their writers', which saves reading every shard again.
      Map<String, Integer> fileCrcs = new HashMap<>();
      for (ShardPart part : shardParts) {
        if (part.fileCrc32c() >= 0) {
          fileCrcs.put(part.file().name(), (int) part.fileCrc32c());
        }
      }
      List<LiveShard> shared = parts.sharedShards();
      if (shared == null) {
        DatasetIndexWriter.rebuild(staging, fileCrcs);
      } else {
        // The shared shards' records that this version keeps, then the run's own shards whole.
        List<String> own = new ArrayList<>();
        for (int i = shared.size(); i < shardParts.size(); i++) {
          own.add(shardParts.get(i).file().name());
        }
        DatasetIndexWriter.writeShared(staging, shared, own, fileCrcs);
      }
    }

    List<ShardFile> shards = new ArrayList<>();
    var fingerprint = FileDigest.newSha256();
    long written = 0;
    for (ShardPart part : shardParts) {
      Path file = staging.resolve(part.file().name());
      if (!Files.isRegularFile(file) || Files.size(file) != part.file().bytes()) {
        throw new IOException(
            "shard "
                + file
                + " is missing or not the size its writer reported ("
                + part.file().bytes()
                + " bytes)");
      }
      shards.add(part.file());
      written += part.file().samples();
      fingerprint.update((part.contentDigest() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Long> rejectedByReason = new TreeMap<>();
    long unlisted = 0; // rejected before keying (links, duplicates): not in inputs.jsonl
    Path rejectsPart = StagingLayout.rejectsPart(staging);
    Path rejectsDir = staging.resolve(REJECTS_DIR);
    Files.createDirectories(rejectsDir);
    Path rejectsFile = rejectsDir.resolve(REJECTS_FILE);
    if (Files.exists(rejectsPart)) {
      Set<String> listed = new HashSet<>();
      inputs.forEach(r -> listed.add(r.path()));
      for (String line : Files.readAllLines(rejectsPart, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        Rejection r = Rejection.fromJsonLine(line);
        rejectedByReason.merge(r.reason(), 1L, Long::sum);
        if (!listed.contains(r.path())) {
          unlisted++;
        }
        fingerprint.update(
            (r.key() + "\0" + r.path() + "\0" + r.size() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      Files.move(rejectsPart, rejectsFile);
    } else {
      Files.createFile(rejectsFile);
    }
    catalog.await(); // the catalog belongs to the dataset the manifest describes
    FileTrees.delete(StagingLayout.parts(staging));

    long rejected = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    Manifest manifest =
        new Manifest(
            kilnVersion,
            format.flagValue(),
            // Inputs are files: with per-object framing one input gives several samples, so
            // they are counted from the listing, not as written + rejected.
            inputs.size() + unlisted, // one record per listed file, by key
            written,
            rejectedByReason,
            shards,
            configuration,
            HexFormat.of().formatHex(fingerprint.digest()),
            SampleCodec.SCHEMA_JSON);
    LabelSummary classes = LabelSummary.ofSamples(entries);
    if (!classes.isEmpty()) {
      manifest = manifest.withLabels(classes);
    }
    if (previousVersion != null) {
      manifest =
          manifest.withRun(
              "",
              changes(inputs, PreviousVersion.inputsOf(previousVersion), rejected, carriedOver));
    }
    manifest.writeTo(staging);
    return manifest;
  }

  /** The listed inputs, sorted by key, with the content hash of those that were written. */
  private static List<InputRecord> inputRecords(
      List<InputRecord> listing, Map<String, String> contentHashes) {
    List<InputRecord> records = new ArrayList<>(listing.size());
    for (InputRecord r : listing) {
      String hash = contentHashes.get(r.key());
      records.add(
          new InputRecord(
              r.key(),
              r.path(),
              r.size(),
              r.lastModifiedMillis(),
              hash == null ? "" : hash,
              hash != null));
    }
    records.sort(Comparator.comparing(InputRecord::key));
    return records;
  }

  /** How this run's inputs differ from the previous version's. */
  static Map<String, Long> changes(
      List<InputRecord> now, Map<String, InputRecord> before, long rejected, boolean carriedOver) {
    long added = 0;
    long changed = 0;
    long unchanged = 0;
    for (InputRecord r : now) { // one record per key
      InputRecord b = before.get(r.key());
      if (b == null) {
        added++;
      } else if (r.written() && b.written() && r.contentHash().equals(b.contentHash())) {
        unchanged++;
      } else {
        changed++;
      }
    }
    long deleted = before.size() - (now.size() - added);
    Map<String, Long> changes = new LinkedHashMap<>();
    changes.put("new", added);
    changes.put("changed", changed);
    changes.put("deleted", deleted);
    changes.put("carried_over", carriedOver ? unchanged : 0);
    changes.put("rebuilt", carriedOver ? 0 : unchanged);
    changes.put("rejected", rejected);
    return changes;
  }
}
