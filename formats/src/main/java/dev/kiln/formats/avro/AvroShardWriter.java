package dev.kiln.formats.avro;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes one shard as an Avro object container file of samples under {@link SampleCodec#schema()}.
 *
 * <p>Avro picks a random 16-byte sync marker per file; Kiln derives it from the shard's name so the
 * same samples give the same bytes. Images are already compressed, so blocks are stored
 * uncompressed. Written to a hidden temporary file and renamed into place when complete.
 */
public final class AvroShardWriter {
  private final Path target;
  private final Path temporary;
  private final DataFileWriter<GenericRecord> writer;
  private long samples;

  private AvroShardWriter(Path target) throws IOException {
    this.target = target;
    this.temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 20);
    byte[] sync =
        Arrays.copyOf(
            FileDigest.newSha256()
                .digest(
                    ("kiln-avro-sync:" + target.getFileName()).getBytes(StandardCharsets.UTF_8)),
            16);
    this.writer =
        new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(SampleCodec.schema()))
            .setCodec(CodecFactory.nullCodec())
            .create(SampleCodec.schema(), out, sync);
  }

  public static AvroShardWriter open(Path target) throws IOException {
    return new AvroShardWriter(target);
  }

  public void write(Sample sample) throws IOException {
    writer.append(SampleCodec.toRecord(sample));
    samples++;
  }

  /** Finishes the file, moves it into place and describes it. */
  public ShardFile close() throws IOException {
    writer.close();
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new ShardFile(
        target.getFileName().toString(), samples, Files.size(target), FileDigest.sha256(target));
  }

  /** Deletes the temporary file of a writer that failed part way. */
  public void abort() {
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // Being discarded; the temporary file is removed below either way.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // Best effort: a hidden .tmp file never looks like a shard.
    }
  }
}
