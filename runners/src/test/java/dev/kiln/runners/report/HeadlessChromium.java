package dev.kiln.runners.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.formats.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket from {@code
 * java.net.http}): opens a page from disk, collects its console errors, evaluates expressions in
 * it, measures its load and takes full-page screenshots. A missing browser is an error, not a skip:
 * the report's tests need a real one.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY =
      Path.of(System.getenv().getOrDefault("KILN_CHROMIUM", "/usr/bin/chromium"));
  private static final long TIMEOUT_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts the browser with a fresh profile and connects to it. */
  static HeadlessChromium start() throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY
              + " not found: the report's browser tests need"
              + " Debian's chromium (apt-get install chromium), or KILN_CHROMIUM naming another");
    }
    Path profile = Files.createTempDirectory("kiln-chromium-");
    Process p =
        new ProcessBuilder(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    // Port 0: Chromium picks a free port and writes it, with the browser's endpoint, here.
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      if (Files.exists(portFile)) {
        lines = Files.readAllLines(portFile);
        if (lines.size() >= 2) {
          break;
        }
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    if (lines.size() < 2) {
      String log =
          Files.exists(profile.resolve("chromium.log"))
              ? Files.readString(profile.resolve("chromium.log"))
              : "";
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not open its DevTools port: " + log);
    }
    URI endpoint = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
    HeadlessChromium[] self = new HeadlessChromium[1];
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                endpoint,
                new WebSocket.Listener() {
                  private final StringBuilder message = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                      String text = message.toString();
                      message.setLength(0);
                      self[0].received(text);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, profile, ws);
    return self[0];
  }

  private void received(String text) {
    try {
      JsonNode m = JSON.readTree(text);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          f.complete(m);
        }
      } else {
        events.add(m);
      }
    } catch (IOException e) {
      throw new IllegalStateException("DevTools sent no JSON: " + text, e);
    }
  }

  /** Sends a command (to a page's session when {@code session} is not null); its result. */
  JsonNode send(String session, String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("method", method);
    m.set("params", JSON.valueToTree(params));
    if (session != null) {
      m.put("sessionId", session);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(m.toString(), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + ": " + r.get("error"));
    }
    return r.path("result");
  }

  /** A page in its own tab. */
  final class Page {
    private final String session;

    private Page(String session) {
      this.session = session;
    }

    /** Evaluates a JavaScript expression in the page; its value (JSON-serializable). */
    JsonNode evaluate(String expression) throws Exception {
      JsonNode r =
          send(
              session,
              "Runtime.evaluate",
              Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
      if (r.has("exceptionDetails")) {
        throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
      }
      return r.path("result").path("value");
    }

    /**
     * Console errors, uncaught exceptions and browser log errors (resources that failed to load,
     * blocked requests) of this page so far.
     */
    List<String> errors() {
      List<String> errors = new ArrayList<>();
      for (JsonNode e : events) {
        if (!session.equals(e.path("sessionId").asText())) {
          continue;
        }
        JsonNode p = e.path("params");
        switch (e.path("method").asText()) {
          case "Runtime.consoleAPICalled" -> {
            if (p.path("type").asText().equals("error")
                || p.path("type").asText().equals("assert")) {
              errors.add("console: " + p.path("args"));
            }
          }
          case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
          case "Log.entryAdded" -> {
            if (p.path("entry").path("level").asText().equals("error")) {
              errors.add(
                  "log: "
                      + p.path("entry").path("text").asText()
                      + " "
                      + p.path("entry").path("url").asText());
            }
          }
          default -> {}
        }
      }
      return errors;
    }

    /** A PNG of the whole page (not only the window) at {@code width} CSS pixels. */
    void screenshot(Path png, int width) throws Exception {
      JsonNode metrics = send(session, "Page.getLayoutMetrics", Map.of());
      int height = (int) Math.ceil(metrics.path("cssContentSize").path("height").asDouble(1000));
      send(
          session,
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
      JsonNode shot =
          send(
              session,
              "Page.captureScreenshot",
              Map.of("format", "png", "captureBeyondViewport", true));
      Files.createDirectories(png.toAbsolutePath().getParent());
      Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    }
  }

  /**
   * Opens {@code url} in a new tab with the console, runtime and log watched from before it loads;
   * returns once its load event fired.
   */
  Page open(URI url) throws Exception {
    String target =
        send(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
    String session =
        send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
            .path("sessionId")
            .asText();
    for (String domain : List.of("Page.enable", "Runtime.enable", "Log.enable")) {
      send(session, domain, Map.of());
    }
    int before = events.size();
    send(session, "Page.navigate", Map.of("url", url.toString()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      for (int i = before; i < events.size(); i++) {
        JsonNode e = events.get(i);
        if (session.equals(e.path("sessionId").asText())
            && e.path("method").asText().equals("Page.loadEventFired")) {
          return new Page(session);
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(url + " did not finish loading in " + TIMEOUT_SECONDS + " s");
  }

  @Override
  public void close() throws IOException {
    try {
      send(null, "Browser.close", Map.of());
    } catch (Exception e) {
      // Closing anyway below.
    }
    socket.abort();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    FileTrees.delete(profile);
  }
}
