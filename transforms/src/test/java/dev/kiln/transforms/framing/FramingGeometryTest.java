package dev.kiln.transforms.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Box;
import dev.kiln.formats.annotations.Annotation;
import dev.kiln.transforms.image.Encoding;
import dev.kiln.transforms.image.Frame;
import dev.kiln.transforms.image.FrameMapping;
import dev.kiln.transforms.image.ImagePreparer;
import dev.kiln.transforms.image.ImageRejectedException;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.PreparedImage;
import dev.kiln.transforms.image.ResizeMode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Real images through the real preparer: a picture with coloured rectangles exactly where its
 * annotations say, in STORED coordinates, under an EXIF orientation tag. After every framing and
 * resize mode, each stored box must still frame its rectangle in the output to within 1 px.
 */
class FramingGeometryTest {
  static final int W = 400;
  static final int H = 300;

  /** Red: the larger object. */
  static final Annotation RED = new Annotation(100, 60, 180, 140, "red", 1);

  /** Blue: a smaller object, so union and largest frame differently. */
  static final Annotation BLUE = new Annotation(250, 180, 300, 220, "blue", 2);

  static final List<Annotation> BOTH = List.of(RED, BLUE);
  static final int PAD = 0x808080;

  static final int RED_RGB = 0xFF0000;
  static final int BLUE_RGB = 0x0000FF;

