package dev.kiln.transforms.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;

/**
 * libjpeg-turbo's TurboJPEG API (Debian package {@code libturbojpeg0}), called through JNA, for
 * decoding plain 8-bit YCbCr and grayscale JPEGs straight into packed RGB.
 *
 * <p>Why: ImageIO's JPEG reader runs the same libjpeg-turbo code underneath, but wraps it in
 * per-row callbacks, raster copies and (through TwelveMonkeys) a second parse of every marker
 * segment. Calling TurboJPEG directly removes that Java-side work. Both decode with libjpeg's
 * accurate integer IDCT and fancy upsampling, so the pixels are the same ({@code
 * TurboJpegEquivalenceTest} compares them); whether the library is present changes speed, never
 * output.
 *
 * <p>The compressed and decoded bytes pass through native buffers this decoder keeps ({@link
 * #KEPT_BUFFER_BYTES} at most): given Java arrays, JNA copies each into fresh native memory and
 * back out again, both ways, ~1 MB of copying per photo (a tenth of a millisecond).
 *
 * <p>JNA rather than the JDK's foreign-function API: in JDK 17 that API is an incubator module,
 * which needs {@code --add-modules} on every JVM that runs Kiln, and a stock Flink TaskManager has
 * none. JNA works in any JVM.
 *
 * <p>The library is optional: {@link #available()} is false when it cannot be loaded (or with
 * {@code -Dkiln.jpeg.turbo=false}), and callers then use ImageIO.
 */
final class TurboJpeg implements AutoCloseable {
  static final int TJPF_RGB = 0;
  static final int TJCS_YCBCR = 1;
  static final int TJCS_GRAY = 2;

  /** libjpeg's accurate integer IDCT, the one ImageIO's reader uses. */
  static final int TJFLAG_ACCURATEDCT = 4096;

  /** Fail on the first libjpeg warning instead of rendering damaged data: ImageIO then decides. */
  static final int TJFLAG_STOPONWARNING = 8192;

  /**
   * Refuse progressive files with more than 500 scans (a decompression bomb), before spending CPU
   * on them.
   */
  static final int TJFLAG_LIMITSCANS = 32768;

  private static final Cleaner CLEANER = Cleaner.create();
  private static final String UNAVAILABLE =
      OptionalNativeLibrary.bind("kiln.jpeg.turbo", Api::bind);

  /** Native buffers larger than this are freed after the image that needed them. */
  static final long KEPT_BUFFER_BYTES = 64L << 20;

  private final Pointer handle;
  private final Cleaner.Cleanable cleanable;

  /**
   * The compressed image, and which array {@link #header} copied it from for {@link #decodeRgb}.
   */
  private Memory jpegBuffer;

  private byte[] jpegInBuffer;
  private Memory rgbBuffer;

  /** A decompressor handle; one per thread (TurboJPEG handles are not thread-safe). */
  TurboJpeg() {
    if (UNAVAILABLE != null) {
      throw new IllegalStateException("TurboJPEG is not available: " + UNAVAILABLE);
    }
    Pointer h = Api.tjInitDecompress();
    if (h == null) {
      throw new IllegalStateException("tjInitDecompress failed: " + Api.tjGetErrorStr2(null));
    }
    this.handle = h;
    this.cleanable = CLEANER.register(this, () -> Api.tjDestroy(h));
  }

  /** Whether libturbojpeg could be loaded in this JVM. */
  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why libturbojpeg is not used, or null when it is. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  /** Header facts of a JPEG: size and the colour space libjpeg will decode it from. */
  record Header(int width, int height, int colourspace) {}

  /** The header, or null when TurboJPEG cannot read it (ImageIO then reports why). */
  Header header(byte[] jpeg) {
    int[] w = new int[1];
    int[] h = new int[1];
    int[] subsamp = new int[1];
    int[] cs = new int[1];
    if (Api.tjDecompressHeader3(handle, load(jpeg), jpeg.length, w, h, subsamp, cs) != 0) {
      return null;
    }
    return new Header(w[0], h[0], cs[0]);
  }

  /** {@code jpeg} in native memory (copied there unless it is already). */
  private Memory load(byte[] jpeg) {
    if (jpeg != jpegInBuffer || jpegBuffer == null) {
      jpegBuffer = NativeBuffers.atLeast(jpegBuffer, jpeg.length);
      jpegBuffer.write(0, jpeg, 0, jpeg.length);
      jpegInBuffer = jpeg;
    }
    return jpegBuffer;
  }

  /**
   * Decodes the whole image to packed RGB ({@code width * height * 3} bytes, R,G,B order), or
   * returns null on any libjpeg error or warning: damaged files take the ImageIO path, which
   * classifies them (truncated, corrupt, ...).
   */
  byte[] decodeRgb(byte[] jpeg, Header header) {
    int length = Math.multiplyExact(Math.multiplyExact(header.width(), header.height()), 3);
    Memory in = load(jpeg);
    rgbBuffer = NativeBuffers.atLeast(rgbBuffer, length);
    try {
      int rc =
          Api.tjDecompress2(
              handle,
              in,
              jpeg.length,
              rgbBuffer,
              header.width(),
              header.width() * 3,
              header.height(),
              TJPF_RGB,
              TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS);
      return rc == 0 ? rgbBuffer.getByteArray(0, length) : null;
    } finally {
      jpegInBuffer = null; // the next image is copied in whatever array it comes in
      releaseLarge();
    }
  }

  /** Frees buffers grown past {@link #KEPT_BUFFER_BYTES} by one large image. */
  private void releaseLarge() {
    if (rgbBuffer != null && rgbBuffer.size() > KEPT_BUFFER_BYTES) {
      rgbBuffer.close();
      rgbBuffer = null;
    }
    if (jpegBuffer != null && jpegBuffer.size() > KEPT_BUFFER_BYTES) {
      jpegBuffer.close();
      jpegBuffer = null;
      jpegInBuffer = null;
    }
  }

  @Override
  public void close() {
    cleanable.clean();
    if (rgbBuffer != null) {
      rgbBuffer.close();
      rgbBuffer = null;
    }
    if (jpegBuffer != null) {
      jpegBuffer.close();
      jpegBuffer = null;
      jpegInBuffer = null;
    }
  }

  /** JNA direct mapping of the five TurboJPEG 2.x functions Kiln calls. */
  private static final class Api {
    private static void bind() {
      if (Native.LONG_SIZE != 8) {
        // The sizes below are C unsigned longs, mapped to Java longs: true on 64-bit Linux and
        // macOS.
        throw new UnsupportedOperationException(
            "C long is " + Native.LONG_SIZE + " bytes here, not 8");
      }
      NativeLibrary lib;
      try {
        lib = NativeLibrary.getInstance("turbojpeg");
      } catch (UnsatisfiedLinkError e) {
        // Debian's runtime package ships only the versioned name (the -dev package adds the link).
        lib = NativeLibrary.getInstance("libturbojpeg.so.0");
      }
      Native.register(Api.class, lib);
    }

    static native Pointer tjInitDecompress();

    static native int tjDecompressHeader3(
        Pointer handle,
        Pointer jpegBuf,
        long jpegSize,
        int[] width,
        int[] height,
        int[] jpegSubsamp,
        int[] jpegColorspace);

    static native int tjDecompress2(
        Pointer handle,
        Pointer jpegBuf,
        long jpegSize,
        Pointer dstBuf,
        int width,
        int pitch,
        int height,
        int pixelFormat,
        int flags);

    static native String tjGetErrorStr2(Pointer handle);

    static native int tjDestroy(Pointer handle);
  }
}
