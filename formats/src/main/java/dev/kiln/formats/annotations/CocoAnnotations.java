package dev.kiln.formats.annotations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads COCO object-detection annotations ({@code images}, {@code annotations}, {@code categories})
 * into an {@link AnnotationIndex}.
 *
 * <p>A {@code bbox} is {@code [x, y, width, height]} in the stored pixels of the image file, so an
 * annotation becomes {@code [x, x + width) x [y, y + height)}. Each image's annotations keep the
 * order of the file's {@code annotations} array, which is what numbers per-object samples.
 * Segmentations, keypoints and {@code iscrowd} are not interpreted: every annotation is one box.
 */
public final class CocoAnnotations {
  private CocoAnnotations() {}

  /**
   * Reads a COCO JSON file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not COCO JSON; the message says where
   */
  public static AnnotationIndex read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    }
  }

  /**
   * Parses COCO JSON.
   *
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if it is not COCO JSON; the message says where
   */
  public static AnnotationIndex parse(InputStream in) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.CharConversionException e) {
      // Bytes that are no Unicode text in the encoding Jackson detected (UTF-8, -16 or -32).
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a COCO file: the top level is not a JSON object");
    }
    Map<Long, String> categories = new HashMap<>();
    for (JsonNode c : array(root, "categories")) {
      categories.put(number(c, "id", "categories").longValue(), c.path("name").asText(""));
    }
    Map<Long, String> fileNames = new HashMap<>();
    // Keyed by file name, in the images array's order, so the index does not depend on hashing.
    Map<String, List<Annotation>> byPath = new LinkedHashMap<>();
    for (JsonNode image : array(root, "images")) {
      long id = number(image, "id", "images").longValue();
      JsonNode name = image.get("file_name");
      if (name == null || !name.isTextual() || name.asText().isEmpty()) {
        throw new IllegalArgumentException("image " + id + " has no file_name");
      }
      fileNames.put(id, name.asText());
      byPath.putIfAbsent(name.asText(), new ArrayList<>());
    }
    for (JsonNode a : array(root, "annotations")) {
      long imageId = number(a, "image_id", "annotations").longValue();
      String fileName = fileNames.get(imageId);
      if (fileName == null) {
        throw new IllegalArgumentException(
            "annotation "
                + a.path("id").asText("?")
                + " refers to image "
                + imageId
                + ", which is not in images");
      }
      JsonNode bbox = a.get("bbox");
      if (bbox == null || !bbox.isArray() || bbox.size() != 4 || !allNumbers(bbox)) {
        throw new IllegalArgumentException(
            "annotation " + a.path("id").asText("?") + ": bbox must be [x, y, width, height]");
      }
      long categoryId = number(a, "category_id", "annotations").longValue();
      String label = categories.get(categoryId);
      if (label == null) {
        throw new IllegalArgumentException(
            "annotation "
                + a.path("id").asText("?")
                + " has category_id "
                + categoryId
                + ", which is not in categories");
      }
      float x = bbox.get(0).floatValue();
      float y = bbox.get(1).floatValue();
      float w = bbox.get(2).floatValue();
      float h = bbox.get(3).floatValue();
      byPath.get(fileName).add(new Annotation(x, y, x + w, y + h, label, (int) categoryId));
    }
    return new AnnotationIndex(byPath);
  }

  private static Iterable<JsonNode> array(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException("not a COCO file: no '" + field + "' array");
    }
    return node;
  }

  private static Number number(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(
          "an entry of " + where + " has no numeric '" + field + "'");
    }
    return v.numberValue();
  }

  private static boolean allNumbers(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
        return false;
      }
    }
    return true;
  }
}
