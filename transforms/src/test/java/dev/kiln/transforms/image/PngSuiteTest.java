package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PngSuite file: valid ones decode to their IHDR size and produce output, x* ones are
 * rejected.
 */
class PngSuiteTest {
  private static final Set<String> CORRUPT_REASONS =
      Set.of("not-an-image", "corrupt", "truncated", "decode-failed");

  static Stream<Path> valid() {
    return TestImages.list("pngsuite", ".png").stream().filter(p -> !isCorrupt(p));
  }

  static Stream<Path> corrupt() {
    return TestImages.list("pngsuite", ".png").stream().filter(PngSuiteTest::isCorrupt);
  }

  /** PngSuite names corrupt files x*; the copies here may carry a "png_" prefix. */
  private static boolean isCorrupt(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith("x") || n.startsWith("png_x");
  }

  @Test
  void suiteIsComplete() {
    List<Path> all = TestImages.list("pngsuite", ".png");
    assertEquals(175, all.size(), "PngSuite file count");
    assertEquals(14, corrupt().count(), "corrupt x* files");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validFileDecodesAtItsDeclaredSize(Path file) throws Exception {
    byte[] png = TestImages.read(file);
    int w = Bytes.be32(png, 16);
    int h = Bytes.be32(png, 20);
    PrepareSettings raw =
        PrepareSettings.defaults().withResize(ResizeMode.NONE, 1, 1).withEncoding(Encoding.RAW);
    PreparedImage none = new ImagePreparer(raw).prepare(png);
    assertEquals(w, none.info().width());
    assertEquals(h, none.info().height());
    assertEquals(w, none.width());
    assertEquals(h, none.height());
    assertEquals(w * h * 3, none.bytes().length);
    assertEquals("png", none.info().format());

    PreparedImage jpeg = new ImagePreparer(PrepareSettings.defaults()).prepare(png);
    assertEquals(256, jpeg.width());
    assertEquals(256, jpeg.height());
    RgbImage back = TestImages.decode(jpeg.bytes());
    assertEquals(256, back.width());
    assertNotNull(jpeg.mapping());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corrupt")
  void corruptFileIsRejectedWithAReason(Path file) {
    try {
      new ImagePreparer(PrepareSettings.defaults()).prepare(TestImages.read(file));
      fail("corrupt file was accepted: " + file.getFileName());
    } catch (ImageRejectedException e) {
      assertTrue(
          CORRUPT_REASONS.contains(e.reason().code()),
          file.getFileName() + " -> " + e.getMessage());
    }
  }

  @Test
  void colourModelsAndDepthsComeFromTheHeader() throws Exception {
    ImagePreparer p = new ImagePreparer(PrepareSettings.defaults().withEncoding(Encoding.RAW));
    Path dir = TestImages.sharedDir("pngsuite");
    assertInfo(p, dir, "basn0g01", "gray", 1);
    assertInfo(p, dir, "basn0g16", "gray", 16);
    assertInfo(p, dir, "basn2c16", "rgb", 16);
    assertInfo(p, dir, "basn3p04", "palette", 4);
    assertInfo(p, dir, "basn4a08", "gray+alpha", 8);
    assertInfo(p, dir, "basn6a16", "rgba", 16);
  }

  private static void assertInfo(ImagePreparer p, Path dir, String name, String model, int depth)
      throws Exception {
    Path f = dir.resolve(name + ".png");
    if (!f.toFile().exists()) {
      f = dir.resolve("png_" + name + ".png");
    }
    ImageInfo info = p.prepare(TestImages.read(f)).info();
    assertEquals(model, info.colourModel(), name);
    assertEquals(depth, info.bitDepth(), name);
    assertEquals(1, info.frames(), name);
    assertEquals(1, info.orientation(), name);
  }
}
