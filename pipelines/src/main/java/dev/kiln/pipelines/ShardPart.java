package dev.kiln.pipelines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kiln.formats.ShardFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A worker's description of one shard it wrote, left in the staging directory for the launcher: the
 * shard file plus a digest of its (key, content hash) pairs for the input fingerprint. One line of
 * JSON, written and read with Jackson's streaming API (a run writes and reads one per shard, and
 * the tree model's classes cost more to load than the lines).
 *
 * @param fileCrc32c the shard file's CRC32C (unsigned) as its writer computed it, which the dataset
 *     index records (so finishing need not read the shard again), or -1 when unknown
 */
public record ShardPart(int index, ShardFile file, String contentDigest, long fileCrc32c) {
  private static final JsonFactory JSON = new JsonFactory();

  /** Writes the description atomically (temporary file, then rename). */
  public void writeTo(Path target) throws IOException {
    StringWriter line = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeNumberField("index", index);
      g.writeStringField("name", file.name());
      g.writeNumberField("samples", file.samples());
      g.writeNumberField("bytes", file.bytes());
      g.writeStringField("sha256", file.sha256());
      g.writeStringField("content_digest", contentDigest);
      if (fileCrc32c >= 0) {
        g.writeNumberField("file_crc32c", fileCrc32c);
      }
      g.writeEndObject();
    }
    StagingLayout.writeAtomically(target, List.of(line.toString()));
  }

  public static ShardPart readFrom(Path file) throws IOException {
    int index = 0;
    String name = "";
    long samples = 0;
    long bytes = 0;
    String sha256 = "";
    String contentDigest = "";
    long fileCrc32c = -1;
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "index" -> index = p.getValueAsInt();
          case "name" -> name = p.getValueAsString("");
          case "samples" -> samples = p.getValueAsLong();
          case "bytes" -> bytes = p.getValueAsLong();
          case "sha256" -> sha256 = p.getValueAsString("");
          case "content_digest" -> contentDigest = p.getValueAsString("");
          case "file_crc32c" -> fileCrc32c = p.getValueAsLong(-1);
          default -> p.skipChildren();
        }
      }
    }
    return new ShardPart(
        index, new ShardFile(name, samples, bytes, sha256), contentDigest, fileCrc32c);
  }
}
