package dev.kiln.formats;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A sample in its canonical binary form: the exact record bytes {@link SampleCodec} writes for it,
 * with the fields that writing a shard needs besides the record (key, image length, catalog fields)
 * read from them without copying the image.
 *
 * <p>Kiln shards store records as they are, so a sample that is already encoded (parked on disk by
 * the local runner, or carried over from the previous version of a dataset) goes into a shard
 * without being decoded and encoded again: for an unchanged input with the same settings those
 * bytes are exactly what preparing it again would write.
 *
 * <p>A sample carried over from the previous version of a dataset need not even be read: {@link
 * #stored} describes it by where its record lies ({@link #stored()}), and a Kiln shard writer
 * copies the bytes from there.
 *
 * <p>Immutable; callers must not modify the array {@link #record()} returns.
 */
public final class EncodedSample {
  /** The record bytes; null for a stored record, read by {@link #load} when asked for. */
  private final byte[] record;

  /**
   * The sample's catalog fields (its row, without a place in a shard yet): all that writing it into
   * a shard needs besides the record. Its image's length is {@link #imageLength}.
   */
  private final CatalogEntry row;

  private final int imageLength;

  /** The whole sample when this was made from one (formats other than kiln store it decoded). */
  private final Sample sample;

  /** Where the record lies, when it is already in a file; else null. */
  private final StoredRecord stored;

  private final Supplier<byte[]> load;

  private EncodedSample(
      byte[] record,
      CatalogEntry row,
      int imageLength,
      Sample sample,
      StoredRecord stored,
      Supplier<byte[]> load) {
    this.record = record;
    this.row = row;
    this.imageLength = imageLength;
    this.sample = sample;
    this.stored = stored;
    this.load = load;
  }

  /** Encodes a sample. */
  public static EncodedSample of(Sample sample) {
    return new EncodedSample(
        SampleCodec.encode(sample), rowOf(sample), sample.image().length, sample, null, null);
  }

  /**
   * A sample whose record lies in a file and stays there until it is copied or asked for.
   *
   * @param fields every field of the sample but its image (whose length is {@code imageLength});
   *     what a shard's catalog needs
   * @param stored where the record lies
   * @param load reads the record's bytes, for {@link #record()} and {@link #sample()}
   */
  public static EncodedSample stored(
      Sample fields, int imageLength, StoredRecord stored, Supplier<byte[]> load) {
    return stored(rowOf(Objects.requireNonNull(fields, "fields")), imageLength, stored, load);
  }

  /**
   * As {@link #stored(Sample, int, StoredRecord, Supplier)}, described by its catalog row (where
   * the row says it lies is not used): what a dataset version keeps of each sample besides its
   * record ({@code SampleFields}), so carrying it over reads nothing of the record.
   */
  public static EncodedSample stored(
      CatalogEntry row, int imageLength, StoredRecord stored, Supplier<byte[]> load) {
    return new EncodedSample(
        null,
        Objects.requireNonNull(row, "row"),
        imageLength,
        null,
        Objects.requireNonNull(stored, "stored"),
        Objects.requireNonNull(load, "load"));
  }

  private static CatalogEntry rowOf(Sample fields) {
    return CatalogEntry.of(fields, "", -1, -1);
  }

  /**
   * Takes record bytes as they are, reading their fields other than the image.
   *
   * @throws IllegalArgumentException if the bytes are not a sample record
   */
  public static EncodedSample parse(byte[] record) {
    Objects.requireNonNull(record, "record");
    Sample fields = SampleCodec.decodeWithoutImage(record);
    return new EncodedSample(
        record, rowOf(fields), SampleCodec.imageLength(ByteBuffer.wrap(record)), null, null, null);
  }

  /**
   * The record bytes; callers must not modify the array. A {@linkplain #stored stored} record is
   * read from its file at each call.
   */
  public byte[] record() {
    return record != null ? record : load.get();
  }

  /** Where the record lies when it is already in a file (copy it from there), else null. */
  public StoredRecord stored() {
    return stored;
  }

  public String key() {
    return row.key();
  }

  /** Length of the encoded image inside the record. */
  public int imageLength() {
    return imageLength;
  }

  /** SHA-256 (hex) of the input file the sample was made from. */
  public String contentHash() {
    return row.contentHash();
  }

  /** The catalog row of this sample stored at {@code offset}/{@code length} of {@code shard}. */
  public CatalogEntry catalogEntry(String shard, long offset, long length) {
    return row.at(shard, offset, length);
  }

  /** The whole sample, decoding the record unless this was made from the sample itself. */
  public Sample sample() {
    return sample != null ? sample : SampleCodec.decode(record());
  }

  @Override
  public String toString() {
    int length = record != null ? record.length : stored.length();
    String where = stored != null ? " in " + stored.file() : "";
    return "EncodedSample{" + key() + ", " + length + " bytes" + where + "}";
  }
}
