package dev.kiln.transforms.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warm-up must get through the whole image path for every encoding and resize mode. */
class PreparerWarmUpTest {
    @Test
    void preparesItsImagesForEveryEncodingAndMode() {
        for (String encoding : PrepareSettings.ENCODINGS) {
            for (ResizeMode mode : ResizeMode.values()) {
                PrepareSettings settings = PrepareSettings.defaults().withEncoding(encoding).withResize(mode, 4096, 300);
                assertTrue(PreparerWarmUp.run(settings), encoding + " " + mode);
                assertTrue(PreparerWarmUp.run(settings.withLinearLight(true)), encoding + " " + mode + " linear");
            }
        }
        assertTrue(PreparerWarmUp.run(PrepareSettings.defaults().withEncoding("png").withKeepAlpha(true)));
    }
}
