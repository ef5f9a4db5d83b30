package dev.kiln.transforms.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;

/**
 * Baseline JPEG compression through libjpeg's own API (Debian's {@code libjpeg62-turbo}, the
 * library the JDK's ImageIO JPEG writer links), called with JNA, for {@link JpegEncoder}.
 *
 * <p>Why: ImageIO's writer runs this same libjpeg code but wraps it in a metadata tree, per-row
 * callbacks into Java and a per-sample copy loop in its JNI glue, which together cost as much as
 * the compression itself for a 256x256 image, and its large Java methods cost the JIT compiler
 * about a second of CPU per run. TurboJPEG's simpler API cannot be used instead: in libjpeg-turbo
 * 2.x it takes a quality, not the flat quantisation tables Kiln encodes with.
 *
 * <p>The settings are the ones {@link JpegEncoder} gives ImageIO (flat tables, 1x1 sampling,
 * standard Huffman tables, accurate integer DCT, a JFIF 1.02 header without density), and libjpeg
 * writes the markers in the order ImageIO does, so the files are byte-identical ({@code
 * LibJpegCompressorTest} compares them): whether the library loads changes speed, never output.
 *
 * <p>The {@code jpeg_compress_struct} is laid out by hand from libjpeg's 6.2 ABI on 64-bit Linux
 * (offsets below; the soname fixes the ABI), so the path is used only there. libjpeg reports errors
 * by ending the process; every parameter is checked here first, which leaves only native memory
 * exhaustion, where the JVM could not go on either.
 *
 * <p>One instance per thread; it keeps its libjpeg object and native buffers between images.
 */
final class LibJpegCompressor implements AutoCloseable {
  /** libjpeg's limit on either dimension (JPEG_MAX_DIMENSION). */
  static final int MAX_DIMENSION = 65500;

  private static final int JPEG_LIB_VERSION = 62;
  private static final int COMPRESS_STRUCT_SIZE = 520;
  private static final int ERROR_MGR_SIZE = 168;
  private static final int COMPONENT_INFO_SIZE = 96;
  private static final int JCS_RGB = 2;

  // Offsets into jpeg_compress_struct (libjpeg 6.2 ABI, LP64).
  private static final long ERR = 0;
  private static final long IMAGE_WIDTH = 48;
  private static final long IMAGE_HEIGHT = 52;
  private static final long INPUT_COMPONENTS = 56;
  private static final long IN_COLOR_SPACE = 60;
  private static final long NUM_COMPONENTS = 76;
  private static final long COMP_INFO = 88;
  private static final long OPTIMIZE_CODING = 264;
  private static final long JFIF_MINOR_VERSION = 293;
  // Offsets into jpeg_component_info.
  private static final long H_SAMP_FACTOR = 8;
  private static final long V_SAMP_FACTOR = 12;

  private static final Cleaner CLEANER = Cleaner.create();
  private static final String UNAVAILABLE =
      OptionalNativeLibrary.bind("kiln.jpeg.libjpeg", Api::bind);

  /** The libjpeg object and its error manager; freed by the cleaner. */
  private final NativeState state;

  private final Cleaner.Cleanable cleanable;

  /** The image's samples, row pointers into them, and the output buffer; grown on demand. */
  private Memory pixels;

  private Memory rows;

  /** What {@link #rows} points into: that buffer, row length and row count. */
  private Memory rowsInto;

  private int rowsStride = -1;
  private int rowsHeight = -1;
  private Memory output;
  private final Memory outputPointer = new Memory(Native.POINTER_SIZE);
  private final Memory outputSize = new Memory(8);

  LibJpegCompressor() {
    if (UNAVAILABLE != null) {
      throw new IllegalStateException("libjpeg compression is not available: " + UNAVAILABLE);
    }
    NativeState s = new NativeState();
    this.state = s;
    this.cleanable = CLEANER.register(this, s);
  }

