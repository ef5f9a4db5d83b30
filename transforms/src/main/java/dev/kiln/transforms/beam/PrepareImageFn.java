package dev.kiln.transforms.beam;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import dev.kiln.formats.annotations.Annotation;
import dev.kiln.transforms.framing.Framer;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.ImageInfo;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.PreparedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Thin Beam wrapper around the image preparer: reads one keyed input file and emits either
 * {@link Sample}s (main output) or a {@link Rejection} ({@link #REJECTS}). Nothing is lost: every
 * input leaves through exactly one of the two. Without framing an input is one sample; with
 * {@code --framing=per-object} it is one sample per object, keyed {@code <key>/<n>}.
 */
public final class PrepareImageFn extends DoFn<KV<String, FileIO.ReadableFile>, Sample> {
  public static final TupleTag<Sample> SAMPLES = new TupleTag<>() {};
  public static final TupleTag<Rejection> REJECTS = new TupleTag<>() {};

  private final PrepareSettings settings;
  private final InputLimits limits;
  private final Framing framing;
  private transient TimedPreparer preparer;

  /** Without annotations or framing: one sample per input. */
  public PrepareImageFn(PrepareSettings settings, InputLimits limits) {
    this(settings, limits, Framing.none());
  }

  /** With the annotations and framing of {@code framing}. */
  public PrepareImageFn(PrepareSettings settings, InputLimits limits, Framing framing) {
    this.settings = settings;
    this.limits = limits;
    this.framing = framing;
  }

  @Setup
  public void setup() {
    preparer = new TimedPreparer(settings, limits.decodeTimeoutNanos());
  }

  @Teardown
  public void teardown() {
    if (preparer != null) {
      preparer.close();
    }
  }

  @ProcessElement
  public void process(@Element KV<String, FileIO.ReadableFile> input, MultiOutputReceiver out) {
    String key = input.getKey();
    FileIO.ReadableFile file = input.getValue();
    String path = file.getMetadata().resourceId().toString();
    long size = file.getMetadata().sizeBytes();
    KilnCounters.counter(KilnCounters.INPUTS).inc();

    if (size > limits.maxFileBytes()) {
      reject(out, new Rejection(key, path, "read", "file-too-large",
          size + " bytes, more than --max-file-bytes=" + limits.maxFileBytes(), size));
      return;
    }
    byte[] bytes;
    try {
      bytes = file.readFullyAsBytes();
    } catch (IOException | RuntimeException e) {
      if (vanished(path, e)) {
        reject(out, new Rejection(key, path, "read", "vanished", "removed after it was listed", size));
      } else {
        reject(out, new Rejection(key, path, "read", "unreadable", describe(e), size));
      }
      return;
    }
    if (bytes.length != size) {
      // Everything below uses this one snapshot of the bytes, so a half-written file is never
      // mixed with its final version; but a file still changing is not a finished input.
      reject(out, new Rejection(key, path, "read", "changed-during-run",
          "was " + size + " bytes when listed and " + bytes.length + " when read", bytes.length));
      return;
    }
    KilnCounters.counter(KilnCounters.BYTES_READ).inc(bytes.length);
    List<Annotation> annotations;
    try {
      annotations = framing.annotations().forImage(relativePath(key, path), path);
    } catch (IOException | RuntimeException e) {
      reject(out, new Rejection(key, path, "frame", "bad-annotations", describe(e), bytes.length));
      return;
    }
    try {
      List<Framer.Framed> framed = Framer.frame(bytes, annotations, framing, preparer);
      String hash = FileDigest.sha256(bytes);
      for (Framer.Framed f : framed) {
        PreparedImage prepared = f.image();
        ImageInfo info = prepared.info();
        Sample sample =
            new Sample(
                key + f.keySuffix(),
                prepared.bytes(),
                prepared.encoding(),
                prepared.width(),
                prepared.height(),
                prepared.channels(),
                f.labels(),
                f.boxes(),
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
                hash);
        KilnCounters.counter(KilnCounters.WRITTEN).inc();
        KilnCounters.counter(KilnCounters.BYTES_WRITTEN).inc(prepared.bytes().length);
        out.get(SAMPLES).output(sample);
      }
      // Progress counts inputs finished, however many samples each became.
      LocalProgress.written();
    } catch (ImageRejectedException e) {
      reject(out, new Rejection(key, path, e.stage(), e.reason(), e.getMessage(), bytes.length));
    }
  }

  /**
   * The input's path relative to the input root, which COCO file names are matched against: the
   * key is that path without its extension, so the extension is taken back from the file name.
   */
  static String relativePath(String key, String path) {
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    String keyName = key.substring(key.lastIndexOf('/') + 1);
    return fileName.startsWith(keyName) ? key + fileName.substring(keyName.length()) : key;
  }

  private static void reject(MultiOutputReceiver out, Rejection rejection) {
    KilnCounters.rejected(rejection.reason()).inc();
    LocalProgress.rejected();
    out.get(REJECTS).output(rejection);
  }

  /** Whether a read failed because the file no longer exists (not, say, for permissions). */
  private static boolean vanished(String path, Exception e) {
    if (e instanceof NoSuchFileException) {
      return true;
    }
    // Beam's local filesystem reports a missing file as FileNotFoundException, which it also
    // uses for permission errors: ask the filesystem which it is.
    return path.startsWith("/") && Files.notExists(Path.of(path));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

}
