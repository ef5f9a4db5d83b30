package dev.kiln.formats.annotations;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads Pascal VOC annotation XML (one file per image) and says where that file is.
 *
 * <p>VOC's {@code bndbox} holds 1-based, inclusive pixel indices ({@code xmin = 1} is the first
 * column, {@code xmax} the last column inside the object), so an object becomes the continuous
 * rectangle {@code [xmin - 1, xmax) x [ymin - 1, ymax)} in stored pixels. Fractional values, as
 * some tools write, are taken the same way.
 *
 * <p>Annotation files come from the dataset being prepared, so they are untrusted: the parser
 * resolves no external entities or DTDs (an XXE attempt reads nothing and the reference expands to
 * nothing) and the JDK's secure-processing limits bound entity expansion.
 */
public final class VocAnnotations {
  /** The 20 PASCAL VOC classes, whose 1-based position is the category id of that name. */
  public static final List<String> VOC_CLASSES =
      List.of(
          "aeroplane",
          "bicycle",
          "bird",
          "boat",
          "bottle",
          "bus",
          "car",
          "cat",
          "chair",
          "cow",
          "diningtable",
          "dog",
          "horse",
          "motorbike",
          "person",
          "pottedplant",
          "sheep",
          "sofa",
          "train",
          "tvmonitor");

  private VocAnnotations() {}

  /**
   * Where the annotation of the image at {@code imagePath} may be, in the order to try: beside the
   * image ({@code dir/x.jpg} → {@code dir/x.xml}), then in an {@code Annotations} folder next to
   * the image's folder, as in VOC's {@code JPEGImages}/{@code Annotations} layout ({@code
   * voc/JPEGImages/x.jpg} → {@code voc/Annotations/x.xml}). Paths are {@code /}-separated.
   */
  public static List<String> candidates(String imagePath) {
    int slash = imagePath.lastIndexOf('/');
    String dir = slash < 0 ? "" : imagePath.substring(0, slash + 1);
    String name = imagePath.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    List<String> out = new ArrayList<>();
    out.add(dir + stem + ".xml");
    if (slash > 0) {
      String parentDir = imagePath.substring(0, slash);
      int up = parentDir.lastIndexOf('/');
      String grandparent = up < 0 ? "" : parentDir.substring(0, up + 1);
      out.add(grandparent + "Annotations/" + stem + ".xml");
    }
    return out;
  }

  /**
   * Parses one VOC annotation file into its objects, in document order.
   *
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if it is not VOC XML or a box is malformed
   */
  public static List<Annotation> parse(InputStream in) throws IOException {
    Document doc;
    try {
      doc = builder().parse(in);
    } catch (SAXException e) {
      throw new IllegalArgumentException("not well-formed XML: " + e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (!"annotation".equals(root.getTagName())) {
      throw new IllegalArgumentException(
          "not a VOC annotation: root element is <" + root.getTagName() + ">");
    }
    List<Annotation> out = new ArrayList<>();
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element object) || !"object".equals(object.getTagName())) {
        continue;
      }
      String name = text(object, "name").trim();
      Element box = child(object, "bndbox");
      if (box == null) {
        throw new IllegalArgumentException("object '" + name + "' has no <bndbox>");
      }
      float xmin = coordinate(box, "xmin", name);
      float ymin = coordinate(box, "ymin", name);
      float xmax = coordinate(box, "xmax", name);
      float ymax = coordinate(box, "ymax", name);
      out.add(new Annotation(xmin - 1, ymin - 1, xmax, ymax, name, VOC_CLASSES.indexOf(name) + 1));
    }
    return out;
  }

  private static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      // Belt and braces: should any entity still be resolved, it resolves to nothing.
      b.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
      // Non-validating: only fatal errors (not well-formed) matter, and they must not go to stderr.
      b.setErrorHandler(
          new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {}

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
              throw e;
            }
          });
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && tag.equals(e.getTagName())) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String tag) {
    Element e = child(parent, tag);
    return e == null ? "" : e.getTextContent();
  }

  private static float coordinate(Element box, String tag, String object) {
    String v = text(box, tag).trim();
    try {
      float f = Float.parseFloat(v);
      if (Float.isFinite(f)) {
        return f;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the object's name
    }
    throw new IllegalArgumentException(
        "object '" + object + "': <" + tag + "> is '" + v + "', not a number");
  }
}
