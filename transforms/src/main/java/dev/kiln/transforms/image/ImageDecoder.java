package dev.kiln.transforms.image;

import com.twelvemonkeys.imageio.plugins.hdr.HDRImageReadParam;
import com.twelvemonkeys.imageio.plugins.hdr.tonemap.NullToneMapper;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Stage;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Bytes to pixels: sniff the format, probe the header, enforce the pixel budget, decode the first
 * frame, and turn every decoder failure mode into an {@link ImageRejectedException}.
 *
 * <p>Failure containment matters more than anything here: decoders throw {@code IIOException},
 * assorted {@code RuntimeException}s (index out of bounds, negative array sizes...) and may run out
 * of memory, and some only <em>warn</em> about truncated data and hand back a gray-filled image.
 * None of that may escape as anything but a rejection with a stable reason.
 */
final class ImageDecoder {

  /**
   * A decoded first frame.
   *
   * @param image decoded pixels as the reader delivered them
   * @param info facts about the source
   * @param pending colour space the RGB samples are still in when not sRGB (convert after
   *     downscale), else null
   */
  record Decoded(BufferedImage image, ImageInfo info, ColorSpace pending) {}

  private final long maxPixels;

  /**
   * This decoder's TurboJPEG handle, or null when the library is absent (ImageIO decodes
   * everything).
   */
  private final TurboJpeg turbo;

  ImageDecoder(long maxPixels) {
    this(maxPixels, TurboJpeg.available());
  }

  /**
   * @param useTurbo whether plain JPEGs may take the TurboJPEG path (it must be {@link
   *     TurboJpeg#available()})
   */
  ImageDecoder(long maxPixels, boolean useTurbo) {
    this.maxPixels = maxPixels;
    this.turbo = useTurbo ? new TurboJpeg() : null;
  }

  /** Whether this decoder uses TurboJPEG for plain JPEGs. */
  boolean usesTurbo() {
    return turbo != null;
  }

  Decoded decode(byte[] input) throws ImageRejectedException {
    if (input == null || input.length == 0) {
      throw new ImageRejectedException(Stage.READ, RejectReason.EMPTY_FILE, "input has no bytes");
    }
    String format = FormatSniffer.sniff(input);
    if (format == null) {
      throw new ImageRejectedException(
          Stage.READ,
          RejectReason.NOT_AN_IMAGE,
          "bytes do not start with any known image signature (" + input.length + " bytes)");
    }
    if (turbo != null && format.equals("jpeg")) {
      Decoded fast = decodePlainJpeg(input);
      if (fast != null) {
        return fast;
      }
    }
    return decodeWithImageIO(input, format);
  }

