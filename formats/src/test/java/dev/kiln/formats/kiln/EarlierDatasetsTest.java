package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.formats.Sample;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dataset the previous Kiln wrote (format version 1, CRC32C, the sample schema before label
 * fields; samples/images at the defaults) still verifies and reads, its samples without labels.
 */
class EarlierDatasetsTest {
  static final Path BEFORE_LABELS = Path.of("src/test/resources/datasets/format-v1-before-labels");

  @Test
  void aVersion1DatasetWithoutLabelFieldsVerifiesAndReads() throws Exception {
    assertEquals(List.of(), DatasetVerifier.verify(BEFORE_LABELS));
    try (KilnDataset ds = KilnDataset.open(BEFORE_LABELS)) {
      assertEquals(7, ds.size());
      Sample chelsea = ds.get("animals/chelsea");
      assertEquals(256, chelsea.width());
      assertEquals("jpeg", chelsea.encoding());
      assertNull(chelsea.label());
      assertNull(chelsea.caption());
    }
  }
}
