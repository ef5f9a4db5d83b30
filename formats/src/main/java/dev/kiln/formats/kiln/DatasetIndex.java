package dev.kiln.formats.kiln;

import static dev.kiln.formats.kiln.ShardLayout.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole dataset's record index held in memory: per shard its file name, size, record count and
 * checksums; per record (in dataset order: shards in shard order, records in file order) its shard,
 * key, offset, length and checksum (the format version's, {@link LayoutChecksum}). This is the
 * content of {@code index.kidx}.
 *
 * <p>Stored as parallel primitive arrays rather than objects, so tens of millions of records cost
 * roughly key bytes + 20 bytes each; the key lookup table is built on first use because training by
 * position never needs it. Immutable and safe to share between threads.
 */
public final class DatasetIndex {
  /** The shards' format version, whose checksum every record, footer and trailer carries. */
  private final int version;

  /**
   * The version of the index file: {@link #version}, or {@link ShardLayout#INDEX_VERSION_SHARED}
   * when a shard holds records the index does not list.
   */
  private final int indexVersion;

  private final LayoutChecksum checksum;
  private final int align;
  private final String schemaJson;
  private final String[] shardNames;
  private final long[] shardSizes;
  private final long[] shardStarts; // first record of shard s; shardStarts[S] = size
  private final long[] shardFileRecords; // records in shard s's file, listed or not
  private final int[] shardFileCrcs;
  private final int[] shardFooterCrcs;
  private final long[] offsets;
  private final int[] lengths;
  private final int[] crcs;
  private final String[] keys;
  private volatile int[] keyTable; // open addressing: record index + 1, 0 = empty

  private DatasetIndex(
      int version,
      int align,
      String schemaJson,
      String[] shardNames,
      long[] shardSizes,
      long[] shardStarts,
      long[] shardFileRecords,
      int[] shardFileCrcs,
      int[] shardFooterCrcs,
      long[] offsets,
      int[] lengths,
      int[] crcs,
      String[] keys) {
    this.version = version;
    boolean shared = false;
    for (int s = 0; s < shardNames.length; s++) {
      shared |= shardFileRecords[s] != shardStarts[s + 1] - shardStarts[s];
    }
    this.indexVersion = shared ? INDEX_VERSION_SHARED : version;
    this.shardFileRecords = shardFileRecords;
    this.checksum = LayoutChecksum.forVersion(version);
    this.align = align;
    this.schemaJson = schemaJson;
    this.shardNames = shardNames;
    this.shardSizes = shardSizes;
    this.shardStarts = shardStarts;
    this.shardFileCrcs = shardFileCrcs;
    this.shardFooterCrcs = shardFooterCrcs;
    this.offsets = offsets;
    this.lengths = lengths;
    this.crcs = crcs;
    this.keys = keys;
  }

  // ------------------------------------------------------------------ construction

  /**
   * Builds the index from shard summaries. Shards are put in shard order ({@link
   * ShardLayout#compareShardNames}) whatever order the list has, so a pipeline can collect
   * summaries from parallel workers in any order.
   *
   * @throws IllegalArgumentException if shards disagree on format version, schema or alignment, a
   *     file name repeats, or a key appears twice in the dataset
   */
  public static DatasetIndex fromSummaries(List<ShardSummary> summaries) {
    List<ShardSummary> sorted = new ArrayList<>(summaries);
    sorted.sort((a, b) -> compareShardNames(a.fileName(), b.fileName()));
    String schema =
        sorted.isEmpty() ? dev.kiln.formats.SampleCodec.SCHEMA_JSON : sorted.get(0).schemaJson();
    int align = sorted.isEmpty() ? DEFAULT_ALIGN : sorted.get(0).align();
    int version = sorted.isEmpty() ? VERSION : sorted.get(0).version();
    String first = sorted.isEmpty() ? null : sorted.get(0).fileName();
    List<LiveShard> shards = new ArrayList<>(sorted.size());
    for (ShardSummary sh : sorted) {
      if (!sh.schemaJson().equals(schema)) {
        throw new IllegalArgumentException(
            sh.fileName() + " has a different sample schema than " + first);
      }
      if (sh.version() != version) {
        throw new IllegalArgumentException(
            sh.fileName()
                + " is of format version "
                + sh.version()
                + ", "
                + first
                + " of version "
                + version
                + " (one dataset, one version)");
      }
      if (sh.align() != align) {
        throw new IllegalArgumentException(
            sh.fileName() + " has align " + sh.align() + ", " + first + " has " + align);
      }
      shards.add(LiveShard.whole(sh));
    }
    // Every record of every shard is live: ofLiveShards writes the shards' own index version.
    return ofLiveShards(version, align, schema, shards);
  }

  /**
   * Builds the index of a dataset version from its shards in the order given (which is the dataset
   * order), each with the records the version lists ({@link LiveShard}). Written as {@link
   * ShardLayout#INDEX_VERSION_SHARED} when some shard holds records not listed, else as the shards'
   * own version, byte for byte what {@link #fromSummaries} gives for the same shards.
   *
   * @param version the shards' format version
   * @throws IllegalArgumentException if a name or a listed key repeats
   */
  public static DatasetIndex ofLiveShards(
      int version, int align, String schemaJson, List<LiveShard> shards) {
    if (version != VERSION_2
        && shards.stream().anyMatch(sh -> sh.live().size() != sh.fileRecordCount())) {
      throw new IllegalArgumentException(
          "records of version " + version + " shards cannot be left unlisted");
    }
    LayoutChecksum.forVersion(version);
    int s = shards.size();
    long total = 0;
    for (LiveShard sh : shards) {
      total += sh.live().size();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many records for one index: " + total);
    }
    int n = (int) total;
    String[] names = new String[s];
    long[] sizes = new long[s];
    long[] starts = new long[s + 1];
    long[] fileRecords = new long[s];
    int[] fileCrcs = new int[s];
    int[] footerCrcs = new int[s];
    long[] offsets = new long[n];
    int[] lengths = new int[n];
    int[] crcs = new int[n];
    String[] keys = new String[n];
    java.util.Set<String> seen = new java.util.HashSet<>();
    int r = 0;
    for (int i = 0; i < s; i++) {
      LiveShard sh = shards.get(i);
      if (!seen.add(sh.name())) {
        throw new IllegalArgumentException("shard listed twice: " + sh.name());
      }
      names[i] = sh.name();
      sizes[i] = sh.fileSize();
      fileRecords[i] = sh.fileRecordCount();
      fileCrcs[i] = sh.fileCrc();
      footerCrcs[i] = sh.footerCrc();
      starts[i] = r;
      for (IndexEntry e : sh.live()) {
        offsets[r] = e.offset();
        lengths[r] = e.length();
        crcs[r] = e.crc32c();
        keys[r] = e.key();
        r++;
      }
    }
    starts[s] = r;
    DatasetIndex index =
        new DatasetIndex(
            version,
            align,
            schemaJson,
            names,
            sizes,
            starts,
            fileRecords,
            fileCrcs,
            footerCrcs,
            offsets,
            lengths,
            crcs,
            keys);
    index.keyTable(); // rejects a key listed twice
    return index;
  }

  /**
   * Builds the index by reading the footer of every {@code *.kiln} file in {@code dir} (one
   * sequential pass over each file to compute its whole-file checksum). For datasets whose shard
   * summaries were lost, and for datasets written without an index.
   */
  public static DatasetIndex fromShardFiles(Path dir) throws IOException {
    return fromShardFiles(dir, true);
  }

  /** As {@link #fromShardFiles(Path)}; without {@code withFileCrcs} only footers are read. */
  static DatasetIndex fromShardFiles(Path dir, boolean withFileCrcs) throws IOException {
    List<ShardSummary> summaries = new ArrayList<>();
    for (Path p : listShards(dir)) {
      try (KilnShardReader r = KilnShardReader.open(p)) {
        summaries.add(r.summary(withFileCrcs));
      }
    }
    return fromSummaries(summaries);
  }

  /**
   * As {@link #fromShardFiles(Path)}, with the file checksum of the shards {@code fileCrcs} names
   * (by file name) taken from there: only those shards' trailers and footers are read.
   */
  static DatasetIndex fromShardFiles(Path dir, Map<String, Integer> fileCrcs) throws IOException {
    List<ShardSummary> summaries = new ArrayList<>();
    for (Path p : listShards(dir)) {
      try (KilnShardReader r = KilnShardReader.open(p)) {
        Integer known = fileCrcs.get(p.getFileName().toString());
        ShardSummary s = r.summary(known == null);
        summaries.add(
            known == null
                ? s
                : new ShardSummary(
                    s.fileName(),
                    s.recordCount(),
                    s.bytes(),
                    known,
                    s.footerCrc32c(),
                    s.align(),
                    s.schemaJson(),
                    s.entries(),
                    s.version()));
      }
    }
    return fromSummaries(summaries);
  }

  /** The {@code *.kiln} files of a dataset directory, in shard order. */
  public static List<Path> listShards(Path dir) throws IOException {
    List<Path> shards = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().endsWith(SHARD_SUFFIX) && Files.isRegularFile(p))
          .forEach(shards::add);
    }
    shards.sort(
        (a, b) -> compareShardNames(a.getFileName().toString(), b.getFileName().toString()));
    return shards;
  }

  /** Reads {@code index.kidx} with one read and checks its magic and checksum. */
  public static DatasetIndex read(Path indexFile) throws IOException {
    byte[] bytes;
    try (FileChannel ch = FileChannel.open(indexFile, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new CorruptIndexException(indexFile, "larger than 2 GiB: " + size + " bytes");
      }
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
        // One read for a regular file; the loop only guards against short reads.
      }
      bytes = b.array();
    }
    try {
      return parse(bytes, indexFile.toString());
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CorruptIndexException(indexFile, e.getMessage());
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptIndexException(indexFile, "a table runs past the end of the file");
    }
  }

  /**
   * Parses an index held in memory (read from object storage), {@code where} naming it.
   *
   * @throws CorruptIndexException when it is damaged
   */
  public static DatasetIndex parse(byte[] bytes, Path where) throws CorruptIndexException {
    try {
      return parse(bytes, where.toString());
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new CorruptIndexException(where, e.getMessage());
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptIndexException(where, "a table runs past the end of the file");
    }
  }

  private static DatasetIndex parse(byte[] bytes, String where) {
    if (bytes.length < IDX_FIXED_SIZE + IDX_END_SIZE) {
      throw new IllegalArgumentException("too short (" + bytes.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (!LayoutCodec.hasMagic(b, IDX_MAGIC, INDEX_MAGIC)) {
      throw new IllegalArgumentException("bad magic, not a Kiln index");
    }
    int end = bytes.length - IDX_END_SIZE;
    if (!LayoutCodec.hasMagic(b, end + 4, INDEX_END_MAGIC)) {
      throw new IllegalArgumentException("bad end magic (truncated?)");
    }
    // The version says which checksum the file ends with, and whether rows carry live counts.
    int indexVersion = b.getInt(IDX_VERSION);
    boolean shared = indexVersion == INDEX_VERSION_SHARED;
    int version = shared ? VERSION_2 : indexVersion;
    LayoutChecksum checksum = LayoutChecksum.forVersion(version);
    int rowSize = shared ? SHT_FIXED_SIZE_SHARED : SHT_FIXED_SIZE;
    int stored = b.getInt(end);
    int actual = checksum.of(bytes, 0, end);
    if (stored != actual) {
      throw new IllegalArgumentException(
          checksum.label()
              + " mismatch (stored "
              + LayoutCodec.hex(stored)
              + ", computed "
              + LayoutCodec.hex(actual)
              + ")");
    }
    int align = b.getInt(IDX_ALIGN);
    int s = b.getInt(IDX_SHARD_COUNT);
    int schemaLength = b.getInt(IDX_SCHEMA_LENGTH);
    long total = b.getLong(IDX_RECORD_COUNT);
    if (!isValidAlign(align)
        || s < 0
        || schemaLength < 0
        || total < 0
        || total > Integer.MAX_VALUE - 8
        || schemaLength > end) {
      throw new IllegalArgumentException("bad header fields");
    }
    String schema = LayoutCodec.utf8(bytes, IDX_SCHEMA, schemaLength, where);
    b.position(IDX_SCHEMA + schemaLength);
    // Counts are checked against the bytes that could hold them before arrays of that size are
    // made: a damaged count must not ask for gigabytes.
    long room = end - (long) b.position();
    if (s > room / (SHT_NAME_LENGTH_SIZE + rowSize) || total > room / ENT_FIXED_SIZE) {
      throw new IllegalArgumentException(
          s + " shards and " + total + " entries cannot fit in " + room + " bytes");
    }
    int n = (int) total;
    String[] names = new String[s];
    long[] sizes = new long[s];
    long[] starts = new long[s + 1];
    long[] fileRecords = new long[s];
    int[] fileCrcs = new int[s];
    int[] footerCrcs = new int[s];
    long acc = 0;
    for (int i = 0; i < s; i++) {
      int nameLength = Short.toUnsignedInt(b.getShort());
      names[i] = LayoutCodec.utf8(bytes, b.position(), nameLength, where);
      if (names[i].isEmpty()
          || names[i].contains("/")
          || names[i].indexOf('\0') >= 0
          || names[i].equals(".")
          || names[i].equals("..")) {
        // A shard is a file beside the index, never a path elsewhere.
        throw new IllegalArgumentException("shard name '" + names[i] + "' is not a file name");
      }
      b.position(b.position() + nameLength);
      sizes[i] = b.getLong();
      fileRecords[i] = b.getLong();
      fileCrcs[i] = b.getInt();
      footerCrcs[i] = b.getInt();
      long count = shared ? b.getLong() : fileRecords[i];
      if (count < 0 || count > fileRecords[i]) {
        throw new IllegalArgumentException(
            "shard '" + names[i] + "' lists " + count + " of its " + fileRecords[i] + " records");
      }
      starts[i] = acc;
      acc += count;
      if (count < 0 || acc > n) {
        throw new IllegalArgumentException("shard record counts exceed record count " + n);
      }
    }
    if (acc != n) {
      throw new IllegalArgumentException(
          "shard record counts sum to " + acc + ", header says " + n);
    }
    starts[s] = n;
    long[] offsets = new long[n];
    int[] lengths = new int[n];
    int[] crcs = new int[n];
    String[] keys = new String[n];
    b.limit(end);
    LayoutCodec.readEntries(b, n, 0, offsets, lengths, crcs, keys, where);
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(b.remaining() + " unexpected bytes after the entries");
    }
    return new DatasetIndex(
        version,
        align,
        schema,
        names,
        sizes,
        starts,
        fileRecords,
        fileCrcs,
        footerCrcs,
        offsets,
        lengths,
        crcs,
        keys);
  }

  /** Serializes to the {@code index.kidx} encoding. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + keys.length * 48);
    byte[] schema = schemaJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer h = LayoutCodec.le(IDX_FIXED_SIZE);
    boolean shared = indexVersion == INDEX_VERSION_SHARED;
    h.put(magicBytes(INDEX_MAGIC))
        .putInt(indexVersion)
        .putInt(align)
        .putInt(shardNames.length)
        .putInt(schema.length)
        .putLong(keys.length);
    out.write(h.array(), 0, IDX_FIXED_SIZE);
    out.write(schema, 0, schema.length);
    for (int i = 0; i < shardNames.length; i++) {
      byte[] name = shardNames[i].getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xFFFF) {
        throw new IllegalArgumentException("shard file name too long: " + shardNames[i]);
      }
      ByteBuffer sh =
          LayoutCodec.le(
              SHT_NAME_LENGTH_SIZE
                  + name.length
                  + (shared ? SHT_FIXED_SIZE_SHARED : SHT_FIXED_SIZE));
      sh.putShort((short) name.length)
          .put(name)
          .putLong(shardSizes[i])
          .putLong(shardFileRecords[i])
          .putInt(shardFileCrcs[i])
          .putInt(shardFooterCrcs[i]);
      if (shared) {
        sh.putLong(shardStarts[i + 1] - shardStarts[i]);
      }
      out.write(sh.array(), 0, sh.capacity());
    }
    for (int r = 0; r < keys.length; r++) {
      LayoutCodec.writeEntry(out, entry(r));
    }
    byte[] body = out.toByteArray();
    ByteBuffer tail = LayoutCodec.le(IDX_END_SIZE);
    tail.putInt(checksum.of(body, 0, body.length)).put(magicBytes(INDEX_END_MAGIC));
    byte[] all = Arrays.copyOf(body, body.length + IDX_END_SIZE);
    System.arraycopy(tail.array(), 0, all, body.length, IDX_END_SIZE);
    return all;
  }

  /** Writes {@code index.kidx} atomically (temporary file, fsync, rename). */
  public void write(Path indexFile) throws IOException {
    Path tmp = indexFile.resolveSibling(indexFile.getFileName() + TMP_SUFFIX);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(toBytes());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, indexFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    KilnShardWriter.syncDirectory(indexFile.toAbsolutePath().getParent());
  }

  // ------------------------------------------------------------------ queries

  /** Number of records in the dataset. */
  public int size() {
    return keys.length;
  }

  /** The format version of every shard (and of the index, unless {@link #isShared()}). */
  public int version() {
    return version;
  }

  /**
   * The version of the index file: {@link #version()}, or {@link ShardLayout#INDEX_VERSION_SHARED}
   * when some shard holds records this index does not list.
   */
  public int indexVersion() {
    return indexVersion;
  }

  /** Whether some shard holds records this index does not list (see {@link #indexVersion()}). */
  public boolean isShared() {
    return indexVersion == INDEX_VERSION_SHARED;
  }

  /** The checksum of the format version: of the index, the shards and every record. */
  public LayoutChecksum checksum() {
    return checksum;
  }

  /** Record alignment common to all shards (0 = packed). */
  public int align() {
    return align;
  }

  /** The sample schema (Avro JSON) all records are encoded with. */
  public String schemaJson() {
    return schemaJson;
  }

  public int shardCount() {
    return shardNames.length;
  }

  public String shardFileName(int shard) {
    return shardNames[shard];
  }

  public long shardFileSize(int shard) {
    return shardSizes[shard];
  }

  /** How many of the shard's records the index lists (its live records). */
  public int shardRecordCount(int shard) {
    return (int) (shardStarts[shard + 1] - shardStarts[shard]);
  }

  /**
   * How many records the shard's file holds, as its trailer says: more than {@link
   * #shardRecordCount} when the shard also holds records of samples this version deleted or
   * replaced.
   */
  public long shardFileRecordCount(int shard) {
    return shardFileRecords[shard];
  }

  /** Dataset position of the shard's first record. */
  public int shardFirstRecord(int shard) {
    return (int) shardStarts[shard];
  }

  public int shardFileCrc32c(int shard) {
    return shardFileCrcs[shard];
  }

  public int shardFooterCrc32c(int shard) {
    return shardFooterCrcs[shard];
  }

  /** The shard holding record {@code i} (binary search over shard boundaries). */
  public int shardOf(int i) {
    checkIndex(i);
    int pos = Arrays.binarySearch(shardStarts, i);
    if (pos >= 0) {
      // Skip empty shards that share the same start.
      while (shardStarts[pos + 1] == i) {
        pos++;
      }
      return pos;
    }
    return -pos - 2;
  }

  public String key(int i) {
    return keys[i];
  }

  public long offset(int i) {
    return offsets[i];
  }

  public int length(int i) {
    return lengths[i];
  }

  public int crc32c(int i) {
    return crcs[i];
  }

  /** Record {@code i}'s entry (allocates; use the primitive accessors in hot paths). */
  public IndexEntry entry(int i) {
    return new IndexEntry(keys[i], offsets[i], lengths[i], crcs[i]);
  }

  /** All keys in dataset order (an unmodifiable view, no copy). */
  public List<String> keys() {
    return Collections.unmodifiableList(Arrays.asList(keys));
  }

  /** Position of {@code key} in dataset order, or -1. */
  public int indexOf(String key) {
    int[] table = keyTable();
    int mask = table.length - 1;
    for (int slot = mix(key.hashCode()) & mask; ; slot = (slot + 1) & mask) {
      int v = table[slot];
      if (v == 0) {
        return -1;
      }
      if (keys[v - 1].equals(key)) {
        return v - 1;
      }
    }
  }

  private int[] keyTable() {
    int[] t = keyTable;
    if (t == null) {
      synchronized (this) {
        t = keyTable;
        if (t == null) {
          t = buildKeyTable();
          keyTable = t;
        }
      }
    }
    return t;
  }

  private int[] buildKeyTable() {
    int capacity = Integer.highestOneBit(Math.max(4, (int) (keys.length / 0.7) + 1)) << 1;
    int[] table = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < keys.length; i++) {
      int slot = mix(keys[i].hashCode()) & mask;
      while (table[slot] != 0) {
        if (keys[table[slot] - 1].equals(keys[i])) {
          throw new IllegalArgumentException(
              "duplicate key '" + keys[i] + "' at records " + (table[slot] - 1) + " and " + i);
        }
        slot = (slot + 1) & mask;
      }
      table[slot] = i + 1;
    }
    return table;
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= keys.length) {
      throw new IndexOutOfBoundsException("record " + i + " of " + keys.length);
    }
  }
}
