package dev.kiln.formats.kiln;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.VersionChanges;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * {@value #FILE_NAME}: every sample's catalog row and image length, in the order of the dataset's
 * index, in Kiln's binary form. It is what the next incremental run carries a sample over with: the
 * row goes into the new catalog and the image length into the shard sizing, while the record itself
 * is only copied, so an unchanged sample costs no read of the previous version's shards (before it,
 * two small random reads each: the image length from the record's start, the catalog fields from
 * after its image).
 *
 * <p>Layout: the magic number {@code KSF1}, the number of samples, then for each its row ({@link
 * CatalogEntry#writeTo}) and its image length, then the CRC32C of all the bytes before it. A
 * version without the file (made by an earlier Kiln) or with a damaged one is carried over by
 * reading the records instead.
 *
 * <p>A version that shares shards with the version before (docs/NIGHTLY.md) writes only the rows of
 * its own shards, in {@code sample-fields-vNNNNNN.bin} of the same layout, and links the whole file
 * and the changes files of the version before ({@link VersionChanges}): a shared shard's rows (its
 * name, each record's offset and fields) never change. {@link #readFor} puts them together in the
 * order of the version's index, which lists the records each version keeps.
 */
public final class SampleFields {
  public static final String FILE_NAME = "sample-fields.bin";

  /** The naming of the whole file and the changes files. */
  public static final VersionChanges FILES = new VersionChanges("sample-fields", ".bin");

  private static final int MAGIC = 0x4b534631; // "KSF1"

  private final List<CatalogEntry> rows;
  private final int[] imageLengths;

  private SampleFields(List<CatalogEntry> rows, int[] imageLengths) {
    this.rows = rows;
    this.imageLengths = imageLengths;
  }

  /** How many samples the file describes. */
  public int size() {
    return imageLengths.length;
  }

  /** Sample {@code i}'s catalog row as the version's catalog has it (its shard, offset, length). */
  public CatalogEntry row(int i) {
    return rows.get(i);
  }

  /** Every sample's catalog row, in index order (the catalog's). */
  public List<CatalogEntry> rows() {
    return Collections.unmodifiableList(rows);
  }

  /** The length of sample {@code i}'s image. */
  public int imageLength(int i) {
    return imageLengths[i];
  }

  /**
   * Writes {@code dir/}{@value #FILE_NAME} atomically (temporary file, then rename).
   *
   * @param rows every sample's catalog row, in index order
   * @param imageLengths each sample's image length, at the same positions
   */
  public static void write(Path dir, List<CatalogEntry> rows, List<Integer> imageLengths)
      throws IOException {
    writeFile(dir.resolve(FILE_NAME), rows, imageLengths);
  }

  /**
   * Writes the sample fields of version {@code versionName}, which shares shards with the version
   * in {@code previousDir}, into {@code dir}: links that version's whole file and changes files,
   * and writes the rows of the version's own shards (new and changed samples) as its changes file.
   * The version before must have its fields whole ({@link #readFor} gave them).
   */
  public static void writeChanges(
      Path dir,
      String versionName,
      Path previousDir,
      List<CatalogEntry> ownRows,
      List<Integer> ownImageLengths)
      throws IOException {
    writeFile(FILES.linkFrom(previousDir, dir, versionName), ownRows, ownImageLengths);
  }

  private static void writeFile(Path target, List<CatalogEntry> rows, List<Integer> imageLengths)
      throws IOException {
    if (rows.size() != imageLengths.size()) {
      throw new IllegalArgumentException(
          rows.size() + " catalog rows but " + imageLengths.size() + " image lengths");
    }
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream file = Files.newOutputStream(tmp);
        DataOutputStream out =
            new DataOutputStream(
                new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), crc))) {
      out.writeInt(MAGIC);
      out.writeInt(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        rows.get(i).writeTo(out);
        out.writeInt(imageLengths.get(i));
      }
      out.flush();
      new DataOutputStream(file).writeInt((int) crc.getValue());
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The file of the dataset version in {@code dir}, or null when it has none.
   *
   * @throws IOException if it cannot be read or is not this file whole: damaged, truncated, or with
   *     bytes after its checksum
   */
  public static SampleFields readIfPresent(Path dir) throws IOException {
    return readFile(dir.resolve(FILE_NAME));
  }

  /**
   * The rows and image lengths of every record {@code index} lists, in its order, from the whole
   * file in {@code dir} and the changes files it links; null when there is no whole file, or a
   * listed record has no row in them (a version whose file does not fit its index).
   *
   * @throws IOException if a file cannot be read or is damaged
   */
  public static SampleFields readFor(Path dir, DatasetIndex index) throws IOException {
    SampleFields whole = readIfPresent(dir);
    List<Path> changes = FILES.in(dir);
    if (whole == null || changes.isEmpty()) {
      return whole == null || whole.size() != index.size() ? null : whole;
    }
    // Each shard's rows, from whichever file holds them, in file order: as the index lists them.
    Map<String, List<Integer>> byShard = new HashMap<>();
    List<SampleFields> files = new ArrayList<>();
    files.add(whole);
    for (Path file : changes) {
      SampleFields f = readFile(file);
      if (f == null) {
        return null; // removed with its version meanwhile: the records say the same
      }
      files.add(f);
    }
    List<CatalogEntry> allRows = new ArrayList<>();
    List<Integer> allLengths = new ArrayList<>();
    for (SampleFields f : files) {
      for (int i = 0; i < f.size(); i++) {
        byShard.computeIfAbsent(f.row(i).shard(), k -> new ArrayList<>()).add(allRows.size());
        allRows.add(f.row(i));
        allLengths.add(f.imageLength(i));
      }
    }
    List<CatalogEntry> rows = new ArrayList<>(index.size());
    int[] imageLengths = new int[index.size()];
    for (int s = 0; s < index.shardCount(); s++) {
      List<Integer> candidates = byShard.getOrDefault(index.shardFileName(s), List.of());
      int c = 0;
      int first = index.shardFirstRecord(s);
      for (int i = first; i < first + index.shardRecordCount(s); i++) {
        // Both in offset order: the kept records are a subsequence of the rows.
        while (c < candidates.size() && allRows.get(candidates.get(c)).offset() < index.offset(i)) {
          c++;
        }
        if (c == candidates.size() || allRows.get(candidates.get(c)).offset() != index.offset(i)) {
          return null;
        }
        imageLengths[rows.size()] = allLengths.get(candidates.get(c));
        rows.add(allRows.get(candidates.get(c)));
        c++;
      }
    }
    return new SampleFields(rows, imageLengths);
  }

  private static SampleFields readFile(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not a sample fields file");
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IOException(file + " holds a negative count of samples: " + n);
      }
      List<CatalogEntry> rows = new ArrayList<>(Math.min(n, 1 << 20));
      int[] imageLengths = new int[n];
      for (int i = 0; i < n; i++) {
        rows.add(CatalogEntry.readFrom(in));
        imageLengths[i] = in.readInt();
      }
      int computed = (int) crc.getValue();
      int stored = new DataInputStream(raw).readInt();
      if (stored != computed || raw.read() >= 0) {
        throw new IOException(file + " is damaged: its CRC32C or length is not what was written");
      }
      return new SampleFields(rows, imageLengths);
    } catch (NoSuchFileException e) {
      return null;
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }
}
