package dev.kiln.transforms.beam;

import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import dev.kiln.transforms.image.ImageInfo;
import dev.kiln.transforms.image.ImagePreparer;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.PreparedImage;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Thin Beam wrapper around {@link ImagePreparer}: reads one keyed input file and emits either a
 * {@link Sample} (main output) or a {@link Rejection} ({@link #REJECTS}). Nothing is lost: every
 * input leaves through exactly one of the two.
 */
public final class PrepareImageFn extends DoFn<KV<String, FileIO.ReadableFile>, Sample> {
  public static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTS = new TupleTag<>() {};

  private final PrepareSettings settings;
  private transient ImagePreparer preparer;

  public PrepareImageFn(PrepareSettings settings) {
    this.settings = settings;
  }

  @Setup
  public void setup() {
    preparer = new ImagePreparer(settings);
  }

  @ProcessElement
  public void process(@Element KV<String, FileIO.ReadableFile> input, MultiOutputReceiver out) {
    String key = input.getKey();
    FileIO.ReadableFile file = input.getValue();
    String path = file.getMetadata().resourceId().toString();
    long size = file.getMetadata().sizeBytes();
    KilnCounters.counter(KilnCounters.INPUTS).inc();

    byte[] bytes;
    try {
      bytes = file.readFullyAsBytes();
    } catch (IOException | RuntimeException e) {
      reject(out, new Rejection(key, path, "read", "unreadable", describe(e), size));
      return;
    }
    KilnCounters.counter(KilnCounters.BYTES_READ).inc(bytes.length);
    try {
      PreparedImage prepared = preparer.prepare(bytes);
      ImageInfo info = prepared.info();
      Sample sample =
          new Sample(
              key,
              prepared.bytes(),
              prepared.encoding(),
              prepared.width(),
              prepared.height(),
              prepared.channels(),
              List.of(),
              List.of(),
              new SourceInfo(
                  path,
                  bytes.length,
                  info.format(),
                  info.colourModel(),
                  info.bitDepth(),
                  info.iccProfile(),
                  info.orientation(),
                  info.width(),
                  info.height(),
                  info.frames()),
              sha256(bytes));
      KilnCounters.counter(KilnCounters.WRITTEN).inc();
      KilnCounters.counter(KilnCounters.BYTES_WRITTEN).inc(prepared.bytes().length);
      LocalProgress.written();
      out.get(SAMPLES).output(sample);
    } catch (ImageRejectedException e) {
      reject(out, new Rejection(key, path, e.stage(), e.reason(), e.getMessage(), bytes.length));
    }
  }

  private static void reject(MultiOutputReceiver out, Rejection rejection) {
    KilnCounters.rejected(rejection.reason()).inc();
    LocalProgress.rejected();
    out.get(REJECTS).output(rejection);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
