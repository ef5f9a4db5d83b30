package dev.kiln.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A sample's metadata (everything but the image bytes) as a JSON object with a fixed field order,
 * so the bytes are the same for the same sample on every run. Used for WebDataset's {@code
 * <key>.json} members and the rejects/manifest files.
 */
public final class SampleMetadataJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private SampleMetadataJson() {}

  /** The metadata object of a sample. */
  public static ObjectNode toJson(Sample s) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", s.key());
    o.put("encoding", s.encoding());
    o.put("width", s.width());
    o.put("height", s.height());
    o.put("channels", s.channels());
    ArrayNode labels = o.putArray("labels");
    s.labels().forEach(labels::add);
    ArrayNode boxes = o.putArray("boxes");
    for (Box b : s.boxes()) {
      ObjectNode bo = boxes.addObject();
      bo.put("x0", b.x0());
      bo.put("y0", b.y0());
      bo.put("x1", b.x1());
      bo.put("y1", b.y1());
      bo.put("label", b.label());
      bo.put("category_id", b.categoryId());
    }
    SourceInfo src = s.source();
    ObjectNode so = o.putObject("source");
    so.put("path", src.path());
    so.put("size", src.size());
    so.put("format", src.format());
    so.put("colour_model", src.colourModel());
    so.put("bit_depth", src.bitDepth());
    if (src.iccProfile() == null) {
      so.putNull("icc_profile");
    } else {
      so.put("icc_profile", src.iccProfile());
    }
    so.put("orientation", src.orientation());
    so.put("width", src.width());
    so.put("height", src.height());
    so.put("frames", src.frames());
    o.put("content_hash", s.contentHash());
    LabelFields f = s.labelFields();
    if (f.label() != null) {
      o.put("label", f.label());
    }
    if (f.className() != null) {
      o.put("class_name", f.className());
    }
    if (f.caption() != null) {
      o.put("caption", f.caption());
    }
    if (!f.extra().isEmpty()) {
      o.set("extra", extraNode(f.extra()));
    }
    return o;
  }

  /** Extra fields as an object node, each value with its JSON type. */
  private static ObjectNode extraNode(Map<String, Object> extra) {
    ObjectNode o = MAPPER.createObjectNode();
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      o.set(e.getKey(), MAPPER.valueToTree(e.getValue()));
    }
    return o;
  }

  /** UTF-8 bytes of {@link #toJson(Sample)}. */
  public static byte[] toBytes(Sample s) {
    return toJson(s).toString().getBytes(StandardCharsets.UTF_8);
  }
}
