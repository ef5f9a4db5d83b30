package dev.kiln.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what a dataset directory holds and how it was made. Readers and
 * {@code kiln verify} trust it for counts and checksums; it is written last, when every shard is
 * complete.
 *
 * @param kilnVersion version of Kiln that wrote the dataset
 * @param format output format (webdataset, kiln, avro, parquet)
 * @param inputs number of inputs considered
 * @param written number of samples written
 * @param rejectedByReason rejected inputs per reason code (sorted by reason)
 * @param shards the shard files in shard order
 * @param configuration the full effective configuration (option name to value, sorted)
 * @param inputFingerprint SHA-256 over the sorted (key, size, content hash) of every input
 * @param schema the sample schema (Avro JSON)
 * @param runId the run that wrote the dataset ({@code --run-id}), or "" when unknown
 * @param changes for an incremental run: counts of new, changed, deleted, carried-over and
 *     rejected inputs against the previous version; empty for a full run
 */
public record Manifest(
    String kilnVersion,
    String format,
    long inputs,
    long written,
    Map<String, Long> rejectedByReason,
    List<ShardFile> shards,
    Map<String, String> configuration,
    String inputFingerprint,
    String schema,
    String runId,
    Map<String, Long> changes) {

  public static final String FILE_NAME = "manifest.json";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Manifest {
    rejectedByReason = new TreeMap<>(rejectedByReason);
    shards = List.copyOf(shards);
    configuration = new TreeMap<>(configuration);
    runId = runId == null ? "" : runId;
    changes = new java.util.LinkedHashMap<>(changes);
  }

  /** A manifest of a run without a run id or incremental counts. */
  public Manifest(
      String kilnVersion,
      String format,
      long inputs,
      long written,
      Map<String, Long> rejectedByReason,
      List<ShardFile> shards,
      Map<String, String> configuration,
      String inputFingerprint,
      String schema) {
    this(kilnVersion, format, inputs, written, rejectedByReason, shards, configuration,
        inputFingerprint, schema, "", Map.of());
  }

  /** This manifest with a run id and incremental counts. */
  public Manifest withRun(String id, Map<String, Long> changeCounts) {
    return new Manifest(kilnVersion, format, inputs, written, rejectedByReason, shards,
        configuration, inputFingerprint, schema, id, changeCounts);
  }

  /** Total rejected inputs over all reasons. */
  public long rejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The manifest as a JSON tree with a fixed field order. */
  public ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("kiln_version", kilnVersion);
    o.put("run_id", runId);
    o.put("format", format);
    ObjectNode counts = o.putObject("counts");
    counts.put("inputs", inputs);
    counts.put("written", written);
    counts.put("rejected", rejected());
    ObjectNode reasons = counts.putObject("rejected_by_reason");
    rejectedByReason.forEach(reasons::put);
    ArrayNode shardArray = o.putArray("shards");
    for (ShardFile s : shards) {
      ObjectNode so = shardArray.addObject();
      so.put("name", s.name());
      so.put("samples", s.samples());
      so.put("bytes", s.bytes());
      so.put("sha256", s.sha256());
    }
    if (!changes.isEmpty()) {
      ObjectNode inc = o.putObject("incremental");
      changes.forEach(inc::put);
    }
    ObjectNode conf = o.putObject("configuration");
    configuration.forEach(conf::put);
    o.put("input_fingerprint", inputFingerprint);
    try {
      o.set("schema", MAPPER.readTree(schema));
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest schema is not JSON", e);
    }
    return o;
  }

  /** Writes {@code dir/manifest.json}. */
  public void writeTo(Path dir) throws IOException {
    Files.write(dir.resolve(FILE_NAME), MAPPER.writeValueAsBytes(toJson()));
  }

  /** Reads {@code dir/manifest.json}. */
  public static Manifest readFrom(Path dir) throws IOException {
    JsonNode o = MAPPER.readTree(DatasetRoot.resolve(dir).resolve(FILE_NAME).toFile());
    JsonNode counts = o.path("counts");
    Map<String, Long> reasons = new TreeMap<>();
    counts.path("rejected_by_reason").fields()
        .forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    List<ShardFile> shards = new ArrayList<>();
    for (JsonNode s : o.path("shards")) {
      shards.add(
          new ShardFile(
              s.path("name").asText(),
              s.path("samples").asLong(),
              s.path("bytes").asLong(),
              s.path("sha256").asText()));
    }
    Map<String, String> conf = new TreeMap<>();
    o.path("configuration").fields()
        .forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
    return new Manifest(
        o.path("kiln_version").asText(),
        o.path("format").asText(),
        counts.path("inputs").asLong(),
        counts.path("written").asLong(),
        reasons,
        shards,
        conf,
        o.path("input_fingerprint").asText(),
        o.path("schema").toString(),
        o.path("run_id").asText(""),
        changes(o.path("incremental")));
  }

  private static Map<String, Long> changes(JsonNode node) {
    Map<String, Long> changes = new java.util.LinkedHashMap<>();
    node.fields().forEachRemaining(e -> changes.put(e.getKey(), e.getValue().asLong()));
    return changes;
  }
}
