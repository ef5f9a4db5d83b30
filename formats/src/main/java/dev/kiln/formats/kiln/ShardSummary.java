package dev.kiln.formats.kiln;

import java.util.List;

/**
 * What {@link KilnShardWriter#close()} reports about a finished shard; {@link DatasetIndexWriter}
 * builds {@code index.kidx} from these. Serializable-friendly plain data (a record of primitives,
 * strings and a list of records) so a pipeline can pass it between workers.
 *
 * @param fileName the shard's file name (no directory), e.g. {@code train-00003.kiln}
 * @param recordCount number of records
 * @param bytes file size in bytes
 * @param fileCrc32c checksum of the whole file (CRC-32 in format version 2, CRC32C in version 1:
 *     {@link LayoutChecksum}; the name is version 1's)
 * @param footerCrc32c checksum of the footer (as stored in the trailer)
 * @param align record alignment used (0 = packed)
 * @param schemaJson the sample schema stored in the header
 * @param entries one entry per record, in file order
 * @param version the shard's format version ({@link ShardLayout#VERSION} unless written as another)
 */
public record ShardSummary(
    String fileName,
    long recordCount,
    long bytes,
    int fileCrc32c,
    int footerCrc32c,
    int align,
    String schemaJson,
    List<IndexEntry> entries,
    int version) {
  public ShardSummary {
    entries = List.copyOf(entries);
    LayoutChecksum.forVersion(version); // rejects unknown versions
    if (entries.size() != recordCount) {
      throw new IllegalArgumentException(
          fileName + ": " + entries.size() + " entries for " + recordCount + " records");
    }
  }
}
