package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.runners.Kiln;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report in a real browser: headless Chromium loads {@code report.html} from disk with no
 * console error, every image on it decodes, its counts are the manifest's, and a screenshot of the
 * whole page is kept in {@code target/report-test/}.
 */
class ReportInBrowserTest {
  static final Path SAMPLES = Path.of("../samples/images").toAbsolutePath().normalize();
  static final Path ANNOTATIONS =
      Path.of("../samples/annotations.json").toAbsolutePath().normalize();
  static final Path ARTEFACTS = Path.of("target/report-test");

  /** What the page says, gathered in the page. */
  static final String PAGE_FACTS =
      """
      (() => {
        const counts = {};
        document.querySelectorAll('[data-count]').forEach(e => counts[e.dataset.count] = Number(e.textContent));
        const images = [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0}));
        const sections = [...document.querySelectorAll('main > section')].map(s => s.id);
        return {counts, images, sections, boxes: document.querySelectorAll('svg.boxes rect').length,
                title: document.title};
      })()""";

  static HeadlessChromium browser;
  @TempDir Path tmp;

  @BeforeAll
  static void startBrowser() throws Exception {
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  static String kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Kiln.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    return printed;
  }

  /** The samples plus a JPEG cut in half (its top decodes) and a text file named .jpg. */
  static Path inputsWithRejects(Path tmp) throws Exception {
    Path in = tmp.resolve("in");
    for (Path p : Files.walk(SAMPLES).filter(Files::isRegularFile).toList()) {
      Path to = in.resolve(SAMPLES.relativize(p).toString());
      Files.createDirectories(to.getParent());
      Files.copy(p, to);
    }
    byte[] jpeg = Files.readAllBytes(SAMPLES.resolve("animals/chelsea.jpg"));
    Files.createDirectories(in.resolve("broken"));
    Files.write(
        in.resolve("broken/chelsea-cut.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(in.resolve("broken/notes.jpg"), "not an image, a note\n");
    return in;
  }

  @Test
  void reportOfARunWithRejectsAndBoxesLoadsCleanlyAndShowsTheManifestsCounts() throws Exception {
    Path out = tmp.resolve("dataset");
    String printed =
        kiln(
            "prepare",
            "--input=" + inputsWithRejects(tmp),
            "--output=" + out,
            "--annotations=" + ANNOTATIONS,
            "--max-reject-fraction=1");
    Path report = out.resolve(DatasetReport.FILE_NAME);
    assertTrue(printed.contains("kiln: report " + report), printed);

    HeadlessChromium.Page page = browser.open(report.toUri());
    JsonNode facts = page.evaluate(PAGE_FACTS);
    page.screenshot(ARTEFACTS.resolve("report-with-rejects.png"), 1400);
    assertEquals(List.of(), page.errors());

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    JsonNode counts = facts.path("counts");
    assertEquals(
        manifest.at("/counts/inputs").asLong(), counts.path("inputs").asLong(), facts.toString());
    assertEquals(manifest.at("/counts/written").asLong(), counts.path("written").asLong());
    assertEquals(manifest.at("/counts/rejected").asLong(), counts.path("rejected").asLong());
    assertEquals(manifest.at("/counts/written").asLong(), counts.path("samples").asLong());
    assertEquals(manifest.path("shards").size(), counts.path("shards").asInt());
    Map<String, Long> reasons = new HashMap<>();
    manifest
        .at("/counts/rejected_by_reason")
        .fields()
        .forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    assertEquals(Map.of("not-an-image", 1L, "truncated", 1L), reasons);
    reasons.forEach(
        (reason, n) ->
            assertEquals(n, counts.path("rejected-" + reason).asLong(), reason + " in " + facts));
    assertEquals(9, counts.path("inputs").asLong());

    // 7 contact-sheet samples and the cut JPEG's top; every one decoded by the browser.
    List<JsonNode> images = List.copyOf(toList(facts.path("images")));
    assertEquals(8, images.size(), facts.toString());
    for (JsonNode image : images) {
      assertTrue(image.path("ok").asBoolean(), "image not rendered: " + image);
    }
    assertTrue(
        images.stream().anyMatch(i -> i.path("alt").asText().startsWith("broken/chelsea-cut")),
        facts.toString());
    assertEquals(13, facts.path("boxes").asInt(), "the 13 boxes of the sample annotations");
    assertEquals(
        List.of("accounting", "rejects", "inputs", "outputs", "labels", "samples", "run"),
        toList(facts.path("sections")).stream().map(JsonNode::asText).toList());
  }

  @Test
  void reportOfPerObjectCropsGroupsThemBySourceImage() throws Exception {
    Path out = tmp.resolve("crops");
    kiln(
        "prepare",
        "--input=" + SAMPLES,
        "--output=" + out,
        "--annotations=" + ANNOTATIONS,
        "--framing=per-object",
        "--size=128",
        "--format=webdataset",
        "--max-reject-fraction=1");
    HeadlessChromium.Page page = browser.open(out.resolve(DatasetReport.FILE_NAME).toUri());
    JsonNode facts = page.evaluate(PAGE_FACTS);
    JsonNode groups =
        page.evaluate(
            "[...document.querySelectorAll('h3.source')].map(h => h.querySelector('code').textContent)");
    page.screenshot(ARTEFACTS.resolve("report-per-object.png"), 1400);
    assertEquals(List.of(), page.errors());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(manifest.at("/counts/written").asLong(), facts.at("/counts/written").asLong());
    assertEquals(
        manifest.at("/counts/written").asLong(),
        facts.path("images").size(),
        "every crop of this small dataset is on the sheet");
    for (JsonNode image : facts.path("images")) {
      assertTrue(image.path("ok").asBoolean(), "image not rendered: " + image);
    }
    // One group per source image with objects: all seven samples have some.
    assertEquals(7, groups.size(), groups.toString());
    for (JsonNode g : groups) {
      assertTrue(Files.exists(Path.of(g.asText())), g.asText());
    }
  }

  private static List<JsonNode> toList(JsonNode array) {
    java.util.ArrayList<JsonNode> list = new java.util.ArrayList<>();
    array.forEach(list::add);
    return list;
  }
}
