package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The encode stage: one encoder per {@link Encoding}, each giving back the pixels it was given. */
class SampleEncoderTest {
  private static final RgbImage PHOTO = TestImages.photoLike(64, 48, 5);

  @Test
  void eachEncodingHasItsEncoder() throws Exception {
    assertInstanceOf(JpegEncoder.class, SampleEncoder.of(Encoding.JPEG, 90));
    assertInstanceOf(PngEncoder.class, SampleEncoder.of(Encoding.PNG, 90));
    assertInstanceOf(RawEncoder.class, SampleEncoder.of(Encoding.RAW, 90));
  }

  @Test
  void rawIsThePixelsThemselves() throws Exception {
    assertSame(PHOTO.rgb(), SampleEncoder.of(Encoding.RAW, 90).encode(PHOTO));
  }

  @Test
  void pngIsLossless() throws Exception {
    assertArrayEquals(
        PHOTO.rgb(), TestImages.decode(SampleEncoder.of(Encoding.PNG, 90).encode(PHOTO)).rgb());
  }

  @Test
  void jpegIsCloseAndTheSameAsAFreshEncoder() throws Exception {
    try (SampleEncoder jpeg = SampleEncoder.of(Encoding.JPEG, 90)) {
      byte[] first = jpeg.encode(PHOTO);
      assertArrayEquals(JpegEncoder.encode(PHOTO, 90), first);
      assertArrayEquals(first, jpeg.encode(PHOTO), "a kept encoder gives the same bytes again");
      byte[] back = TestImages.decode(first).rgb();
      long diff = 0;
      for (int i = 0; i < back.length; i++) {
        diff += Math.abs((back[i] & 0xFF) - (PHOTO.rgb()[i] & 0xFF));
      }
      assertTrue(
          diff / (double) back.length < 3.0, "mean abs difference " + diff / (double) back.length);
    }
  }
}
