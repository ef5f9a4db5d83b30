package dev.kiln.transforms.beam;

import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/**
 * Beam coder for {@link Sample}: its canonical Avro binary form ({@link SampleCodec}), length
 * prefixed. Deterministic, so samples can be compared and grouped on any runner.
 */
public final class SampleCoder extends AtomicCoder<Sample> {
  private static final SampleCoder INSTANCE = new SampleCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private SampleCoder() {}

  public static SampleCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Sample value, OutputStream out) throws IOException {
    BYTES.encode(SampleCodec.encode(value), out);
  }

  @Override
  public Sample decode(InputStream in) throws IOException {
    return SampleCodec.decode(BYTES.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
