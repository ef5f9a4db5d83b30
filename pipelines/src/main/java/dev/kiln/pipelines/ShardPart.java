package dev.kiln.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A worker's description of one shard it wrote, left in the staging directory for the launcher:
 * the shard file plus a digest of its (key, content hash) pairs for the input fingerprint.
 *
 * @param fileCrc32c the shard file's CRC32C (unsigned) as its writer computed it, which the
 *     dataset index records (so finishing need not read the shard again), or -1 when unknown
 */
public record ShardPart(int index, ShardFile file, String contentDigest, long fileCrc32c) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Writes the description atomically (temporary file, then rename). */
  public void writeTo(Path target) throws IOException {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("index", index);
    o.put("name", file.name());
    o.put("samples", file.samples());
    o.put("bytes", file.bytes());
    o.put("sha256", file.sha256());
    o.put("content_digest", contentDigest);
    if (fileCrc32c >= 0) {
      o.put("file_crc32c", fileCrc32c);
    }
    StagingLayout.writeAtomically(target, java.util.List.of(o.toString()));
  }

  public static ShardPart readFrom(Path file) throws IOException {
    JsonNode o = MAPPER.readTree(file.toFile());
    return new ShardPart(
        o.path("index").asInt(),
        new ShardFile(
            o.path("name").asText(),
            o.path("samples").asLong(),
            o.path("bytes").asLong(),
            o.path("sha256").asText()),
        o.path("content_digest").asText(),
        o.path("file_crc32c").asLong(-1));
  }
}
