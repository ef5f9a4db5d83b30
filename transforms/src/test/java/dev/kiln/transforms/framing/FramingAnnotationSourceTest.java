package dev.kiln.transforms.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.annotations.Annotation;
import dev.kiln.formats.annotations.AnnotationIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding an input's annotations: VOC files beside it or in Annotations/, COCO by path. */
class FramingAnnotationSourceTest {
  @TempDir Path tmp;

  private static String voc(String name, int xmin) {
    return "<annotation><object><name>"
        + name
        + "</name><bndbox><xmin>"
        + xmin
        + "</xmin><ymin>1</ymin><xmax>20</xmax><ymax>20</ymax></bndbox></object></annotation>";
  }

  @Test
  void vocBesideTheImageOrInAnnotationsFolder() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("VOC/JPEGImages"));
    Files.createDirectories(tmp.resolve("VOC/Annotations"));
    Files.writeString(tmp.resolve("VOC/Annotations/a.xml"), voc("dog", 5));
    Files.writeString(images.resolve("b.xml"), voc("cat", 3));
    Files.writeString(tmp.resolve("VOC/Annotations/b.xml"), voc("not-me", 3));

    AnnotationSource source = AnnotationSource.voc();
    assertEquals(
        List.of(new Annotation(4, 0, 20, 20, "dog", 12)),
        source.forImage("a.jpg", images.resolve("a.jpg").toString()));
    assertEquals(
        "cat",
        source.forImage("b.jpg", images.resolve("b.jpg").toString()).get(0).label(),
        "the file beside the image wins");
    assertEquals(List.of(), source.forImage("c.jpg", images.resolve("c.jpg").toString()));

    Files.writeString(images.resolve("d.xml"), "<annotation><object>");
    assertThrows(
        IllegalArgumentException.class,
        () -> source.forImage("d.jpg", images.resolve("d.jpg").toString()));
  }

  @Test
  void cocoAndNone() throws Exception {
    Annotation cat = new Annotation(0, 0, 5, 5, "cat", 2);
    AnnotationSource coco =
        AnnotationSource.coco(new AnnotationIndex(Map.of("pets/tom.jpg", List.of(cat))));
    assertEquals(List.of(cat), coco.forImage("pets/tom.jpg", "/nowhere/pets/tom.jpg"));
    assertEquals(List.of(), coco.forImage("pets/jerry.jpg", "/nowhere/pets/jerry.jpg"));
    assertTrue(AnnotationSource.none().isNone());
    assertEquals(List.of(), AnnotationSource.none().forImage("a.jpg", "/a.jpg"));
  }
}
