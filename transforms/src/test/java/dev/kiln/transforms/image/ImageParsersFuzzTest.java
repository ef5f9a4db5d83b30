package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for Kiln's own byte parsers in the image path: the format sniffer, the JPEG marker
 * walker (frame, Adobe, EXIF and ICC segments), the EXIF orientation readers of JPEG, PNG, WebP and
 * TIFF, the declared-length checks, and the whole of preparing an image (PNG chunk and CRC walk,
 * iCCP inflating, RIFF length, ICC parsing, then the decoders). Whatever the bytes, the parsers
 * return (orientation 1-8 or "none"), and preparing either gives an image or an {@link
 * ImageRejectedException} with a reason; any other exception, an error or a hang is a finding.
 *
 * <p>Seeds: {@code src/test/resources/dev/kiln/transforms/image/ImageParsersFuzzTestInputs/};
 * {@code mvn test} runs them; {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class ImageParsersFuzzTest {
  private static final String[] FORMATS = {"jpeg", "png", "webp", "tiff", "gif", "bmp"};
  private static final PrepareSettings SMALL =
      PrepareSettings.defaults().withResize(ResizeMode.CENTER_CROP, 32, 32);

  @FuzzTest(maxDuration = "2m")
  void headerParsers(byte[] input) {
    FormatSniffer.sniff(input);
    JpegMarkers jpeg = JpegMarkers.parse(input);
    jpeg.iccProfile();
    jpeg.colourModel();
    IccProfiles.parse(jpeg.iccProfile());
    for (String format : FORMATS) {
      int orientation = ExifOrientation.read(format, input);
      assertTrue(orientation >= 0 && orientation <= 8, format + " orientation " + orientation);
    }
    for (String format : new String[] {"icns", "pcx"}) {
      try {
        DeclaredLength.check(format, input);
      } catch (ImageRejectedException expected) {
        // too short for what it declares
      }
    }
  }

  /** As a run prepares images: TurboJPEG for plain JPEGs where it loads, ImageIO for the rest. */
  private static final ImagePreparer PREPARER = new ImagePreparer(SMALL);

  @FuzzTest(maxDuration = "2m")
  void prepare(byte[] input) {
    try {
      PREPARER.prepare(input);
    } catch (ImageRejectedException expected) {
      // rejected with a reason
    }
  }
}
