package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warm-up must get through the whole image path for every encoding and resize mode. */
class PreparerWarmUpTest {
    @Test
    void preparesItsImagesForEveryEncodingAndMode() {
        for (String encoding : PrepareSettings.ENCODINGS) {
            for (ResizeMode mode : ResizeMode.values()) {
                // A usual target (the hot part runs) and one too large for it.
                for (int[] size : new int[][] {{256, 192}, {4096, 300}}) {
                    PrepareSettings settings = PrepareSettings.defaults().withEncoding(encoding).withResize(mode, size[0], size[1]);
                    String what = encoding + " " + mode + " " + size[0] + "x" + size[1];
                    assertTrue(PreparerWarmUp.run(settings), what);
                    assertTrue(PreparerWarmUp.run(settings.withLinearLight(true)), what + " linear");
                }
            }
        }
        assertTrue(PreparerWarmUp.run(PrepareSettings.defaults().withEncoding("png").withKeepAlpha(true)));
    }
}
