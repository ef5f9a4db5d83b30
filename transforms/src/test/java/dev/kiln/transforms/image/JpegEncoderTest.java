package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The JPEG encoder's tuning: flat tables scaled by quality, 4:4:4, and what that buys. */
class JpegEncoderTest {

  @Test
  void quality90WritesFlatTablesFullResolutionChromaAndStandardHuffmanTables() throws Exception {
    byte[] jpeg = JpegEncoder.encode(TestImages.photoLike(64, 48, 1), 90);
    int tables = 0;
    boolean sawFrame = false;
    boolean sawStandardHuffman = false;
    int p = 2;
    while (p + 4 <= jpeg.length && (jpeg[p] & 0xFF) == 0xFF) {
      int marker = jpeg[p + 1] & 0xFF;
      int len = (jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF);
      if (marker == 0xDB) {
        for (int t = p + 4; t < p + 2 + len; t += 65) {
          int id = jpeg[t] & 0x0F;
          for (int i = 1; i <= 64; i++) {
            assertEquals(id == 0 ? 7 : 12, jpeg[t + i] & 0xFF, "table " + id);
          }
          tables++;
        }
      } else if (marker == 0xC0) {
        assertEquals(3, jpeg[p + 9]);
        for (int c = 0; c < 3; c++) {
          assertEquals(0x11, jpeg[p + 11 + 3 * c] & 0xFF, "component " + c + " sampling");
        }
        sawFrame = true;
      } else if (marker == 0xC4 && jpeg[p + 4] == 0x00) {
        // Luma DC table: the standard one (JPEG Annex K.3) code-length counts, not optimised ones.
        int[] standard = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 16; i++) {
          assertEquals(standard[i], jpeg[p + 5 + i] & 0xFF, "DC luma codes of length " + (i + 1));
        }
        sawStandardHuffman = true;
      } else if (marker == 0xDA) {
        break;
      }
      p += 2 + len;
    }
    assertEquals(2, tables);
    assertTrue(sawFrame);
    assertTrue(sawStandardHuffman, "no luma DC Huffman table found");
  }

  @Test
  void qualityScalesStepsAsLibjpegDoes() {
    assertEquals(35, JpegEncoder.step(JpegEncoder.LUMA_BASE, 50));
    assertEquals(7, JpegEncoder.step(JpegEncoder.LUMA_BASE, 90));
    assertEquals(12, JpegEncoder.step(JpegEncoder.CHROMA_BASE, 90));
    assertEquals(1, JpegEncoder.step(JpegEncoder.LUMA_BASE, 100));
    assertEquals(255, JpegEncoder.step(JpegEncoder.CHROMA_BASE, 1));
  }

  @Test
  void lowerQualityIsSmallerAndQuality90IsFaithful() throws Exception {
    RgbImage photo = TestImages.photoLike(256, 256, 8);
    byte[] q90 = JpegEncoder.encode(photo, 90);
    byte[] q50 = JpegEncoder.encode(photo, 50);
    assertTrue(q50.length < q90.length, q50.length + " vs " + q90.length);
    RgbImage back = TestImages.decode(q90);
    double se = 0;
    for (int i = 0; i < photo.rgb().length; i++) {
      double d = (photo.rgb()[i] & 0xFF) - (back.rgb()[i] & 0xFF);
      se += d * d;
    }
    double psnr = 10 * Math.log10(255.0 * 255.0 / (se / photo.rgb().length));
    // Noise-heavy synthetic content: step 7 bounds it near 40 dB (real photographs score ~43, see
    // bench-prepare).
    assertTrue(psnr > 39, "psnr " + psnr);
  }

  @Test
  void reusedEncoderWritesWhatAFreshOneWrites() throws Exception {
    JpegEncoder reused = new JpegEncoder(90);
    int[][] sizes = {{256, 256}, {17, 300}, {640, 480}, {1, 1}, {256, 256}};
    for (int i = 0; i < sizes.length; i++) {
      RgbImage img = TestImages.photoLike(sizes[i][0], sizes[i][1], i);
      byte[] fresh = JpegEncoder.encode(img, 90);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          fresh, reused.encode(img), "image " + i + " (" + sizes[i][0] + "x" + sizes[i][1] + ")");
    }
  }
}