  /** Whether libjpeg's compression API could be bound in this JVM. */
  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why libjpeg is not called directly, or null when it is. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  /**
   * Compresses packed RGB ({@code width * height * 3} bytes) with flat quantisation steps.
   *
   * @param lumaStep the step of every luma coefficient, 1-255
   * @param chromaStep the step of every chroma coefficient, 1-255
   */
  byte[] compress(byte[] rgb, int width, int height, int lumaStep, int chromaStep) {
    if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "JPEG dimensions must be 1.." + MAX_DIMENSION + ": " + width + "x" + height);
    }
    if (lumaStep < 1 || lumaStep > 255 || chromaStep < 1 || chromaStep > 255) {
      throw new IllegalArgumentException(
          "quantisation steps must be 1..255: " + lumaStep + "/" + chromaStep);
    }
    int stride = width * 3;
    long length = (long) stride * height;
    if (rgb.length != length) {
      throw new IllegalArgumentException(
          "expected " + length + " RGB bytes for " + width + "x" + height + ", got " + rgb.length);
    }
    Pointer cinfo = state.cinfo;
    pixels = NativeBuffers.atLeast(pixels, length);
    pixels.write(0, rgb, 0, rgb.length);
    pointRows(height, stride);
    // A flat table compresses noise to at most a little over the raw size; headers add ~600 bytes.
    output = NativeBuffers.atLeast(output, length + length / 8 + 4096);

    cinfo.setInt(IMAGE_WIDTH, width);
    cinfo.setInt(IMAGE_HEIGHT, height);
    cinfo.setInt(INPUT_COMPONENTS, 3);
    cinfo.setInt(IN_COLOR_SPACE, JCS_RGB);
    Api.jpeg_set_defaults(cinfo);
    // What ImageIO's writer changes from libjpeg's defaults: JFIF 1.02, full-resolution chroma,
    // Kiln's tables (scale 100 keeps them as given). Huffman tables stay the standard ones.
    cinfo.setByte(JFIF_MINOR_VERSION, (byte) 2);
    Pointer components = cinfo.getPointer(COMP_INFO);
    int count = cinfo.getInt(NUM_COMPONENTS);
    for (int c = 0; c < count; c++) {
      components.setInt(c * (long) COMPONENT_INFO_SIZE + H_SAMP_FACTOR, 1);
      components.setInt(c * (long) COMPONENT_INFO_SIZE + V_SAMP_FACTOR, 1);
    }
    Api.jpeg_add_quant_table(cinfo, 0, flat(lumaStep), 100, 1);
    Api.jpeg_add_quant_table(cinfo, 1, flat(chromaStep), 100, 1);
    cinfo.setInt(OPTIMIZE_CODING, 0);

    outputPointer.setPointer(0, output);
    outputSize.setLong(0, output.size());
    Api.jpeg_mem_dest(cinfo, outputPointer, outputSize);
    Api.jpeg_start_compress(cinfo, 1);
    int done = 0;
    while (done < height) {
      int wrote =
          Api.jpeg_write_scanlines(
              cinfo, rows.share((long) done * Native.POINTER_SIZE), height - done);
      if (wrote <= 0) {
        Api.jpeg_abort_compress(cinfo);
        throw new IllegalStateException(
            "libjpeg took no scanlines at row " + done + " of " + height);
      }
      done += wrote;
    }
    Api.jpeg_finish_compress(cinfo);

    Pointer written = outputPointer.getPointer(0);
    long size = outputSize.getLong(0);
    byte[] jpeg = written.getByteArray(0, Math.toIntExact(size));
    if (Pointer.nativeValue(written) != Pointer.nativeValue(output)) {
      // libjpeg outgrew the buffer and moved to one it allocated: ours to free.
      Native.free(Pointer.nativeValue(written));
    }
    return jpeg;
  }

  /** Points row pointer {@code y} at row {@code y} of {@link #pixels}. */
  private void pointRows(int height, int stride) {
    if (rowsInto == pixels && rowsStride == stride && rowsHeight == height) {
      return;
    }
    rows = NativeBuffers.atLeast(rows, (long) height * Native.POINTER_SIZE);
    for (int y = 0; y < height; y++) {
      rows.setPointer((long) y * Native.POINTER_SIZE, pixels.share((long) y * stride));
    }
    rowsInto = pixels;
    rowsStride = stride;
    rowsHeight = height;
  }

  private static int[] flat(int step) {
    int[] table = new int[64];
    java.util.Arrays.fill(table, step);
    return table;
  }

  @Override
  public void close() {
    cleanable.clean();
  }

  /** The native libjpeg object; its {@link #run} destroys it. */
  private static final class NativeState implements Runnable {
    final Memory cinfo = new Memory(COMPRESS_STRUCT_SIZE);
    final Memory errorManager = new Memory(ERROR_MGR_SIZE);

    NativeState() {
      cinfo.clear();
      errorManager.clear();
      cinfo.setPointer(ERR, Api.jpeg_std_error(errorManager));
      Api.jpeg_CreateCompress(cinfo, JPEG_LIB_VERSION, COMPRESS_STRUCT_SIZE);
    }

    @Override
    public void run() {
      Api.jpeg_destroy_compress(cinfo);
    }
  }

  /** JNA direct mapping of the libjpeg 6.2 compression functions Kiln calls. */
  private static final class Api {
    private static void bind() {
      if (!Platform.isLinux() || Native.POINTER_SIZE != 8 || Native.LONG_SIZE != 8) {
        // The struct offsets above are those of 64-bit Linux.
        throw new UnsupportedOperationException(
            "the libjpeg struct layout is known for 64-bit Linux only");
      }
      // libjpeg-turbo's 6.2-ABI build; jpeg_mem_dest is its addition, so IJG's own 6b fails to
      // bind.
      Native.register(Api.class, NativeLibrary.getInstance("libjpeg.so.62"));
    }

    static native Pointer jpeg_std_error(Pointer errorManager);

    static native void jpeg_CreateCompress(Pointer cinfo, int version, long structSize);

    static native void jpeg_set_defaults(Pointer cinfo);

    static native void jpeg_add_quant_table(
        Pointer cinfo, int which, int[] basicTable, int scaleFactor, int forceBaseline);

    static native void jpeg_mem_dest(Pointer cinfo, Pointer outBuffer, Pointer outSize);

    static native void jpeg_start_compress(Pointer cinfo, int writeAllTables);

    static native int jpeg_write_scanlines(Pointer cinfo, Pointer scanlines, int numLines);

    static native void jpeg_finish_compress(Pointer cinfo);

    static native void jpeg_abort_compress(Pointer cinfo);

    static native void jpeg_destroy_compress(Pointer cinfo);
  }
}
