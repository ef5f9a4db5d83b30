package dev.kiln.examples;

import dev.kiln.beam.KilnIO;
import dev.kiln.beam.NormalizeImages;
import dev.kiln.beam.RejectDuplicateKeys;
import dev.kiln.beam.WithRejects;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.Sample;
import dev.kiln.transforms.beam.SampleCoder;
import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Images stored as bytes in a Parquet table, as Hugging Face and warehouse exports keep them (a key
 * column, an image-bytes column, an integer label and a caption), normalized into a kiln dataset
 * whose samples carry their row's label and caption. Rows whose key repeats, and images that do not
 * decode, are recorded in the dataset's {@code rejects/} with the reason.
 */
public final class ParquetImagesToKiln {
  /** Where the table is, its column names, the output and the sample size. */
  public interface Options extends PipelineOptions {
    @Description("Parquet file or glob (any filesystem Beam reads)")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Dataset directory to publish")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Column holding each row's unique key")
    @Default.String("key")
    String getKeyColumn();

    void setKeyColumn(String value);

    @Description("Column holding the image file's bytes")
    @Default.String("image")
    String getImageColumn();

    void setImageColumn(String value);

    @Description("Column holding the integer class label; empty for none")
    @Default.String("label")
    String getLabelColumn();

    void setLabelColumn(String value);

    @Description("Column holding the caption; empty for none")
    @Default.String("caption")
    String getCaptionColumn();

    void setCaptionColumn(String value);

    @Description("Side of the square samples, in pixels")
    @Default.Integer(256)
    int getSize();

    void setSize(int value);
  }

  public static void main(String[] args) {
    run(PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class)).waitUntilFinish();
  }

  public static PipelineResult run(Options options) {
    Pipeline pipeline = Pipeline.create(options);
    String keyColumn = options.getKeyColumn();
    String imageColumn = options.getImageColumn();
    String labelColumn = options.getLabelColumn();
    String captionColumn = options.getCaptionColumn();
    // Each row as (key, (image bytes, label and caption)); the schema comes from the file.
    PCollection<KV<String, KV<byte[], LabelFields>>> rows =
        pipeline.apply(
            "Read table",
            ParquetIO.parseGenericRecords(
                    (GenericRecord r) ->
                        KV.of(
                            text(r.get(keyColumn)),
                            KV.of(
                                bytes(r.get(imageColumn)),
                                labelFields(r, labelColumn, captionColumn))))
                .withCoder(
                    KvCoder.of(
                        StringUtf8Coder.of(),
                        KvCoder.of(ByteArrayCoder.of(), SerializableCoder.of(LabelFields.class))))
                .from(options.getInput()));
    PCollection<KV<String, byte[]>> images =
        rows.apply(
                "Images by key",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(byte[].class)))
                    .via(r -> KV.of(r.getKey(), r.getValue().getKey())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
    PCollection<KV<String, LabelFields>> labels =
        rows.apply(
                "Labels by key",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(LabelFields.class)))
                    .via(r -> KV.of(r.getKey(), r.getValue().getValue())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(LabelFields.class)));

    WithRejects<Sample> prepared =
        images
            .apply("Reject duplicate keys", RejectDuplicateKeys.create())
            .then(
                "Normalize",
                NormalizeImages.fromBytes().withSize(options.getSize(), options.getSize()));
    PCollection<Sample> labelled = withLabels(prepared.output(), labels);
    labelled.apply(
        "Write dataset", KilnIO.write().to(options.getOutput()).withRejects(prepared.rejects()));
    return pipeline.run();
  }

  private static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  private static final TupleTag<LabelFields> LABELS = new TupleTag<>() {};

  /** Each sample with the label and caption of its key's row (a join on the key). */
  static PCollection<Sample> withLabels(
      PCollection<Sample> samples, PCollection<KV<String, LabelFields>> labels) {
    PCollection<KV<String, Sample>> byKey =
        samples
            .apply(
                "Samples by key", WithKeys.of(Sample::key).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SampleCoder.of()));
    return KeyedPCollectionTuple.of(SAMPLES, byKey)
        .and(LABELS, labels)
        .apply("Join labels", CoGroupByKey.create())
        .apply(
            "Label samples",
            ParDo.of(
                new DoFn<KV<String, CoGbkResult>, Sample>() {
                  @ProcessElement
                  public void process(
                      @Element KV<String, CoGbkResult> joined, OutputReceiver<Sample> out) {
                    // A key given twice has its images rejected, so a key with samples has one row.
                    java.util.Iterator<LabelFields> rows =
                        joined.getValue().getAll(LABELS).iterator();
                    LabelFields row = rows.hasNext() ? rows.next() : LabelFields.NONE;
                    for (Sample s : joined.getValue().getAll(SAMPLES)) {
                      out.output(s.withLabelFields(row));
                    }
                  }
                }))
        .setCoder(SampleCoder.of());
  }

  /** The row's label (an integer column) and caption, each absent when its column is. */
  private static LabelFields labelFields(
      GenericRecord row, String labelColumn, String captionColumn) {
    Object label = labelColumn.isEmpty() ? null : row.get(labelColumn);
    Object caption = captionColumn.isEmpty() ? null : row.get(captionColumn);
    return new LabelFields(
        label == null ? null : ((Number) label).intValue(),
        null,
        caption == null ? null : caption.toString(),
        java.util.Map.of());
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static byte[] bytes(Object value) {
    if (value instanceof ByteBuffer b) {
      byte[] copy = new byte[b.remaining()];
      b.duplicate().get(copy);
      return copy;
    }
    if (value instanceof byte[] b) {
      return b;
    }
    // A row without image bytes becomes an empty input, which NormalizeImages rejects and
    // records like any other input that is not an image, rather than failing the job.
    return new byte[0];
  }
}
