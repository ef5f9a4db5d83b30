package dev.kiln.transforms.image;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * {@link Resampler} in C: {@link Lanczos}'s two passes and its box reduction ({@code
 * libkilnresample.so}, built from {@code src/main/c/kiln_resample.c} with Kiln when a C compiler is
 * there), called through JNI.
 *
 * <p>Why: the Java passes are as fast once C2 has compiled them, but a run that prepares a few
 * hundred images never gets that far. A nightly run with a hundred new images spent ~0.3 s of its
 * ~2 s in interpreted and quickly-compiled resampling code and in C2 compiling it; the C code has
 * no warm-up. The C sums the same integers with the same tap tables (computed here in Java), so the
 * bytes are the same ({@code NativeResamplerTest}); whether the library loads changes speed, never
 * output. A JVM without it (a Flink TaskManager, a machine without a C compiler, {@code
 * -Dkiln.resample.native=false}) runs the Java passes.
 *
 * <p>JNI rather than JNA (which binds the JPEG libraries): the images go to C and back without
 * being copied, and a call costs no marshalling, which JNA's first calls pay in Java.
 *
 * <p>The library is looked for in {@code -Dkiln.native.dir}, else in {@code native/} beside the
 * directory or jar this class was loaded from ({@code transforms/target/native} in a build).
 */
final class NativeResampler implements Resampler {
  static final String LIBRARY_FILE = "libkilnresample.so";

  /** The version of the C functions this class calls ({@code KILN_RESAMPLE_ABI} in the C). */
  private static final int ABI = 2;

  private static final String UNAVAILABLE =
      OptionalNativeLibrary.bind("kiln.resample.native", NativeResampler::load);
  private static final ThreadLocal<byte[]> WORK = ThreadLocal.withInitial(() -> new byte[0]);

  /** Calls the library, which must be {@link #available()}. */
  NativeResampler() {}

  /** Whether the C passes are used in this JVM. */
  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why the C passes are not used, or null when they are. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  private static void load() {
    Path dir = libraryDir();
    Path file = dir == null ? null : dir.resolve(LIBRARY_FILE);
    if (file == null || !Files.isRegularFile(file)) {
      throw new IllegalStateException(
          LIBRARY_FILE
              + " not found"
              + (dir == null ? "" : " in " + dir)
              + " (built with Kiln where a C compiler is installed)");
    }
    System.load(file.toAbsolutePath().toString());
    int abi = abi();
    if (abi != ABI) {
      throw new IllegalStateException(
          file
              + " is version "
              + abi
              + " of the C resampler, this Kiln needs version "
              + ABI
              + " (rebuild Kiln)");
    }
  }

  /**
   * Where the library should be: the system property's directory, else native/ beside this class's
   * jar or directory.
   */
  private static Path libraryDir() {
    String configured = System.getProperty("kiln.native.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    CodeSource source = NativeResampler.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path location = Path.of(source.getLocation().toURI());
      Path parent = location.getParent();
      return parent == null ? null : parent.resolve("native");
    } catch (URISyntaxException
        | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      return null; // not a local file (a jar inside a jar, a remote class loader): no library
    }
  }

  @Override
  public RgbImage lanczos(
      RgbImage src, Lanczos.Taps hx, Lanczos.Taps vy, int colMin, int cols, int outW, int outH) {
    byte[] out = new byte[outW * outH * 3];
    check(
        lanczos(
            src.rgb(),
            src.width(),
            src.height(),
            colMin,
            cols,
            vy.start,
            vy.count,
            vy.weights,
            vy.stride,
            outH,
            hx.start,
            hx.count,
            hx.weights,
            hx.stride,
            outW,
            work(Math.addExact(Math.multiplyExact(2 * 3 * outH, cols), 3 * outW * outH)),
            out),
        "lanczos",
        src,
        outW,
        outH);
    return new RgbImage(outW, outH, out);
  }

  /**
   * This thread's work array, of at least {@code bytes}: the C passes keep their intermediate
   * images in it. Kept from image to image (memory the C allocated per call came fresh from the
   * kernel each time, a page fault for every 4 KiB).
   */
  private static byte[] work(int bytes) {
    byte[] work = WORK.get();
    if (work.length < bytes) {
      work = new byte[Math.max(bytes, work.length + work.length / 2)];
      WORK.set(work);
    }
    return work;
  }

  @Override
  public RgbImage boxReduce(RgbImage src, int rx, int ry, int rw, int rh, int fx, int fy) {
    int ow = (rw + fx - 1) / fx;
    int oh = (rh + fy - 1) / fy;
    byte[] out = new byte[ow * oh * 3];
    check(
        boxReduce(src.rgb(), src.width(), src.height(), rx, ry, rw, rh, fx, fy, out),
        "box reduction",
        src,
        ow,
        oh);
    return new RgbImage(ow, oh, out);
  }

  @Override
  public String name() {
    return "C (" + LIBRARY_FILE + ")";
  }

  private static void check(int rc, String what, RgbImage src, int outW, int outH) {
    if (rc == 0) {
      return;
    }
    String call =
        "native "
            + what
            + " of a "
            + src.width()
            + "x"
            + src.height()
            + " image to "
            + outW
            + "x"
            + outH;
    if (rc == -1) {
      throw new OutOfMemoryError(call + ": out of native memory");
    }
    throw new IllegalStateException(call + " refused its arguments (code " + rc + ")");
  }

  private static native int lanczos(
      byte[] in,
      int sw,
      int sh,
      int colMin,
      int cols,
      int[] vStart,
      int[] vCount,
      int[] vWeights,
      int vStride,
      int outH,
      int[] hStart,
      int[] hCount,
      int[] hWeights,
      int hStride,
      int outW,
      byte[] work,
      byte[] out);

  private static native int boxReduce(
      byte[] in, int sw, int sh, int rx, int ry, int rw, int rh, int fx, int fy, byte[] out);

  private static native int abi();
}
