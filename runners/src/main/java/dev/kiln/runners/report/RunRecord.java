package dev.kiln.runners.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a run went, as the launcher saw it: {@value #FILE_NAME} in the dataset, beside {@code
 * manifest.json} (which says what the run made). The report draws images/s over time from the
 * progress samples and shows the peak memory.
 *
 * @param runner the {@code --runner} value
 * @param parallelism workers the run used
 * @param started when the launcher started (ISO-8601, UTC)
 * @param seconds from the JVM's start to the dataset being complete
 * @param peakRssBytes the launcher process's peak resident memory ({@code VmHWM}), or -1 where
 *     the system does not report it
 * @param peakHeapBytes the JVM heap's peak use, summed over its pools
 * @param heapMaxBytes the JVM's maximum heap
 * @param live whether the progress samples count images (the job ran in the launcher's JVM);
 *     false for a remote cluster
 * @param progress samples taken while the job ran, in time order
 */
public record RunRecord(
    String runner,
    int parallelism,
    String started,
    double seconds,
    long peakRssBytes,
    long peakHeapBytes,
    long heapMaxBytes,
    boolean live,
    List<Progress> progress) {
  public static final String FILE_NAME = "run.json";

  public RunRecord {
    progress = List.copyOf(progress);
  }

  /**
   * One progress sample.
   *
   * @param seconds since the job started
   * @param done inputs finished (written or rejected) by then
   * @param rejected inputs rejected by then
   */
  public record Progress(double seconds, long done, long rejected) {}

  /** Writes {@code dir/run.json}. */
  public void writeTo(Path dir) throws IOException {
    try (OutputStream out = Files.newOutputStream(dir.resolve(FILE_NAME));
        JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("runner", runner);
      g.writeNumberField("parallelism", parallelism);
      g.writeStringField("started", started);
      g.writeNumberField("seconds", Math.round(seconds * 1000) / 1000.0);
      g.writeNumberField("peak_rss_bytes", peakRssBytes);
      g.writeNumberField("peak_heap_bytes", peakHeapBytes);
      g.writeNumberField("heap_max_bytes", heapMaxBytes);
      g.writeBooleanField("live_progress", live);
      g.writeArrayFieldStart("progress");
      for (Progress p : progress) {
        // [seconds, done, rejected]: a long run keeps hundreds of these, so arrays, not objects.
        g.writeStartArray();
        g.writeNumber(Math.round(p.seconds() * 100) / 100.0);
        g.writeNumber(p.done());
        g.writeNumber(p.rejected());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** Reads {@code dir/run.json}; null when the dataset has none (made by an older Kiln). */
  public static RunRecord readIfPresent(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    JsonNode o;
    try {
      o = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not JSON: " + e.getMessage(), e);
    }
    List<Progress> progress = new ArrayList<>();
    for (JsonNode p : o.path("progress")) {
      progress.add(new Progress(p.path(0).asDouble(), p.path(1).asLong(), p.path(2).asLong()));
    }
    return new RunRecord(
        o.path("runner").asText(""),
        o.path("parallelism").asInt(0),
        o.path("started").asText(""),
        o.path("seconds").asDouble(0),
        o.path("peak_rss_bytes").asLong(-1),
        o.path("peak_heap_bytes").asLong(-1),
        o.path("heap_max_bytes").asLong(-1),
        o.path("live_progress").asBoolean(false),
        progress);
  }
}
