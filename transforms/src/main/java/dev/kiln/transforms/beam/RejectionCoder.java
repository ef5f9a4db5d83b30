package dev.kiln.transforms.beam;

import dev.kiln.formats.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Beam coder for {@link Rejection}: its fields in order, deterministic. */
public final class RejectionCoder extends AtomicCoder<Rejection> {
  private static final RejectionCoder INSTANCE = new RejectionCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private RejectionCoder() {}

  public static RejectionCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Rejection r, OutputStream out) throws IOException {
    STRING.encode(r.key(), out);
    STRING.encode(r.path(), out);
    STRING.encode(r.stage(), out);
    STRING.encode(r.reason(), out);
    STRING.encode(r.message(), out);
    LONG.encode(r.size() + 1, out); // -1 (unknown) becomes 0: VarLong is cheapest for >= 0
  }

  @Override
  public Rejection decode(InputStream in) throws IOException {
    return new Rejection(
        STRING.decode(in),
        STRING.decode(in),
        STRING.decode(in),
        STRING.decode(in),
        STRING.decode(in),
        LONG.decode(in) - 1);
  }

  @Override
  public void verifyDeterministic() {}
}