  /**
   * Every format through its ImageIO reader. A method of its own, too large to be inlined: the JIT
   * then compiles the common path above without this one's reader plumbing, which on a photo
   * collection runs for a few percent of the files.
   */
  private Decoded decodeWithImageIO(byte[] input, String format) throws ImageRejectedException {
    ImageReaderSpi spi = KilnImageIO.readerSpi(format);
    if (spi == null) {
      throw new ImageRejectedException(
          Stage.READ, RejectReason.UNSUPPORTED_FORMAT, "no decoder installed for " + format);
    }
    ImageReader reader = null;
    Stage stage = Stage.PROBE;
    List<String> warnings = new ArrayList<>();
    try {
      reader = spi.createReaderInstance();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      reader.setInput(new ByteArrayImageInputStream(input), false, false);

      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw new ImageRejectedException(
            Stage.PROBE, RejectReason.CORRUPT, "header declares " + width + "x" + height);
      }
      if ((long) width * height > maxPixels) {
        throw new ImageRejectedException(
            Stage.PROBE,
            RejectReason.TOO_MANY_PIXELS,
            width + "x" + height + " = " + (long) width * height + " pixels > limit " + maxPixels);
      }
      JpegMarkers jpeg = format.equals("jpeg") ? JpegMarkers.parse(input) : null;
      int frames = countFrames(reader, format);
      int orientation = ExifOrientation.read(format, input);

      stage = Stage.DECODE;
      if (format.equals("png")) {
        checkPngChunks(input);
      } else if (format.equals("webp")) {
        checkRiffLength(input);
      } else {
        DeclaredLength.check(format, input);
      }
      ImageReadParam param = reader.getDefaultReadParam();
      if (param instanceof HDRImageReadParam hdr) {
        // A Radiance picture holds linear light: clipped to [0, 1] and then encoded as sRGB
        // (as image viewers show it, LinearLightSamples), not squeezed by the plugin's
        // default curve.
        hdr.setToneMapper(new NullToneMapper());
      }
      ColorSpace jpegSpace =
          jpeg != null && jpeg.components() == 3
              ? prepareJpegDestination(reader, param, width, height)
              : null;
      BufferedImage image = reader.read(0, param);
      checkWarnings(warnings);
      if (param instanceof HDRImageReadParam) {
        LinearLightSamples.encodeSrgb(image);
      }
      if (image.getWidth() != width || image.getHeight() != height) {
        throw new ImageRejectedException(
            Stage.DECODE,
            RejectReason.CORRUPT,
            "decoded "
                + image.getWidth()
                + "x"
                + image.getHeight()
                + " but header said "
                + width
                + "x"
                + height);
      }

      ColorSpace decodedSpace =
          jpegSpace != null ? jpegSpace : image.getColorModel().getColorSpace();
      String iccDescription = iccDescription(format, jpeg, input, image.getColorModel());
      ColorSpace pending =
          decodedSpace.getType() == ColorSpace.TYPE_RGB
                  && ColourConverter.needsConversion(decodedSpace)
              ? decodedSpace
              : null;
      ImageInfo info =
          new ImageInfo(
              format,
              jpeg != null
                  ? jpeg.colourModel()
                  : format.equals("png")
                      ? pngColourModel(input)
                      : colourModel(reader, image.getColorModel()),
              jpeg != null
                  ? jpeg.precision()
                  : format.equals("png")
                      ? input[24] & 0xFF
                      : bitDepth(reader, image.getColorModel()),
              iccDescription,
              orientation,
              width,
              height,
              frames);
      return new Decoded(image, info, pending);
    } catch (ImageRejectedException e) {
      throw e;
    } catch (OutOfMemoryError e) {
      throw new ImageRejectedException(
          stage, RejectReason.OUT_OF_MEMORY, "decoder ran out of memory", e);
    } catch (IIOException e) {
      throw classify(stage, e, warnings);
    } catch (IOException e) {
      throw classify(stage, e, warnings);
    } catch (RuntimeException | StackOverflowError | NoClassDefFoundError e) {
      // Decoders signal malformed input with all sorts of unchecked exceptions.
      throw new ImageRejectedException(
          stage, RejectReason.DECODE_FAILED, format + " decoder failed: " + e, e);
    } finally {
      if (reader != null) {
        reader.dispose();
      }
    }
  }

  /**
   * The fast path for the common JPEG: 8-bit baseline or progressive, YCbCr or gray, no ICC profile
   * or an sRGB-equivalent one, within the pixel budget, decoding without a single libjpeg warning.
   * It gives the pixels and facts the ImageIO path would (same libjpeg IDCT and upsampling),
   * without ImageIO's per-row copies. Returns null for anything else, which then takes the ImageIO
   * path: that path alone classifies damaged files and handles CMYK, YCCK, lossless, 12-bit and
   * colour-managed sources. Needs {@link #usesTurbo()}.
   */
  Decoded decodePlainJpeg(byte[] input) {
    JpegMarkers jpeg = JpegMarkers.parse(input);
    int sof = jpeg.sofMarker();
    if ((sof != 0xC0 && sof != 0xC1 && sof != 0xC2) || jpeg.precision() != 8) {
      return null;
    }
    int expectedSpace;
    if (jpeg.components() == 3 && jpeg.colourModel().equals("rgb")) {
      expectedSpace = TurboJpeg.TJCS_YCBCR;
    } else if (jpeg.components() == 1) {
      expectedSpace = TurboJpeg.TJCS_GRAY;
    } else {
      return null;
    }
    byte[] icc = jpeg.iccProfile();
    ICC_Profile profile = IccProfiles.parse(icc);
    if (icc != null && (profile == null || !IccProfiles.isSrgbEquivalent(profile))) {
      return null;
    }
    TurboJpeg.Header header = turbo.header(input);
    if (header == null
        || header.colourspace() != expectedSpace
        || header.width() <= 0
        || header.height() <= 0
        || (long) header.width() * header.height() > maxPixels) {
      return null;
    }
    byte[] rgb;
    try {
      rgb = turbo.decodeRgb(input, header);
    } catch (OutOfMemoryError e) {
      return null; // the ImageIO path reports it with its stage
    }
    if (rgb == null) {
      return null;
    }
    int w = header.width();
    int h = header.height();
    ImageInfo info =
        new ImageInfo(
            "jpeg",
            jpeg.colourModel(),
            jpeg.precision(),
            IccProfiles.description(profile),
            ExifOrientation.read("jpeg", input),
            w,
            h,
            1);
    return new Decoded(
        ColourConverter.wrap(rgb, w, h, ColorSpace.getInstance(ColorSpace.CS_sRGB)), info, null);
  }

  /**
   * For 3-component JPEGs, decode straight into a packed RGB raster (band order R,G,B, no padding):
   * the colour stage can then use the array as is instead of swizzling BGR. When the file carries
   * an ICC profile, the destination uses the reader's own ICC colour space instance so the reader
   * does NOT run its per-row ColorConvertOp at full size; we convert the small image later, or skip
   * it for sRGB-equivalent profiles. Returns the colour space of the destination, or null when the
   * reader's types don't allow it (then the reader's default is used).
   */
  private static ColorSpace prepareJpegDestination(
      ImageReader reader, ImageReadParam param, int width, int height) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (!types.hasNext()) {
      return null;
    }
    ImageTypeSpecifier first = types.next();
    if (first.getNumBands() != 3
        || first.getColorModel().getColorSpace().getType() != ColorSpace.TYPE_RGB
        || first.getSampleModel().getDataType() != java.awt.image.DataBuffer.TYPE_BYTE) {
      return null;
    }
    ColorSpace cs = ColorSpace.getInstance(ColorSpace.CS_sRGB);
    while (types.hasNext()) {
      ImageTypeSpecifier t = types.next();
      ColorSpace tcs = t.getColorModel().getColorSpace();
      if (t.getNumBands() == 3
          && tcs instanceof ICC_ColorSpace
          && !tcs.isCS_sRGB()
          && tcs.getType() == ColorSpace.TYPE_RGB) {
        cs = tcs;
        break;
      }
    }
    param.setDestination(
        ColourConverter.wrap(
            new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)], width, height, cs));
    return cs;
  }

  private static void checkWarnings(List<String> warnings) throws ImageRejectedException {
    for (String w : warnings) {
      String lw = w.toLowerCase(Locale.ROOT);
      // libjpeg keeps going after running out of data and fills the rest with gray; a sample
      // that is half gray is worse than no sample.
      if (lw.contains("premature end")) {
        throw new ImageRejectedException(
            Stage.DECODE, RejectReason.TRUNCATED, "decoder warned: " + w);
      }
    }
  }

  static ImageRejectedException classify(Stage stage, IOException e, List<String> warnings) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // TwelveMonkeys reports a heap too full for the destination image as an IIOException
      // ("Unable to allocate destination image of N bytes") caused by the OutOfMemoryError:
      // memory, not damage.
      if (t instanceof OutOfMemoryError) {
        return new ImageRejectedException(
            stage, RejectReason.OUT_OF_MEMORY, "decoder ran out of memory: " + e.getMessage(), e);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return new ImageRejectedException(
            stage, RejectReason.TRUNCATED, "input ended early: " + e.getMessage(), e);
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("premature end")
          || m.contains("unexpected end")
          || m.contains("end of stream")
          || m.contains("truncated")) {
        return new ImageRejectedException(
            stage, RejectReason.TRUNCATED, "input ended early: " + e.getMessage(), e);
      }
    }
    for (String w : warnings) {
      if (w.toLowerCase(Locale.ROOT).contains("premature end")) {
        return new ImageRejectedException(
            stage, RejectReason.TRUNCATED, "decoder warned: " + w + "; then " + e.getMessage(), e);
      }
    }
    return new ImageRejectedException(
        stage, RejectReason.CORRUPT, "decoder rejected the data: " + e.getMessage(), e);
  }

  private static int countFrames(ImageReader reader, String format) {
    if (!format.equals("gif") && !format.equals("webp") && !format.equals("tiff")) {
      return 1;
    }
    try {
      // Scans the whole stream for GIF; still cheap next to decoding.
      int n = reader.getNumImages(true);
      return Math.max(1, n);
    } catch (IOException | RuntimeException e) {
      return 1;
    }
  }

  /**
   * From the IHDR colour type: the JDK reader models low-bit gray as a palette, so the decoded
   * colour model would misreport it. (The reader already validated the IHDR.)
   */
  private static String pngColourModel(byte[] d) {
    switch (d[25]) {
      case 0:
        return "gray";
      case 3:
        return "palette";
      case 4:
        return "gray+alpha";
      case 6:
        return "rgba";
      default:
        return "rgb";
    }
  }

  private static String colourModel(ImageReader reader, ColorModel decoded) {
    ColorModel cm = decoded;
    try {
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      if (raw != null) {
        cm = raw.getColorModel();
      }
    } catch (IOException | RuntimeException e) {
      // fall back to what was decoded
    }
    if (cm instanceof IndexColorModel) {
      return "palette";
    }
    switch (cm.getColorSpace().getType()) {
      case ColorSpace.TYPE_GRAY:
        return cm.hasAlpha() ? "gray+alpha" : "gray";
      case ColorSpace.TYPE_CMYK:
        return "cmyk";
      case ColorSpace.TYPE_RGB:
        return cm.hasAlpha() ? "rgba" : "rgb";
      default:
        return cm.getColorSpace().getNumComponents() == 4 ? "cmyk" : "rgb";
    }
  }

  private static int bitDepth(ImageReader reader, ColorModel decoded) {
    ColorModel cm = decoded;
    try {
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      if (raw != null) {
        cm = raw.getColorModel();
        if (cm instanceof IndexColorModel) {
          return raw.getSampleModel().getSampleSize(0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to what was decoded
    }
    return cm.getComponentSize(0);
  }

  private static String iccDescription(
      String format, JpegMarkers jpeg, byte[] input, ColorModel decoded) {
    if (jpeg != null) {
      return IccProfiles.description(IccProfiles.parse(jpeg.iccProfile()));
    }
    if (format.equals("png")) {
      return IccProfiles.description(IccProfiles.parse(pngIccp(input)));
    }
    ColorSpace cs = decoded.getColorSpace();
    if (cs instanceof ICC_ColorSpace && !cs.isCS_sRGB()) {
      ICC_Profile p = ((ICC_ColorSpace) cs).getProfile();
      // Java's built-in linear gray is what readers use for plain gray: not an embedded profile.
      if (p != ICC_Profile.getInstance(ColorSpace.CS_GRAY)) {
        return IccProfiles.description(p);
      }
    }
    return null;
  }

  /**
   * A WebP file is a RIFF container whose header states its length. The WebP decoder renders a
   * stream cut inside its last partition without complaint (the missing rows come out as whatever
   * the predictor guessed), so a file shorter than its header says is rejected here.
   */
  private static void checkRiffLength(byte[] d) throws ImageRejectedException {
    if (d.length < 12) {
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.TRUNCATED,
          "WebP ends at byte " + d.length + " inside its header");
    }
    long declared =
        (d[4] & 0xffL) | (d[5] & 0xffL) << 8 | (d[6] & 0xffL) << 16 | (d[7] & 0xffL) << 24;
    if (declared + 8 > d.length) {
      throw new ImageRejectedException(
          Stage.DECODE,
          RejectReason.TRUNCATED,
          "WebP header declares " + (declared + 8) + " bytes, file ends at " + d.length);
    }
  }

  /**
   * Walks the PNG chunk list and verifies every CRC. The JDK reader ignores CRCs and reports a
   * cut-off stream as a generic metadata error; both are worth distinguishing: a bad CRC means the
   * bytes were damaged in transit ({@code corrupt}), a stream ending before IEND is {@code
   * truncated}. CRC32 runs at memory speed, so this is cheap next to inflating.
   */
  private static void checkPngChunks(byte[] d) throws ImageRejectedException {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    int p = 8;
    while (true) {
      if (p + 8 > d.length) {
        throw new ImageRejectedException(
            Stage.DECODE, RejectReason.TRUNCATED, "PNG ends at byte " + d.length + " before IEND");
      }
      long len = Integer.toUnsignedLong(Bytes.be32(d, p));
      if (len > Integer.MAX_VALUE || p + 12L + len > d.length) {
        throw new ImageRejectedException(
            Stage.DECODE,
            RejectReason.TRUNCATED,
            "PNG chunk at byte " + p + " needs " + len + " bytes, file ends at " + d.length);
      }
      crc.reset();
      crc.update(d, p + 4, 4 + (int) len);
      int stored = Bytes.be32(d, p + 8 + (int) len);
      String type = new String(d, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if ((int) crc.getValue() != stored) {
        throw new ImageRejectedException(
            Stage.DECODE,
            RejectReason.CORRUPT,
            "PNG chunk " + type + " at byte " + p + " has a bad CRC");
      }
      if (type.equals("IEND")) {
        return;
      }
      p += 12 + (int) len;
    }
  }

  /** The decompressed iCCP profile of a PNG, or null. */
  private static byte[] pngIccp(byte[] d) {
    int p = 8;
    while (p + 8 <= d.length) {
      int len = Bytes.be32(d, p);
      if (len < 0 || p + 12L + len > d.length) {
        return null;
      }
      int type = Bytes.be32(d, p + 4);
      if (type == 0x69434350 /* iCCP */) {
        int start = p + 8;
        int nul = start;
        while (nul < start + len && d[nul] != 0) {
          nul++;
        }
        int z = nul + 2; // NUL then compression method
        if (z >= start + len) {
          return null;
        }
        Inflater inf = new Inflater();
        try {
          inf.setInput(d, z, start + len - z);
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
          byte[] buf = new byte[8192];
          while (!inf.finished() && out.size() < (4 << 20)) {
            int n = inf.inflate(buf);
            if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
              break;
            }
            out.write(buf, 0, n);
          }
          return out.toByteArray();
        } catch (DataFormatException e) {
          return null;
        } finally {
          inf.end();
        }
      }
      if (type == 0x49444154 /* IDAT */) {
        return null;
      }
      p += 12 + len;
    }
    return null;
  }
}
