package dev.kiln.beam;

import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.transforms.beam.SampleCoder;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Samples as Avro records of Kiln's sample schema ({@code sample.avsc}, the schema of every kiln
 * record and of {@code --format=avro} and {@code --format=parquet} shards), for Beam's own {@code
 * AvroIO} and {@code ParquetIO}.
 *
 * <pre>{@code
 * samples.apply(SampleRecords.toGenericRecords())
 *        .apply(ParquetIO.sink(SampleRecords.schema()) ...);          // or AvroIO.writeGenericRecords
 * pipeline.apply(AvroIO.readGenericRecords(SampleRecords.schema()).from("/data/*.avro"))
 *         .apply(SampleRecords.fromGenericRecords());
 * }</pre>
 */
public final class SampleRecords {
  private SampleRecords() {}

  /** Kiln's sample schema. */
  public static Schema schema() {
    return SampleCodec.schema();
  }

  /** Samples to records of {@link #schema()}. */
  public static PTransform<PCollection<Sample>, PCollection<GenericRecord>> toGenericRecords() {
    return new PTransform<>() {
      @Override
      public PCollection<GenericRecord> expand(PCollection<Sample> samples) {
        return samples
            .apply(
                "To Avro records",
                MapElements.into(TypeDescriptor.of(GenericRecord.class)).via(SampleCodec::toRecord))
            .setCoder(AvroCoder.of(GenericRecord.class, schema()));
      }
    };
  }

  /** Records of {@link #schema()} to samples. */
  public static PTransform<PCollection<GenericRecord>, PCollection<Sample>> fromGenericRecords() {
    return new PTransform<>() {
      @Override
      public PCollection<Sample> expand(PCollection<GenericRecord> records) {
        return records
            .apply(
                "From Avro records",
                MapElements.into(TypeDescriptor.of(Sample.class)).via(SampleCodec::fromRecord))
            .setCoder(SampleCoder.of());
      }
    };
  }
}
