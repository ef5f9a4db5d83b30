package dev.kiln.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a dataset's {@code catalog.parquet}: where a sample is stored and what it is, so
 * the dataset can be queried from DuckDB, Spark or pandas without opening shards.
 *
 * @param key the sample key
 * @param shard shard file name
 * @param offset byte offset of the sample's record (kiln) or image member data (webdataset) in
 *     the shard; -1 for formats without addressable records (avro, parquet)
 * @param length byte length at {@code offset}; -1 when {@code offset} is -1
 */
public record CatalogEntry(
    String key,
    String shard,
    long offset,
    long length,
    List<String> labels,
    int width,
    int height,
    List<Box> boxes,
    String sourcePath,
    String contentHash) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public CatalogEntry {
    labels = List.copyOf(labels);
    boxes = List.copyOf(boxes);
  }

  /** The catalog row of a sample stored at {@code offset}/{@code length} of {@code shard}. */
  public static CatalogEntry of(Sample s, String shard, long offset, long length) {
    return new CatalogEntry(
        s.key(), shard, offset, length, s.labels(), s.width(), s.height(), s.boxes(),
        s.source().path(), s.contentHash());
  }

  public String toJsonLine() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", key);
    o.put("shard", shard);
    o.put("offset", offset);
    o.put("length", length);
    ArrayNode l = o.putArray("labels");
    labels.forEach(l::add);
    o.put("width", width);
    o.put("height", height);
    ArrayNode b = o.putArray("boxes");
    for (Box box : boxes) {
      ObjectNode bo = b.addObject();
      bo.put("x0", box.x0());
      bo.put("y0", box.y0());
      bo.put("x1", box.x1());
      bo.put("y1", box.y1());
      bo.put("label", box.label());
      bo.put("category_id", box.categoryId());
    }
    o.put("source_path", sourcePath);
    o.put("content_hash", contentHash);
    return o.toString();
  }

  public static CatalogEntry fromJsonLine(String line) {
    try {
      JsonNode o = MAPPER.readTree(line);
      List<String> labels = new ArrayList<>();
      o.path("labels").forEach(n -> labels.add(n.asText()));
      List<Box> boxes = new ArrayList<>();
      for (JsonNode b : o.path("boxes")) {
        boxes.add(
            new Box(
                (float) b.path("x0").asDouble(),
                (float) b.path("y0").asDouble(),
                (float) b.path("x1").asDouble(),
                (float) b.path("y1").asDouble(),
                b.path("label").asText(),
                b.path("category_id").asInt()));
      }
      return new CatalogEntry(
          o.path("key").asText(),
          o.path("shard").asText(),
          o.path("offset").asLong(),
          o.path("length").asLong(),
          labels,
          o.path("width").asInt(),
          o.path("height").asInt(),
          boxes,
          o.path("source_path").asText(),
          o.path("content_hash").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("not a catalog line: " + line, e);
    }
  }
}
