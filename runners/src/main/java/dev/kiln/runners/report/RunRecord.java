package dev.kiln.runners.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
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
 * @param peakRssBytes the launcher process's peak resident memory ({@code VmHWM}), or -1 where the
 *     system does not report it
 * @param peakHeapBytes the JVM heap's peak use, summed over its pools
 * @param heapMaxBytes the JVM's maximum heap
 * @param live whether the progress samples count images (the job ran in the launcher's JVM); false
 *     for a remote cluster
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
    // Streaming, not the tree model: a nightly run reads this for its report.
    String[] text = {"", ""}; // runner, started
    double seconds = 0;
    long[] numbers = {0, -1, -1, -1}; // parallelism, peak RSS, peak heap, max heap
    boolean live = false;
    List<Progress> progress = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = new JsonFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "runner" -> text[0] = p.getValueAsString("");
          case "started" -> text[1] = p.getValueAsString("");
          case "seconds" -> seconds = p.getValueAsDouble(0);
          case "parallelism" -> numbers[0] = p.getValueAsLong(0);
          case "peak_rss_bytes" -> numbers[1] = p.getValueAsLong(-1);
          case "peak_heap_bytes" -> numbers[2] = p.getValueAsLong(-1);
          case "heap_max_bytes" -> numbers[3] = p.getValueAsLong(-1);
          case "live_progress" -> live = p.getValueAsBoolean(false);
          case "progress" -> {
            if (p.currentToken() != JsonToken.START_ARRAY) {
              throw new IOException(file + ": progress is not an array");
            }
            while (p.nextToken() == JsonToken.START_ARRAY) {
              double[] v = new double[3];
              int n = 0;
              while (p.nextToken() != JsonToken.END_ARRAY) {
                if (n < 3) {
                  v[n] = p.getValueAsDouble(0);
                }
                n++;
              }
              progress.add(new Progress(v[0], (long) v[1], (long) v[2]));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (JsonParseException e) {
      throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
    }
    return new RunRecord(
        text[0],
        (int) numbers[0],
        text[1],
        seconds,
        numbers[1],
        numbers[2],
        numbers[3],
        live,
        progress);
  }
}
