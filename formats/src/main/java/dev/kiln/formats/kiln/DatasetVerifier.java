package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a Kiln dataset directory end to end and lists what is wrong, in words a person can act on.
 * Reads every byte once (twice for records: once for the file checksum, once per record), so it is
 * a job to run after writing or copying a dataset, not at training start.
 *
 * <p>Checked: {@code index.kidx} readable and intact; every shard listed is present and every shard
 * present is listed; no {@code .tmp} leftovers of interrupted writers; each shard's header, trailer
 * and footer (magic, version, checksums, sizes); index vs footer (format version, size, file
 * checksum, footer checksum, record count, align, schema, and every entry's key, offset, length and
 * checksum); record extents (inside the file, after the header, before the footer, aligned, in
 * order, not overlapping); every record's checksum, that it decodes under the sample schema and
 * that its key is the indexed key; keys unique across the dataset; and the record count against
 * {@code manifest.json} ({@code counts.written}, or a top-level {@code written}) when that file
 * exists.
 */
public final class DatasetVerifier {
  /** Default cap on reported problems, so a badly broken dataset gives a readable report. */
  public static final int DEFAULT_MAX_PROBLEMS = 1000;

  private final List<String> problems = new ArrayList<>();
  private final int maxProblems;
  private long suppressed;

  private DatasetVerifier(int maxProblems) {
    this.maxProblems = maxProblems;
  }

  /** Verifies a dataset directory; an empty list means it is OK. */
  public static List<String> verify(Path datasetDir) throws IOException {
    return verify(datasetDir, DEFAULT_MAX_PROBLEMS);
  }

  /**
   * Verifies a dataset directory, reporting at most {@code maxProblems} problems (plus one line
   * saying how many more were found).
   */
  public static List<String> verify(Path datasetDir, int maxProblems) throws IOException {
    DatasetVerifier v = new DatasetVerifier(Math.max(1, maxProblems));
    v.run(DatasetRoot.resolve(datasetDir));
    if (v.suppressed > 0) {
      v.problems.add("... and " + v.suppressed + " more problems");
    }
    return List.copyOf(v.problems);
  }

  private void problem(String p) {
    if (problems.size() < maxProblems) {
      problems.add(p);
    } else {
      suppressed++;
    }
  }

