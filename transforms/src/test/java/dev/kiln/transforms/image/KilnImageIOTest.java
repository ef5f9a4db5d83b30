package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.imageio.spi.ImageReaderSpi;
import org.junit.jupiter.api.Test;

/** Kiln's private plugin registry and the format sniffer. */
class KilnImageIOTest {

  @Test
  void twelveMonkeysWinsWhereBothHaveAReaderAndJdkFillsTheRest() {
    ImageReaderSpi jpeg = KilnImageIO.readerSpi("jpeg");
    assertNotNull(jpeg);
    assertTrue(
        jpeg.getClass().getName().startsWith("com.twelvemonkeys."), jpeg.getClass().getName());
    ImageReaderSpi tiff = KilnImageIO.readerSpi("tiff");
    assertTrue(
        tiff.getClass().getName().startsWith("com.twelvemonkeys."), tiff.getClass().getName());
    ImageReaderSpi png = KilnImageIO.readerSpi("png");
    assertNull(png.getClass().getClassLoader(), "PNG comes from the JDK itself");
    for (String f : new String[] {"gif", "bmp", "webp", "psd", "pnm", "tga", "ico"}) {
      assertNotNull(KilnImageIO.readerSpi(f), f);
    }
    assertNull(KilnImageIO.readerSpi("avif"));
    assertNotNull(KilnImageIO.writerSpi("jpeg"));
    assertNotNull(KilnImageIO.writerSpi("png"));
  }

  @Test
  void everyProviderIsTheJdksOrFromThisClassLoader() {
    ClassLoader own = KilnImageIO.class.getClassLoader();
    for (ImageReaderSpi spi : KilnImageIO.readerSpis()) {
      ClassLoader cl = spi.getClass().getClassLoader();
      assertTrue(
          cl == null || cl == ClassLoader.getPlatformClassLoader() || cl == own,
          spi.getClass().getName() + " from foreign loader " + cl);
    }
  }

  @Test
  void snifferReadsMagicBytes() {
    assertEquals(
        "jpeg",
        FormatSniffer.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
    assertEquals("png", FormatSniffer.sniff(TestImages.PNG_SIGNATURE));
    assertEquals("gif", FormatSniffer.sniff("GIF89a....".getBytes()));
    assertEquals("webp", FormatSniffer.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes()));
    assertEquals("tiff", FormatSniffer.sniff("II*\0\u0008\0\0\0".getBytes()));
    assertEquals("psd", FormatSniffer.sniff("8BPS\0\u0001".getBytes()));
    assertEquals("pnm", FormatSniffer.sniff("P6\n4 4\n255\n".getBytes()));
    assertEquals("heif", FormatSniffer.sniff("\0\0\0\u0018ftypheic\0\0\0\0".getBytes()));
    assertNull(FormatSniffer.sniff("<html><body>hello</body></html>".getBytes()));
    assertNull(FormatSniffer.sniff("%PDF-1.7 whatever follows here".getBytes()));
    assertNull(FormatSniffer.sniff(new byte[] {1, 2}));
  }
}
