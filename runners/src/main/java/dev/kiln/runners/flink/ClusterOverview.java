package dev.kiln.runners.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a Flink cluster's REST API ({@code GET /overview}) says about its size.
 *
 * <p>Why Kiln asks: Beam's FlinkRunner submits a job without {@code --parallelism} at the
 * <em>client's</em> {@code parallelism.default}, which is 1 when no Flink configuration is around
 * the client (as for {@code ./kiln}); a Kiln job would then use one slot of the whole cluster.
 * Sizing it to the cluster's slots is what a user means by leaving {@code --parallelism} out.
 *
 * @param taskManagers registered TaskManagers
 * @param slotsTotal all task slots, busy or free
 * @param slotsAvailable free task slots
 */
public record ClusterOverview(int taskManagers, int slotsTotal, int slotsAvailable) {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * Reads the overview of the cluster whose REST endpoint is {@code master} ({@code host:port}).
   *
   * @throws IOException when the endpoint cannot be reached or does not answer like Flink's
   */
  public static ClusterOverview of(String master) throws IOException {
    URI uri = URI.create("http://" + master + "/overview");
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + uri, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(
          "cannot reach "
              + uri
              + " ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")",
          e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered HTTP " + response.statusCode());
    }
    JsonNode json = new ObjectMapper().readTree(response.body());
    if (!json.has("slots-total") || !json.has("taskmanagers")) {
      throw new IOException(uri + " is not a Flink REST endpoint (no slots-total/taskmanagers)");
    }
    return new ClusterOverview(
        json.path("taskmanagers").asInt(),
        json.path("slots-total").asInt(),
        json.path("slots-available").asInt());
  }
}