  private void run(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      problem(dir + ": not a directory");
      return;
    }
    DatasetIndex index = null;
    Path indexFile = dir.resolve(INDEX_FILE_NAME);
    if (!Files.exists(indexFile)) {
      problem(
          INDEX_FILE_NAME
              + " missing: readers must scan every shard footer"
              + " (rebuild it with DatasetIndexWriter.rebuild)");
    } else {
      try {
        index = DatasetIndex.read(indexFile);
      } catch (CorruptIndexException e) {
        problem(e.getMessage());
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(TMP_SUFFIX))
          .sorted()
          .forEach(n -> problem(n + ": temporary file left by an interrupted writer"));
    }
    List<Path> onDisk = DatasetIndex.listShards(dir);
    Map<String, Integer> indexed = new HashMap<>();
    if (index != null) {
      for (int s = 0; s < index.shardCount(); s++) {
        indexed.put(index.shardFileName(s), s);
        if (!Files.isRegularFile(dir.resolve(index.shardFileName(s)))) {
          problem(index.shardFileName(s) + ": listed in " + INDEX_FILE_NAME + " but missing");
        }
      }
    }
    Set<String> keys = new HashSet<>();
    long records = 0;
    for (Path shard : onDisk) {
      String name = shard.getFileName().toString();
      Integer s = indexed.get(name);
      if (index != null && s == null) {
        problem(name + ": shard not listed in " + INDEX_FILE_NAME);
      }
      records += checkShard(shard, index, s, keys);
    }
    if (index != null) {
      records = index.size();
    }
    checkManifest(dir, records);
  }

  /** Checks one shard; returns its record count (0 if it can't be opened). */
  private int checkShard(Path shard, DatasetIndex index, Integer s, Set<String> keys)
      throws IOException {
    String name = shard.getFileName().toString();
    KilnShardReader r;
    try {
      r = KilnShardReader.open(shard);
    } catch (CorruptShardException e) {
      problem(e.getMessage());
      return 0;
    }
    try (r) {
      ShardSummary sum = r.summary();
      if (!SampleCodec.decodes(r.schemaJson())) {
        problem(name + ": header schema is no sample schema this Kiln reads");
      }
      int first = -1;
      if (index != null && s != null) {
        first = index.shardFirstRecord(s);
        compare(name, "format version", index.version(), r.version());
        compare(name, "file size", index.shardFileSize(s), sum.bytes());
        String checksum = r.checksum().label();
        compare(name, "file " + checksum, index.shardFileCrc32c(s), sum.fileCrc32c());
        compare(name, "footer " + checksum, index.shardFooterCrc32c(s), sum.footerCrc32c());
        compare(name, "record count", index.shardFileRecordCount(s), r.size());
        compare(name, "align", index.align(), r.align());
        if (!index.schemaJson().equals(r.schemaJson())) {
          problem(name + ": header schema differs from the schema in " + INDEX_FILE_NAME);
        }
      }
      int align = r.align();
      long prevEnd = r.headerLength();
      // A shard shared by dataset versions may hold records this version does not list (its
      // deleted or replaced samples): the index lists a subsequence of the footer, matched by
      // offset. Only listed records are this version's samples, whose keys must be unique.
      int listed = first >= 0 ? index.shardRecordCount(s) : r.size();
      int next = 0;
      for (int i = 0; i < r.size(); i++) {
        IndexEntry e = r.entry(i);
        String where = name + " record " + i + " (key '" + e.key() + "')";
        boolean live = first < 0;
        if (first >= 0 && next < listed) {
          IndexEntry x = index.entry(first + next);
          if (x.offset() == e.offset()) {
            live = true;
            next++;
            if (!x.equals(e)) {
              problem(where + ": " + INDEX_FILE_NAME + " has " + x + ", footer has " + e);
            }
          } else if (!index.isShared()) {
            problem(where + ": " + INDEX_FILE_NAME + " has " + x + ", footer has " + e);
          }
        }
        if (align > 0 && e.offset() % align != 0) {
          problem(where + ": offset " + e.offset() + " is not a multiple of align " + align);
        }
        if (e.offset() < prevEnd) {
          problem(
              where
                  + ": offset "
                  + e.offset()
                  + " overlaps the header or previous record"
                  + " (ends at "
                  + prevEnd
                  + ")");
        }
        if (e.end() > r.footerOffset()) {
          problem(
              where
                  + ": extent ["
                  + e.offset()
                  + ", "
                  + e.end()
                  + ") runs past the footer at "
                  + r.footerOffset());
          continue;
        }
        prevEnd = Math.max(prevEnd, e.end());
        if (live && !keys.add(e.key())) {
          problem(where + ": key appears more than once in the dataset");
        }
        byte[] bytes;
        try {
          bytes = r.readRecord(i);
        } catch (CorruptRecordException ex) {
          problem(where + ": " + r.checksum().label() + " mismatch: " + ex.getMessage());
          continue;
        }
        try {
          Sample sample = SampleCodec.decode(bytes);
          if (!sample.key().equals(e.key())) {
            problem(where + ": record holds key '" + sample.key() + "'");
          }
        } catch (IllegalArgumentException ex) {
          problem(where + ": does not decode: " + ex.getMessage());
        }
      }
      if (next < listed) {
        problem(
            name
                + ": "
                + INDEX_FILE_NAME
                + " lists "
                + (listed - next)
                + " record(s) its footer does not hold, from entry "
                + (first + next));
      }
      return listed;
    }
  }

  private void compare(String shard, String what, long expected, long actual) {
    if (expected != actual) {
      problem(
          shard + ": " + what + " is " + actual + " but " + INDEX_FILE_NAME + " says " + expected);
    }
  }

  private void checkManifest(Path dir, long records) {
    Path manifest = dir.resolve(MANIFEST_FILE_NAME);
    if (!Files.exists(manifest)) {
      return;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(manifest.toFile());
    } catch (IOException e) {
      problem(MANIFEST_FILE_NAME + ": not readable JSON: " + e.getMessage());
      return;
    }
    JsonNode written = root.path("counts").path("written");
    if (!written.isNumber()) {
      written = root.path("written");
    }
    // Lenient by design: manifests written by other stages may not carry a count at all.
    if (written.isNumber() && written.asLong() != records) {
      problem(
          MANIFEST_FILE_NAME
              + ": says "
              + written.asLong()
              + " samples written, dataset has "
              + records);
    }
  }
}
