package dev.kiln.formats.annotations;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Fuzz targets for the annotation sidecars Kiln reads: COCO JSON and Pascal VOC XML. Whatever the
 * bytes, a reader gives annotations or says what is wrong ({@link IllegalArgumentException}); any
 * other exception, an error (stack overflow, out of memory) or a hang is a finding.
 *
 * <p>Seeds: {@code AnnotationReadersFuzzTestInputs/} beside this class in {@code
 * src/test/resources}; {@code mvn test} runs them; {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class AnnotationReadersFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void coco(byte[] input) {
    try {
      CocoAnnotations.parse(new ByteArrayInputStream(input));
    } catch (IllegalArgumentException expected) {
      // not COCO, said where
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void voc(byte[] input) {
    try {
      VocAnnotations.parse(new ByteArrayInputStream(input));
    } catch (IllegalArgumentException expected) {
      // not VOC, said what
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }
}
