package dev.kiln.transforms.beam;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import dev.kiln.formats.Stage;
import dev.kiln.formats.annotations.Annotation;
import dev.kiln.formats.objectstore.StoreOutage;
import dev.kiln.transforms.framing.Framer;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.ImageInfo;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.PreparedImage;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.prepare.InputLimits;
import dev.kiln.transforms.prepare.LocalProgress;
import dev.kiln.transforms.prepare.TimedPreparer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns one listed input file into {@link Sample}s or one {@link Rejection}: reads its bytes within
 * the limits, looks up its annotations, decodes, normalizes and encodes it. Nothing is lost: every
 * input leaves through exactly one of the two consumers. Without framing an input is one sample;
 * with {@code --framing=per-object} it is one sample per object, keyed {@code <key>/<n>}.
 *
 * <p>Shared by the Beam transform ({@code dev.kiln.beam.NormalizeImages}) and Kiln's local runner,
 * so both make the same samples from the same bytes. Not thread-safe: one per worker thread.
 */
public final class InputPreparer implements AutoCloseable {
  /** Reads an input's bytes; where they come from is the caller's business. */
  @FunctionalInterface
  public interface InputBytes {
    byte[] read() throws IOException;
  }

  private final InputLimits limits;
  private final Framing framing;
  private final Labeller labeller;
  private final TimedPreparer preparer;

  public InputPreparer(PrepareSettings settings, InputLimits limits, Framing framing) {
    this(settings, limits, framing, Labeller.none());
  }

  /** A preparer whose samples carry what {@code labeller} gives their input. */
  public InputPreparer(
      PrepareSettings settings, InputLimits limits, Framing framing, Labeller labeller) {
    this.limits = limits;
    this.framing = framing;
    this.labeller = labeller;
    this.preparer = new TimedPreparer(settings, limits.decodeTimeoutNanos());
  }

  /**
   * Prepares the input {@code key} found at {@code path} with {@code size} bytes when listed.
   *
   * @param samples receives every sample the input becomes
   * @param rejects receives the rejection, when the input becomes none
   */
  public void prepare(
      String key,
      String path,
      long size,
      InputBytes read,
      Consumer<Sample> samples,
      Consumer<Rejection> rejects) {
    KilnCounters.counter(KilnCounters.INPUTS).inc();
    // Decided before the file is read: an input that cannot be labelled is not decoded.
    Labeller.Outcome labelled = labeller.label(key, relativePath(key, path));
    if (labelled.rejected()) {
      reject(
          rejects,
          new Rejection(key, path, Stage.LABEL, labelled.reason(), labelled.message(), size));
      return;
    }
    if (size > limits.maxFileBytes()) {
      reject(
          rejects,
          new Rejection(
              key,
              path,
              Stage.READ,
              RejectReason.FILE_TOO_LARGE,
              size + " bytes, more than --max-file-bytes=" + limits.maxFileBytes(),
              size));
      return;
    }
    byte[] bytes;
    try {
      bytes = read.read();
    } catch (IOException | RuntimeException e) {
      if (StoreOutage.causedBy(e)) {
        // The store, not this input, failed: rejecting would turn an outage into a dataset
        // missing every input read meanwhile.
        // The store's exception is kept as suppressed, not as the cause, so that the run's
        // one-line error (the innermost cause) names the input.
        IOException failure =
            new IOException(path + ": the object store failed: " + describe(rootCause(e)));
        failure.addSuppressed(e);
        throw new UncheckedIOException(failure);
      }
      if (vanished(path, e)) {
        reject(
            rejects,
            new Rejection(
                key, path, Stage.READ, RejectReason.VANISHED, "removed after it was listed", size));
      } else {
        reject(
            rejects,
            new Rejection(key, path, Stage.READ, RejectReason.UNREADABLE, describe(e), size));
      }
      return;
    }
    if (bytes.length != size) {
      // Everything below uses this one snapshot of the bytes, so a half-written file is never
      // mixed with its final version; but a file still changing is not a finished input.
      reject(
          rejects,
          new Rejection(
              key,
              path,
              Stage.READ,
              RejectReason.CHANGED_DURING_RUN,
              "was " + size + " bytes when listed and " + bytes.length + " when read",
              bytes.length));
      return;
    }
    KilnCounters.counter(KilnCounters.BYTES_READ).inc(bytes.length);
    List<Annotation> annotations;
    try {
      annotations = framing.annotations().forImage(relativePath(key, path), path);
    } catch (IOException | RuntimeException e) {
      reject(
          rejects,
          new Rejection(
              key, path, Stage.FRAME, RejectReason.BAD_ANNOTATIONS, describe(e), bytes.length));
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
                hash,
                labelled.fields());
        KilnCounters.counter(KilnCounters.WRITTEN).inc();
        KilnCounters.counter(KilnCounters.BYTES_WRITTEN).inc(prepared.bytes().length);
        samples.accept(sample);
      }
      // Progress counts inputs finished, however many samples each became.
      LocalProgress.written();
    } catch (ImageRejectedException e) {
      reject(
          rejects, new Rejection(key, path, e.stage(), e.reason(), e.getMessage(), bytes.length));
    }
  }

  @Override
  public void close() {
    preparer.close();
  }

  /**
   * The input's path relative to the input root, which COCO file names are matched against: the key
   * is that path without its extension, so the extension is taken back from the file name.
   */
  public static String relativePath(String key, String path) {
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    String keyName = key.substring(key.lastIndexOf('/') + 1);
    return fileName.startsWith(keyName) ? key + fileName.substring(keyName.length()) : key;
  }

  private static void reject(Consumer<Rejection> rejects, Rejection rejection) {
    KilnCounters.rejected(rejection.reason()).inc();
    LocalProgress.rejected();
    rejects.accept(rejection);
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

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
