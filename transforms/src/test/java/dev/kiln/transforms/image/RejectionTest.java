package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bad input always becomes an {@link ImageRejectedException} with the right stage and reason. */
class RejectionTest {
  private final ImagePreparer preparer = new ImagePreparer(PrepareSettings.defaults());

  private ImageRejectedException reject(byte[] input) {
    return assertThrows(ImageRejectedException.class, () -> preparer.prepare(input));
  }

  @Test
  void aDecoderOutOfMemoryIsOutOfMemoryNotCorrupt() {
    // What TwelveMonkeys throws when the heap cannot hold the destination image.
    javax.imageio.IIOException e =
        new javax.imageio.IIOException(
            "Unable to allocate destination image of 300000000 bytes",
            new OutOfMemoryError("Java heap space"));
    ImageRejectedException r =
        ImageDecoder.classify(dev.kiln.formats.Stage.DECODE, e, java.util.List.of());
    assertEquals("out-of-memory", r.reason().code());
    assertEquals("decode", r.stage().code());
    assertEquals(
        "corrupt",
        ImageDecoder.classify(
                dev.kiln.formats.Stage.DECODE,
                new javax.imageio.IIOException("bad IFD"),
                java.util.List.of())
            .reason()
            .code());
  }

  @Test
  void emptyFile() {
    ImageRejectedException e = reject(new byte[0]);
    assertEquals("empty-file", e.reason().code());
    assertEquals("read", e.stage().code());
  }

  @Test
  void htmlAndTextAreNotImages() {
    for (String text :
        new String[] {
          "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>nope</body></html>",
          "just some text that somebody saved as photo.jpg\n",
          "{\"error\": \"rate limited\"}"
        }) {
      ImageRejectedException e = reject(text.getBytes(StandardCharsets.UTF_8));
      assertEquals("not-an-image", e.reason().code(), text);
      assertEquals("read", e.stage().code());
    }
  }

  @Test
  void recognisedButUndecodableFormatIsUnsupported() {
    byte[] avif = new byte[64];
    byte[] head = {0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f'};
    System.arraycopy(head, 0, avif, 0, head.length);
    assertEquals("unsupported-format", reject(avif).reason().code());
  }

  @Test
  void hugeDeclaredSizeIsRejectedAtProbeWithoutAllocating() {
    // 100000 x 100000 RGB would need 30 GB; the header alone must be enough to say no.
    byte[] png =
        TestImages.concat(
            TestImages.PNG_SIGNATURE,
            TestImages.ihdr(100_000, 100_000, 8, 2),
            TestImages.pngChunk(
                "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}),
            TestImages.pngChunk("IEND", new byte[0]));
    ImageRejectedException e = reject(png);
    assertEquals("too-many-pixels", e.reason().code());
    assertEquals("probe", e.stage().code());
  }

  @Test
  void pixelLimitComesFromSettings() throws Exception {
    byte[] jpeg = JpegEncoder.encode(TestImages.photoLike(200, 100, 1), 90);
    PrepareSettings tight =
        new PrepareSettings(
            ResizeMode.CENTER_CROP, 64, 64, Encoding.JPEG, 90, 19_999, 0xFFFFFF, 0, true);
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> new ImagePreparer(tight).prepare(jpeg));
    assertEquals("too-many-pixels", e.reason().code());
    PrepareSettings exact =
        new PrepareSettings(
            ResizeMode.CENTER_CROP, 64, 64, Encoding.JPEG, 90, 20_000, 0xFFFFFF, 0, true);
    assertEquals(64, new ImagePreparer(exact).prepare(jpeg).width());
  }

  @Test
  void jpegTruncatedAtHalfIsTruncated() throws Exception {
    byte[] jpeg = JpegEncoder.encode(TestImages.photoLike(500, 375, 7), 90);
    // The complete file is fine...
    preparer.prepare(jpeg);
    // ...half of it is not: libjpeg only warns and fills the rest with gray.
    ImageRejectedException e = reject(Arrays.copyOf(jpeg, jpeg.length / 2));
    assertEquals("truncated", e.reason().code(), e.getMessage());
    assertEquals("decode", e.stage().code());
  }

  @Test
  void pngTruncatedAtHalfIsTruncated() throws Exception {
    byte[] png = new PngEncoder().encode(TestImages.photoLike(300, 200, 3));
    ImageRejectedException e = reject(Arrays.copyOf(png, png.length / 2));
    assertEquals("truncated", e.reason().code(), e.getMessage());
  }

  @Test
  void garbageAfterValidSignatureIsContained() {
    // Valid JPEG SOI, then noise: whatever the decoder throws must come back as a rejection.
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] junk = new byte[10 + rnd.nextInt(2000)];
      rnd.nextBytes(junk);
      junk[0] = (byte) 0xFF;
      junk[1] = (byte) 0xD8;
      junk[2] = (byte) 0xFF;
      ImageRejectedException e = reject(junk);
      assertTrue(
          Arrays.asList("corrupt", "truncated", "decode-failed").contains(e.reason().code()),
          e.getMessage());
    }
  }

  @Test
  void settingsValidationNamesTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PrepareSettings(
                    ResizeMode.CENTER_CROP, 0, 10, Encoding.JPEG, 90, 1, 0, 0, true));
    assertTrue(e.getMessage().startsWith("width"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PrepareSettings(
                    ResizeMode.CENTER_CROP, 10, -1, Encoding.JPEG, 90, 1, 0, 0, true));
    assertTrue(e.getMessage().startsWith("height"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PrepareSettings(ResizeMode.CENTER_CROP, 10, 10, null, 90, 1, 0, 0, true));
    assertTrue(e.getMessage().startsWith("encoding"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PrepareSettings(
                    ResizeMode.CENTER_CROP, 10, 10, Encoding.PNG, 101, 1, 0, 0, true));
    assertTrue(e.getMessage().startsWith("quality"), e.getMessage());
    PrepareSettings d = PrepareSettings.defaults();
    assertEquals(ResizeMode.CENTER_CROP, d.mode());
    assertEquals(256, d.width());
    assertEquals(256, d.height());
    assertEquals(Encoding.JPEG, d.encoding());
    assertEquals(90, d.quality());
    assertEquals(100_000_000L, d.maxPixels());
    assertEquals(0xFFFFFF, d.background());
    assertEquals(0, d.padColor());
    assertTrue(d.upscale());
  }
}