  /**
   * White picture, {@link #RED} and {@link #BLUE} filled exactly, stored as is, tagged {@code o}.
   */
  static byte[] picture(int orientation) throws Exception {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int c = 0xFFFFFF;
        if (inside(RED, x, y)) {
          c = RED_RGB;
        } else if (inside(BLUE, x, y)) {
          c = BLUE_RGB;
        }
        img.setRGB(x, y, c);
      }
    }
    return withOrientation(img, orientation);
  }

  private static boolean inside(Annotation a, int x, int y) {
    return x >= a.x0() && x < a.x1() && y >= a.y0() && y < a.y1();
  }

  /** A PNG of {@code img} with an eXIf chunk (TIFF IFD0 with the orientation tag) after IHDR. */
  static byte[] withOrientation(BufferedImage img, int orientation) throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    byte[] bytes = png.toByteArray();
    ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] data = tiff.array();
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    byte[] type = "eXIf".getBytes(StandardCharsets.US_ASCII);
    chunk.putInt(data.length).put(type).put(data);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    chunk.putInt((int) crc.getValue());
    int afterIhdr = 8 + 25;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, afterIhdr);
    out.write(chunk.array());
    out.write(bytes, afterIhdr, bytes.length - afterIhdr);
    return out.toByteArray();
  }

  static PrepareSettings settings(ResizeMode mode, int w, int h) {
    return new PrepareSettings(mode, w, h, Encoding.RAW, 90, 1L << 30, 0xFFFFFF, PAD, true);
  }

  static Framer.Preparer preparer(PrepareSettings s) {
    ImagePreparer p = new ImagePreparer(s);
    return new Framer.Preparer() {
      @Override
      public PreparedImage prepare(byte[] input) throws ImageRejectedException {
        return p.prepare(input);
      }

      @Override
      public List<PreparedImage> prepare(byte[] input, List<Frame> frames)
          throws ImageRejectedException {
        return p.prepare(input, frames);
      }
    };
  }

  static Framing framing(FramingMode mode, FrameObject object) {
    return new Framing(mode, object, 0.1, 0.5, AnnotationSource.none());
  }

  @Test
  void everyResizeModeAndOrientationKeepsTheBoxesOnTheirRectangles() throws Exception {
    int checked = 0;
    for (int o : new int[] {1, 3, 6, 8}) {
      byte[] png = picture(o);
      for (ResizeMode mode : ResizeMode.values()) {
        for (int[] size : new int[][] {{128, 128}, {200, 90}, {90, 200}}) {
          String what = mode + " " + size[0] + "x" + size[1] + " o=" + o;
          List<Framer.Framed> out =
              Framer.frame(
                  png,
                  BOTH,
                  framing(FramingMode.NONE, FrameObject.UNION),
                  preparer(settings(mode, size[0], size[1])));
          assertEquals(1, out.size(), what);
          checkAll(out.get(0), what);
          checked += out.get(0).boxes().size();
          if (mode != ResizeMode.CENTER_CROP) {
            // Only a crop can cut objects away; every other mode shows the whole image.
            assertEquals(2, out.get(0).boxes().size(), what);
          }
        }
      }
    }
    // 4 orientations x 6 modes x 3 sizes x 2 objects, less those a center crop cut away.
    assertTrue(checked > 120, "boxes checked: " + checked);
  }

  @Test
  void objectCropsAndPerObjectSamplesKeepTheBoxesOnTheirRectangles() throws Exception {
    for (int o : new int[] {1, 3, 6, 8}) {
      byte[] png = picture(o);
      for (int[] size : new int[][] {{128, 128}, {200, 90}}) {
        Framer.Preparer p = preparer(settings(ResizeMode.CENTER_CROP, size[0], size[1]));
        String what = size[0] + "x" + size[1] + " o=" + o;

        Framer.Framed union =
            Framer.frame(png, BOTH, framing(FramingMode.OBJECT_CROP, FrameObject.UNION), p).get(0);
        checkAll(union, "union " + what);
        assertEquals(2, union.boxes().size(), "union keeps both objects " + what);
        assertEquals(List.of("blue", "red"), union.labels());

        Framer.Framed largest =
            Framer.frame(png, BOTH, framing(FramingMode.OBJECT_CROP, FrameObject.LARGEST), p)
                .get(0);
        checkAll(largest, "largest " + what);
        Box red = largest.boxes().get(0);
        assertEquals("red", red.label());
        // The largest object, with 10 % margin, spans the crop along its limiting axis.
        double fill =
            Math.max(
                red.width() / largest.image().width(), red.height() / largest.image().height());
        assertEquals(1 / 1.2, fill, 0.02, "largest fills the frame but for the margin " + what);

        List<Framer.Framed> perObject =
            Framer.frame(png, BOTH, framing(FramingMode.PER_OBJECT, FrameObject.UNION), p);
        assertEquals(2, perObject.size(), what);
        assertEquals("/0", perObject.get(0).keySuffix());
        assertEquals("/1", perObject.get(1).keySuffix());
        assertEquals(List.of("red"), perObject.get(0).labels());
        assertEquals(List.of("blue"), perObject.get(1).labels());
        for (Framer.Framed f : perObject) {
          checkAll(f, "per-object " + f.keySuffix() + " " + what);
          assertEquals(
              f.labels().get(0), f.boxes().get(0).label(), "the object's own box comes first");
          assertEquals(size[0], f.image().width());
          assertEquals(size[1], f.image().height());
        }
      }
    }
  }

  /**
   * Every kept box covers exactly its colour's pixels (within 1 px); unkept colours are mostly
   * gone.
   */
  private static void checkAll(Framer.Framed f, String what) {
    PreparedImage img = f.image();
    for (Box b : f.boxes()) {
      int rgb = b.label().equals("red") ? RED_RGB : BLUE_RGB;
      int[] extent = extent(img, rgb);
      assertNotNull(extent, what + ": no " + b.label() + " pixels under its box " + b);
      String where = what + ": " + b + " vs pixels " + Arrays.toString(extent);
      assertEquals(extent[0], b.x0(), 1.0, where);
      assertEquals(extent[1], b.y0(), 1.0, where);
      assertEquals(extent[2], b.x1(), 1.0, where);
      assertEquals(extent[3], b.y1(), 1.0, where);
      assertTrue(
          b.x0() >= 0 && b.y0() >= 0 && b.x1() <= img.width() && b.y1() <= img.height(), where);
    }
  }

  /**
   * {x0, y0, x1, y1} (half-open) of the pixels nearer {@code rgb} than white or padding, or null.
   */
  static int[] extent(PreparedImage img, int rgb) {
    byte[] px = img.bytes();
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        int i = (y * img.width() + x) * 3;
        int r = px[i] & 0xFF;
        int g = px[i + 1] & 0xFF;
        int b = px[i + 2] & 0xFF;
        boolean match =
            rgb == RED_RGB ? r > 160 && g < 128 && b < 128 : b > 160 && r < 128 && g < 128;
        if (match) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    return x1 < 0 ? null : new int[] {x0, y0, x1, y1};
  }

  @Test
  void letterboxPaddingGeometry() throws Exception {
    // 400x300 into 200x200: scaled to 200x150, centred with 25 rows of padding above and below.
    PreparedImage p =
        new ImagePreparer(settings(ResizeMode.LETTERBOX, 200, 200)).prepare(picture(1));
    FrameMapping m = p.mapping();
    assertEquals(0, m.padX());
    assertEquals(25, m.padY());
    assertEquals(200, p.width());
    assertEquals(200, p.height());
    for (int x = 0; x < 200; x++) {
      for (int y : new int[] {0, 24, 175, 199}) {
        assertEquals(PAD, pixel(p, x, y), "padding at " + x + "," + y);
      }
      assertEquals(0xFFFFFF, pixel(p, x, 26) | 0x010101, "image starts at row 25");
    }
    Box red = Framer.carry(RED, m, 0.5);
    assertEquals(50, red.x0(), 1e-3);
    assertEquals(30 + 25, red.y0(), 1e-3);
    assertEquals(90, red.x1(), 1e-3);
    assertEquals(70 + 25, red.y1(), 1e-3);

    // Rotated 90°: 300x400 displayed becomes 150x200, with 25 columns each side.
    PreparedImage r =
        new ImagePreparer(settings(ResizeMode.LETTERBOX, 200, 200)).prepare(picture(6));
    assertEquals(25, r.mapping().padX());
    assertEquals(0, r.mapping().padY());
    assertEquals(PAD, pixel(r, 0, 100));
    assertEquals(PAD, pixel(r, 199, 100));
  }

  @Test
  void anObjectCropAcrossTheBorderIsPaddedAndTheBoxStaysOnItsPixels() throws Exception {
    // An object touching the top-left corner: its margin and the square aspect reach past the
    // image, and that part is padding, not stretched image.
    Annotation corner = new Annotation(0, 0, 80, 40, "red", 1);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        img.setRGB(x, y, x < 80 && y < 40 ? RED_RGB : 0xFFFFFF);
      }
    }
    Framer.Framed f =
        Framer.frame(
                withOrientation(img, 1),
                List.of(corner),
                framing(FramingMode.OBJECT_CROP, FrameObject.UNION),
                preparer(settings(ResizeMode.CENTER_CROP, 100, 100)))
            .get(0);
    // Frame: [-8, 88) wide (80 + 2 * 8), 96 tall about y = 20 -> [-28, 68): 100/96 px per source
    // px.
    FrameMapping m = f.image().mapping();
    assertEquals(8 * 100 / 96.0, m.padX(), 1.0);
    assertEquals(28 * 100 / 96.0, m.padY(), 1.0);
    assertEquals(PAD, pixel(f.image(), 0, 0));
    assertEquals(PAD, pixel(f.image(), 50, 10));
    Box b = f.boxes().get(0);
    assertEquals(m.padX(), b.x0(), 1e-3);
    assertEquals(m.padY(), b.y0(), 1e-3);
    checkAll(f, "corner crop");
  }

  @Test
  void imagesWithoutObjects() throws Exception {
    byte[] png = picture(1);
    PrepareSettings s = settings(ResizeMode.CENTER_CROP, 64, 64);
    // object-crop: the plain resize, byte for byte.
    Framer.Framed plain =
        Framer.frame(
                png, List.of(), framing(FramingMode.OBJECT_CROP, FrameObject.UNION), preparer(s))
            .get(0);
    assertArrayEquals(new ImagePreparer(s).prepare(png).bytes(), plain.image().bytes());
    assertEquals(List.of(), plain.boxes());
    assertEquals(List.of(), plain.labels());
    // per-object: rejected, as it is when every box lies outside the image.
    ImageRejectedException none =
        assertThrows(
            ImageRejectedException.class,
            () ->
                Framer.frame(
                    png,
                    List.of(),
                    framing(FramingMode.PER_OBJECT, FrameObject.UNION),
                    preparer(s)));
    assertEquals("frame", none.stage().code());
    assertEquals("no-objects", none.reason().code());
    Annotation outside = new Annotation(500, 10, 520, 30, "ghost", 3);
    ImageRejectedException ghost =
        assertThrows(
            ImageRejectedException.class,
            () ->
                Framer.frame(
                    png,
                    List.of(outside),
                    framing(FramingMode.PER_OBJECT, FrameObject.UNION),
                    preparer(s)));
    assertEquals("no-objects", ghost.reason().code());
  }

  @Test
  void boxesMostlyCutAwayAreDropped() throws Exception {
    // Center-crop 100x300 of the 400x300 picture keeps x in [150, 250): red [100, 180) keeps 30 of
    // its 80 columns (37.5 %, dropped at 0.5, kept at 0.3); blue [250, 300) is wholly cut away.
    byte[] png = picture(1);
    Framer.Preparer p = preparer(settings(ResizeMode.CENTER_CROP, 100, 300));
    Framing strict =
        new Framing(FramingMode.NONE, FrameObject.UNION, 0.1, 0.5, AnnotationSource.none());
    Framing loose =
        new Framing(FramingMode.NONE, FrameObject.UNION, 0.1, 0.3, AnnotationSource.none());
    assertEquals(List.of(), Framer.frame(png, BOTH, strict, p).get(0).boxes());
    List<Box> kept = Framer.frame(png, BOTH, loose, p).get(0).boxes();
    assertEquals(1, kept.size());
    assertEquals(0, kept.get(0).x0(), 1e-3);
    assertEquals(30, kept.get(0).x1(), 1e-3);
    assertEquals(List.of("red"), Framer.labels(kept));
  }

  @Test
  void severalFramesFromOneDecodeMatchOneFrameAtATime() throws Exception {
    byte[] png = picture(6);
    ImagePreparer p = new ImagePreparer(settings(ResizeMode.CENTER_CROP, 64, 48));
    Frame a = Framer.frameOf(RED, 0.1);
    Frame b = Framer.frameOf(BLUE, 0.25);
    List<PreparedImage> both = p.prepare(png, List.of(a, b));
    assertEquals(2, both.size());
    assertArrayEquals(p.prepare(png, List.of(a)).get(0).bytes(), both.get(0).bytes());
    assertArrayEquals(p.prepare(png, List.of(b)).get(0).bytes(), both.get(1).bytes());
    assertEquals(List.of(), p.prepare(png, List.of()));
  }

  private static int pixel(PreparedImage p, int x, int y) {
    int i = (y * p.width() + x) * 3;
    byte[] b = p.bytes();
    return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
  }
}
