package dev.kiln.formats;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what a dataset directory holds and how it was made. Readers and {@code
 * kiln verify} trust it for counts and checksums; it is written last, when every shard is complete.
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
 * @param changes for an incremental run: counts of new, changed, deleted, carried-over and rejected
 *     inputs against the previous version; empty for a full run
 * @param labels the class mapping with per-class sample counts, and the metadata table's match
 *     counts; {@link LabelSummary#NONE} for a dataset without either
 * @param ignoredByReason files under the input that are not inputs, per reason ({@code extension},
 *     {@code hidden}; sorted by reason)
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
    Map<String, Long> changes,
    LabelSummary labels,
    Map<String, Long> ignoredByReason) {

  public static final String FILE_NAME = "manifest.json";
  private static final JsonFactory JSON = new JsonFactory();

  public Manifest {
    rejectedByReason = new TreeMap<>(rejectedByReason);
    shards = List.copyOf(shards);
    configuration = new TreeMap<>(configuration);
    runId = runId == null ? "" : runId;
    changes = new LinkedHashMap<>(changes);
    labels = labels == null ? LabelSummary.NONE : labels;
    ignoredByReason = new TreeMap<>(ignoredByReason);
  }

  /** A manifest without classes or metadata table, that ignored no file. */
  public Manifest(
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
    this(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        runId,
        changes,
        LabelSummary.NONE,
        Map.of());
  }

  /** A manifest that ignored no file. */
  public Manifest(
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
      Map<String, Long> changes,
      LabelSummary labels) {
    this(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        runId,
        changes,
        labels,
        Map.of());
  }

  /** A manifest without classes or metadata table. */
  public Manifest(
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
      Map<String, Long> changes,
      Map<String, Long> ignoredByReason) {
    this(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        runId,
        changes,
        LabelSummary.NONE,
        ignoredByReason);
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
    this(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        "",
        Map.of());
  }

  /** This manifest with a run id and incremental counts. */
  public Manifest withRun(String id, Map<String, Long> changeCounts) {
    return new Manifest(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        id,
        changeCounts,
        labels,
        ignoredByReason);
  }

  /** This manifest with another {@code labels} object. */
  public Manifest withLabels(LabelSummary summary) {
    return new Manifest(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        runId,
        changes,
        summary,
        ignoredByReason);
  }

  /** This manifest with the counts of files that were not inputs, per reason. */
  public Manifest withIgnored(Map<String, Long> ignoredCounts) {
    return new Manifest(
        kilnVersion,
        format,
        inputs,
        written,
        rejectedByReason,
        shards,
        configuration,
        inputFingerprint,
        schema,
        runId,
        changes,
        labels,
        ignoredCounts);
  }

  /** Total files under the input that were not inputs. */
  public long ignored() {
    return ignoredByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Total rejected inputs over all reasons. */
  public long rejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The manifest's JSON, pretty-printed, fields in a fixed order: what {@code manifest.json} holds.
   * Written with Jackson's streaming generator and its default pretty printer, which is what the
   * tree model writes (the bytes are the same); the tree model's classes cost a nightly run a tenth
   * of a second to load and set up, for one small file.
   */
  public byte[] toJsonBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("kiln_version", kilnVersion);
      g.writeStringField("run_id", runId);
      g.writeStringField("format", format);
      g.writeObjectFieldStart("counts");
      g.writeNumberField("inputs", inputs);
      g.writeNumberField("written", written);
      g.writeNumberField("rejected", rejected());
      writeCounts(g, "rejected_by_reason", rejectedByReason);
      g.writeNumberField("ignored", ignored());
      writeCounts(g, "ignored_by_reason", ignoredByReason);
      g.writeEndObject();
      g.writeArrayFieldStart("shards");
      for (ShardFile f : shards) {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeNumberField("samples", f.samples());
        g.writeNumberField("bytes", f.bytes());
        g.writeStringField("sha256", f.sha256());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!changes.isEmpty()) {
        writeCounts(g, "incremental", changes);
      }
      if (!labels.isEmpty()) {
        g.writeObjectFieldStart("labels");
        labels.write(g);
        g.writeEndObject();
      }
      g.writeObjectFieldStart("configuration");
      for (Map.Entry<String, String> e : configuration.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeStringField("input_fingerprint", inputFingerprint);
      g.writeFieldName("schema");
      try (JsonParser schemaJson = JSON.createParser(schema)) {
        if (schemaJson.nextToken() == null) {
          g.writeNull(); // no schema: what the tree model writes for an empty document
        } else {
          g.copyCurrentStructure(schemaJson);
        }
      }
      g.writeEndObject();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("manifest schema is not JSON", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeCounts(JsonGenerator g, String name, Map<String, Long> counts)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getValue() == null) {
        g.writeNullField(e.getKey());
      } else {
        g.writeNumberField(e.getKey(), e.getValue());
      }
    }
    g.writeEndObject();
  }

  /** Writes {@code dir/manifest.json}. */
  public void writeTo(Path dir) throws IOException {
    Files.write(dir.resolve(FILE_NAME), toJsonBytes());
  }

  /**
   * Reads {@code dir/manifest.json} (or that of the version a dataset root's {@code CURRENT}
   * names). Fields it does not know are skipped; missing ones are empty or zero.
   */
  public static Manifest readFrom(Path dir) throws IOException {
    Path file = DatasetRoot.resolve(dir).resolve(FILE_NAME);
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      return read(p);
    }
  }

  /** Reads a manifest from {@code in} (an object on S3, say), {@code where} naming it. */
  public static Manifest readFrom(InputStream in, String where) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(where + " is not a JSON object");
      }
      return read(p);
    }
  }

  /** The fields of the manifest object the parser is at (past its start). */
  private static Manifest read(JsonParser p) throws IOException {
    String kilnVersion = "";
    String runId = "";
    String format = "";
    long[] counts = new long[2]; // inputs, written
    Map<String, Long> reasons = new TreeMap<>();
    Map<String, Long> ignored = new TreeMap<>();
    List<ShardFile> shards = new ArrayList<>();
    Map<String, Long> changes = new LinkedHashMap<>();
    Map<String, String> conf = new TreeMap<>();
    String inputFingerprint = "";
    String schema = "";
    LabelSummary labels = LabelSummary.NONE;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "kiln_version" -> kilnVersion = text(p);
        case "run_id" -> runId = p.currentToken() == JsonToken.VALUE_NULL ? "" : text(p);
        case "format" -> format = text(p);
        case "counts" ->
            forEachField(
                p,
                (field, q) -> {
                  switch (field) {
                    case "inputs" -> counts[0] = number(q);
                    case "written" -> counts[1] = number(q);
                    case "rejected_by_reason" -> readCounts(q, reasons);
                    case "ignored_by_reason" -> readCounts(q, ignored);
                    default -> q.skipChildren();
                  }
                });
        case "shards" -> {
          if (p.currentToken() == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              shards.add(shard(p));
            }
          } else {
            p.skipChildren();
          }
        }
        case "incremental" -> readCounts(p, changes);
        case "labels" -> {
          if (p.currentToken() == JsonToken.START_OBJECT) {
            labels = LabelSummary.read(p);
          } else {
            p.skipChildren();
          }
        }
        case "configuration" -> forEachField(p, (key, q) -> conf.put(key, text(q)));
        case "input_fingerprint" -> inputFingerprint = text(p);
        case "schema" -> schema = compact(p);
        default -> p.skipChildren();
      }
    }
    return new Manifest(
        kilnVersion,
        format,
        counts[0],
        counts[1],
        reasons,
        shards,
        conf,
        inputFingerprint,
        schema,
        runId,
        changes,
        labels,
        ignored);
  }

  private static ShardFile shard(JsonParser p) throws IOException {
    String[] strings = {"", ""}; // name, sha256
    long[] numbers = new long[2]; // samples, bytes
    forEachField(
        p,
        (field, q) -> {
          switch (field) {
            case "name" -> strings[0] = text(q);
            case "samples" -> numbers[0] = number(q);
            case "bytes" -> numbers[1] = number(q);
            case "sha256" -> strings[1] = text(q);
            default -> q.skipChildren();
          }
        });
    return new ShardFile(strings[0], numbers[0], numbers[1], strings[1]);
  }

  private static void readCounts(JsonParser p, Map<String, Long> into) throws IOException {
    forEachField(p, (key, q) -> into.put(key, number(q)));
  }

  /**
   * Hands each field of the object the parser is at to {@code field} ({@link
   * JsonLines#readFields}); a value that is not an object is skipped.
   */
  private static void forEachField(JsonParser p, JsonLines.Field field) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    JsonLines.readFields(p, field);
  }

  /** A value as text, as the tree model's {@code asText()} gives it ("" for objects and arrays). */
  private static String text(JsonParser p) throws IOException {
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
      return "";
    }
    return JsonLines.text(p);
  }

  /** A value as a number, as the tree model's {@code asLong()} gives it (0 when not one). */
  private static long number(JsonParser p) throws IOException {
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
      return 0;
    }
    return p.getValueAsLong(0);
  }

  /** The value the parser is at (an object, for the schema) as compact JSON text. */
  private static String compact(JsonParser p) throws IOException {
    StringWriter text = new StringWriter(4096);
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.copyCurrentStructure(p);
    }
    return text.toString();
  }
}
