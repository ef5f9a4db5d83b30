package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.LengthPrefixed;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The listing and catalog parts a job's workers leave in the staging directory ({@link
 * StagingLayout}), as binary records: a count, then each record's fields in a fixed order (strings
 * as their UTF-8 length and bytes). They live only until the run is finished, where a line of JSON
 * for each of a run's inputs and samples, written and parsed again, cost a nightly run more than
 * all the rest of its bookkeeping. The dataset's own files stay JSON and Parquet.
 */
final class PartFiles {
  /** Identifies a part file of this layout (and catches a truncated or foreign one). */
  private static final int MAGIC = 0x4b504131; // "KPA1"

  private PartFiles() {}

  /** Writes a listing part atomically (temporary file, then rename). */
  static void writeListing(Path target, List<InputRecord> records) throws IOException {
    write(
        target,
        records.size(),
        out -> {
          for (InputRecord r : records) {
            string(out, r.key());
            string(out, r.path());
            out.writeLong(r.size());
            out.writeLong(r.lastModifiedMillis());
            string(out, r.contentHash());
            out.writeBoolean(r.written());
          }
        });
  }

  static List<InputRecord> readListing(Path file) throws IOException {
    return read(
        file,
        in -> {
          String key = string(in);
          String path = string(in);
          long size = in.readLong();
          long lastModified = in.readLong();
          return new InputRecord(key, path, size, lastModified, string(in), in.readBoolean());
        });
  }

  /** Writes a catalog part atomically (temporary file, then rename). */
  static void writeCatalog(Path target, ShardRows part) throws IOException {
    write(
        target,
        part.entries().size(),
        out -> {
          for (int i = 0; i < part.entries().size(); i++) {
            part.entries().get(i).writeTo(out);
            out.writeInt(part.imageLengths().get(i));
          }
        });
  }

  static ShardRows readCatalog(Path file) throws IOException {
    List<Integer> imageLengths = new ArrayList<>();
    List<CatalogEntry> entries =
        read(
            file,
            in -> {
              CatalogEntry entry = CatalogEntry.readFrom(in);
              imageLengths.add(in.readInt());
              return entry;
            });
    return new ShardRows(entries, imageLengths);
  }

  /** Writes the records' fields. */
  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads one record. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static void write(Path target, int count, Writer records) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (OutputStream file = Files.newOutputStream(tmp);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(count);
      records.write(out);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static <T> List<T> read(Path file, Reader<T> record) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + ": not a staging part of this Kiln");
      }
      int n = count(in);
      List<T> records = new ArrayList<>(Math.min(n, 1 << 16));
      for (int i = 0; i < n; i++) {
        records.add(record.read(in));
      }
      if (in.read() >= 0) {
        throw new IOException(file + ": bytes after its " + n + " records");
      }
      return records;
    }
  }

  private static int count(DataInputStream in) throws IOException {
    return LengthPrefixed.readCount(in, "a staging part");
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    LengthPrefixed.writeString(out, s);
  }

  private static String string(DataInputStream in) throws IOException {
    return LengthPrefixed.readString(in, Integer.MAX_VALUE, "a staging part");
  }
}
