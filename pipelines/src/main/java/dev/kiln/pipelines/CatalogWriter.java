package dev.kiln.pipelines;

import dev.kiln.formats.AvroSchemaText;
import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes {@code catalog.parquet}: one row per sample (key, shard, offset, length, labels, width,
 * height, boxes, source path, content hash) in shard order, so a dataset can be queried from
 * DuckDB, Spark or pandas without opening its shards.
 *
 * <p>The file is what parquet-avro writes for rows of {@link #schema()} (Beam's {@code
 * ParquetIO.sink}: Snappy, 128 MB row groups, Parquet's two-level lists, the Avro schema in the
 * footer), so Avro readers read it as such; but the rows go to Parquet's record consumer field by
 * field ({@link CatalogWriteSupport}) rather than through generic Avro records, and Hadoop's
 * configuration is not loaded from its XML resources: for the catalog of a nightly run both cost
 * more than writing the rows.
 */
public final class CatalogWriter implements AutoCloseable {
  public static final String FILE_NAME = "catalog.parquet";

  /**
   * The catalog's row schema's JSON as Avro writes it ({@code catalog.avsc}, read without Avro's
   * parser: {@link AvroSchemaText}), which parquet-avro keeps in the footer for its readers.
   */
  static final String SCHEMA_JSON = AvroSchemaText.of(CatalogWriter.class, "catalog.avsc");

  /** The catalog's row schema as parquet-avro readers see the file; parsed on first use. */
  public static Schema schema() {
    return AvroSchemas.ROW;
  }

  /** The schema of a box in {@link #schema()}'s {@code boxes}. */
  static Schema boxSchema() {
    return AvroSchemas.BOX;
  }

  /**
   * The Avro schemas, parsed only when asked for: writing a catalog needs neither (Avro's schema
   * class loads Jackson's object mapper, ~550 classes a nightly run would load for nothing).
   */
  private static final class AvroSchemas {
    static final Schema ROW = new Schema.Parser().parse(SCHEMA_JSON);
    static final Schema BOX = ROW.getField("boxes").schema().getElementType();
  }

  /** Beam's {@code ParquetIO.sink} row group size, which the catalog has always been written with. */
  private static final int ROW_GROUP_BYTES = 128 << 20;

  private final Path target;
  private final Path temporary;
  private final ParquetWriter<CatalogEntry> writer;

  private CatalogWriter(Path datasetDir) throws IOException {
    this.target = datasetDir.resolve(FILE_NAME);
    this.temporary = datasetDir.resolve("." + FILE_NAME + ".tmp");
    FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    try {
      this.writer =
          new Builder(new ChannelOutputFile(channel))
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(ROW_GROUP_BYTES)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              // No core-default.xml and friends: nothing in them bears on a Parquet file.
              .withConf(new Configuration(false))
              // Columns unique to each row: a dictionary only costs its building and then the
              // fallback to plain values, which Parquet takes once it sees the values are distinct.
              .withDictionaryEncoding("key", false)
              .withDictionaryEncoding("offset", false)
              .withDictionaryEncoding("length", false)
              .withDictionaryEncoding("source_path", false)
              .withDictionaryEncoding("content_hash", false)
              .build();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public static CatalogWriter open(Path datasetDir) throws IOException {
    return new CatalogWriter(datasetDir);
  }

  public void write(CatalogEntry e) throws IOException {
    writer.write(e);
  }

  /** Finishes the file and moves it into place. */
  @Override
  public void close() throws IOException {
    writer.close(); // closes the channel too
    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static final class Builder extends ParquetWriter.Builder<CatalogEntry, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<CatalogEntry> getWriteSupport(Configuration conf) {
      return new CatalogWriteSupport();
    }
  }

  /**
   * Catalog rows into Parquet's record consumer, field by field, as parquet-avro's write support
   * puts a generic record of {@link #schema()} (required fields in schema order; an array as a
   * group of one repeated field named {@code array}, empty when the array is).
   */
  static final class CatalogWriteSupport extends WriteSupport<CatalogEntry> {
    /**
     * {@link #schema()} as parquet-avro converts it by default, written out so that writing a
     * catalog builds no Avro schema ({@code CatalogWriterTest} checks it against the conversion).
     */
    static final MessageType PARQUET_SCHEMA =
        MessageTypeParser.parseMessageType(
            """
            message dev.kiln.CatalogRow {
              required binary key (STRING);
              required binary shard (STRING);
              required int64 offset;
              required int64 length;
              required group labels (LIST) {
                repeated binary array (STRING);
              }
              required int32 width;
              required int32 height;
              required group boxes (LIST) {
                repeated group array {
                  required float x0;
                  required float y0;
                  required float x1;
                  required float y1;
                  required binary label (STRING);
                  required int32 category_id;
                }
              }
              required binary source_path (STRING);
              required binary content_hash (STRING);
            }
            """);
    private static final String LIST_ITEMS = "array";
    /** The footer key under which parquet-avro keeps the Avro schema its readers read with. */
    private static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

    private RecordConsumer out;

    @Override
    public String getName() {
      // The model name parquet-avro's write support records: the file is read as its files are.
      return "avro";
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(PARQUET_SCHEMA, Map.of(AVRO_SCHEMA_KEY, SCHEMA_JSON));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(CatalogEntry e) {
      out.startMessage();
      string(0, "key", e.key());
      string(1, "shard", e.shard());
      out.startField("offset", 2);
      out.addLong(e.offset());
      out.endField("offset", 2);
      out.startField("length", 3);
      out.addLong(e.length());
      out.endField("length", 3);
      list(4, "labels", e.labels(), label -> out.addBinary(Binary.fromString(label)));
      out.startField("width", 5);
      out.addInteger(e.width());
      out.endField("width", 5);
      out.startField("height", 6);
      out.addInteger(e.height());
      out.endField("height", 6);
      list(7, "boxes", e.boxes(), this::box);
      string(8, "source_path", e.sourcePath());
      string(9, "content_hash", e.contentHash());
      out.endMessage();
    }

    private void box(Box b) {
      out.startGroup();
      floatField(0, "x0", b.x0());
      floatField(1, "y0", b.y0());
      floatField(2, "x1", b.x1());
      floatField(3, "y1", b.y1());
      string(4, "label", b.label());
      out.startField("category_id", 5);
      out.addInteger(b.categoryId());
      out.endField("category_id", 5);
      out.endGroup();
    }

    /**
     * A list column in Parquet's three-level layout: the group, then (when not empty) its
     * repeated items, each written by {@code item}.
     */
    private <T> void list(int index, String name, List<T> items, Consumer<T> item) {
      out.startField(name, index);
      out.startGroup();
      if (!items.isEmpty()) {
        out.startField(LIST_ITEMS, 0);
        items.forEach(item);
        out.endField(LIST_ITEMS, 0);
      }
      out.endGroup();
      out.endField(name, index);
    }

    private void string(int index, String name, String value) {
      out.startField(name, index);
      out.addBinary(Binary.fromString(value));
      out.endField(name, index);
    }

    private void floatField(int index, String name, float value) {
      out.startField(name, index);
      out.addFloat(value);
      out.endField(name, index);
    }
  }

  /** The catalog's channel as Parquet's output file; the writer closes it when it is done. */
  private static final class ChannelOutputFile implements OutputFile {
    private final FileChannel channel;

    ChannelOutputFile(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    private PositionOutputStream stream() {
      // Buffered: Parquet writes its footer a few bytes at a time.
      OutputStream to = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          to.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          to.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          to.flush();
        }

        @Override
        public void close() throws IOException {
          to.close();
        }
      };
    }
  }
}
