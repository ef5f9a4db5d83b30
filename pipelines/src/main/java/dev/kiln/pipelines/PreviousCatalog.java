package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * The catalog of the version an incremental run shares shards with, and its rows: the row groups of
 * it whose rows the new version has again, in the same order, are copied into the new catalog as
 * they are encoded ({@link CatalogWriter}). A nightly run that keeps most samples in place then
 * encodes only the row groups that lost a row, and the new rows.
 */
final class PreviousCatalog {
  private final byte[] file;
  private final List<BlockMetaData> groups;
  private final int[] firstRows;
  private final List<CatalogEntry> rows;
  private final Map<String, Integer> groupByFirstKey = new HashMap<>();

  private PreviousCatalog(byte[] file, List<BlockMetaData> groups, List<CatalogEntry> rows) {
    this.file = file;
    this.groups = groups;
    this.rows = rows;
    this.firstRows = new int[groups.size()];
    int row = 0;
    for (int g = 0; g < groups.size(); g++) {
      firstRows[g] = row;
      if (groups.get(g).getRowCount() > 0) {
        groupByFirstKey.put(rows.get(row).key(), g);
      }
      row += (int) groups.get(g).getRowCount();
    }
  }

  /**
   * The catalog of the version in {@code versionDir}, whose rows are {@code rows} in the catalog's
   * order (its {@code sample-fields.bin}); null when it has no catalog, or one that another schema
   * or another number of rows makes unusable (a version of an earlier Kiln).
   */
  static PreviousCatalog read(Path versionDir, List<CatalogEntry> rows) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(versionDir.resolve(CatalogWriter.FILE_NAME));
    } catch (NoSuchFileException e) {
      return null;
    }
    ParquetMetadata footer =
        ParquetFileReader.readFooter(
            ParquetBytes.reading(bytes), ParquetMetadataConverter.NO_FILTER);
    long count = footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
    if (count != rows.size() || !CatalogWriter.sameSchema(footer.getFileMetaData())) {
      return null;
    }
    return new PreviousCatalog(bytes, footer.getBlocks(), rows);
  }

  /** The whole file, which {@link #group}'s offsets point into. */
  byte[] file() {
    return file;
  }

  /** Row group {@code g} of the file. */
  BlockMetaData group(int g) {
    return groups.get(g);
  }

  /**
   * The row group whose rows are {@code now}'s rows from {@code from} on, equal one for one and in
   * the same order, or -1 when there is none.
   */
  int groupAt(List<CatalogEntry> now, int from) {
    Integer g = groupByFirstKey.get(now.get(from).key());
    if (g == null) {
      return -1;
    }
    int count = (int) groups.get(g).getRowCount();
    if (from + count > now.size()) {
      return -1;
    }
    for (int i = 0; i < count; i++) {
      if (!now.get(from + i).equals(rows.get(firstRows[g] + i))) {
        return -1;
      }
    }
    return g;
  }
}
