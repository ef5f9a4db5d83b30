package dev.kiln.formats.annotations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO and Pascal VOC annotations into stored-pixel boxes, and hostile XML. */
class AnnotationParsingTest {
  static final Path SAMPLES = Path.of("../samples").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void cocoSampleAnnotations() throws IOException {
    AnnotationIndex index = CocoAnnotations.read(SAMPLES.resolve("annotations.json"));
    assertEquals(7, index.images());
    assertEquals(13, index.annotations());

    List<Annotation> astronaut = index.find("people/astronaut.jpg");
    assertEquals(3, astronaut.size());
    assertEquals(new Annotation(18, 14, 18 + 346, 14 + 498, "person", 1), astronaut.get(0));
    assertEquals(
        List.of("person", "flag", "helmet"), astronaut.stream().map(Annotation::label).toList());

    // Stored coordinates of the EXIF-rotated file, as written.
    assertEquals(
        List.of(new Annotation(0, 53, 300, 451, "cat", 2)),
        index.find("animals/chelsea-exif-rotated.jpg"));
    // Windows separators and a leading ./ are the same path.
    assertEquals(1, index.find("animals\\chelsea.jpg").size());
    assertEquals(1, index.find("./animals/chelsea.jpg").size());
    // Not listed: no objects.
    assertEquals(List.of(), index.find("animals/dog.jpg"));
  }

  @Test
  void cocoMatchesByUniqueBaseName() throws IOException {
    String json =
        "{\"images\":["
            + "{\"id\":1,\"file_name\":\"a.jpg\"},"
            + "{\"id\":2,\"file_name\":\"x/same.jpg\"},{\"id\":3,\"file_name\":\"y/same.jpg\"}],"
            + "\"annotations\":["
            + "{\"id\":1,\"image_id\":1,\"category_id\":7,\"bbox\":[1.5,2,3,4]},"
            + "{\"id\":2,\"image_id\":2,\"category_id\":7,\"bbox\":[0,0,1,1]}],"
            + "\"categories\":[{\"id\":7,\"name\":\"dog\"}]}";
    AnnotationIndex index = parse(json);
    assertEquals(List.of(new Annotation(1.5f, 2, 4.5f, 6, "dog", 7)), index.find("sub/dir/a.jpg"));
    assertEquals(1, index.find("x/same.jpg").size(), "exact path wins");
    assertEquals(List.of(), index.find("z/same.jpg"), "an ambiguous base name matches nothing");
  }

  @Test
  void malformedCocoIsReportedWithWhere() {
    String noCategory =
        "{\"images\":[{\"id\":1,\"file_name\":\"a.jpg\"}],"
            + "\"annotations\":[{\"id\":5,\"image_id\":1,\"category_id\":9,\"bbox\":[0,0,1,1]}],"
            + "\"categories\":[]}";
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse(noCategory))
            .getMessage()
            .contains("category_id 9"));
    String badBox =
        "{\"images\":[{\"id\":1,\"file_name\":\"a.jpg\"}],"
            + "\"annotations\":[{\"id\":5,\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,1]}],"
            + "\"categories\":[{\"id\":1,\"name\":\"x\"}]}";
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse(badBox))
            .getMessage()
            .contains("bbox"));
    assertThrows(IllegalArgumentException.class, () -> parse("[1,2]"));
    assertThrows(IllegalArgumentException.class, () -> parse("{\"images\": [}"));
  }

  private static AnnotationIndex parse(String json) throws IOException {
    return CocoAnnotations.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void vocObjectsAreOneBasedInclusive() throws IOException {
    String xml =
        """
        <annotation>
          <folder>VOC2012</folder>
          <filename>2007_000027.jpg</filename>
          <size><width>486</width><height>500</height><depth>3</depth></size>
          <object>
            <name>person</name><difficult>0</difficult>
            <bndbox><xmin>174</xmin><ymin>101</ymin><xmax>349</xmax><ymax>351</ymax></bndbox>
            <part><name>head</name><bndbox><xmin>169</xmin><ymin>104</ymin><xmax>209</xmax><ymax>146</ymax></bndbox></part>
          </object>
          <object>
            <name>unicorn</name>
            <bndbox><xmin>1.5</xmin><ymin>1</ymin><xmax>10</xmax><ymax>20.5</ymax></bndbox>
          </object>
        </annotation>
        """;
    List<Annotation> objects = voc(xml);
    assertEquals(2, objects.size(), "parts are not objects");
    assertEquals(new Annotation(173, 100, 349, 351, "person", 15), objects.get(0));
    assertEquals(new Annotation(0.5f, 0, 10, 20.5f, "unicorn", 0), objects.get(1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            voc(
                "<annotation><object><name>x</name>"
                    + "<bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object></annotation>"));
    assertThrows(IllegalArgumentException.class, () -> voc("<html/>"));
    assertThrows(IllegalArgumentException.class, () -> voc("<annotation>"));
  }

  @Test
  void vocExternalEntitiesAreNeverRead() throws IOException {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    Path dtd = tmp.resolve("evil.dtd");
    Files.writeString(dtd, "<!ENTITY leak \"TOP-SECRET-DTD\">");
    String xml =
        "<?xml version=\"1.0\"?>\n"
            + "<!DOCTYPE annotation [\n"
            + "  <!ENTITY xxe SYSTEM \""
            + secret.toUri()
            + "\">\n"
            + "  <!ENTITY % remote SYSTEM \""
            + dtd.toUri()
            + "\">\n"
            + "  %remote;\n"
            + "]>\n"
            + "<annotation><object><name>cat&xxe;</name>"
            + "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>"
            + "</annotation>";
    List<Annotation> objects = voc(xml);
    assertEquals(1, objects.size(), "the annotation itself is still read");
    assertEquals("cat", objects.get(0).label());
    assertFalse(objects.get(0).label().contains("SECRET"));
  }

  @Test
  void vocFileLocations() {
    assertEquals(
        List.of("/data/voc/JPEGImages/a.b.xml", "/data/voc/Annotations/a.b.xml"),
        VocAnnotations.candidates("/data/voc/JPEGImages/a.b.jpg"));
    assertEquals(List.of("/x.xml"), VocAnnotations.candidates("/x.jpg").subList(0, 1));
  }

  @Test
  void emptyAndMissingAnnotations() {
    AnnotationIndex empty = new AnnotationIndex(Map.of("a.jpg", List.of()));
    assertEquals(List.of(), empty.find("a.jpg"));
    assertFalse(new Annotation(3, 3, 3, 9, "", 0).hasArea());
    assertThrows(IllegalArgumentException.class, () -> new Annotation(0, 0, Float.NaN, 1, "", 0));
  }

  private static List<Annotation> voc(String xml) throws IOException {
    return VocAnnotations.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
