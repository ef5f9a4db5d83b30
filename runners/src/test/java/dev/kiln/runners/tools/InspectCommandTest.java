package dev.kiln.runners.tools;

import static dev.kiln.runners.tools.ToolsTestData.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln inspect}: summaries, one sample's metadata, and extraction to decodable files. */
class InspectCommandTest {
  @TempDir Path tmp;

  private Path dataset(String format) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve(format));
    List<List<dev.kiln.formats.Sample>> shards =
        List.of(ToolsTestData.samples("cats", 0, 4), ToolsTestData.samples("dogs/big", 4, 3));
    if (format.equals("kiln")) {
      ToolsTestData.kilnDataset(dir, shards);
    } else {
      ToolsTestData.webDataset(dir, shards);
    }
    return dir;
  }

  @Test
  void kilnSummaryShowsCountsRejectsShardsAndLayout() throws Exception {
    ToolsTestData.Run run = kiln("inspect", dataset("kiln").toString());
    assertEquals(0, run.code(), run.err());
    String o = run.out();
    assertTrue(o.contains("format       kiln"), o);
    assertTrue(o.contains("7 written of 9 inputs, 2 rejected"), o);
    assertTrue(o.contains("rejected     corrupt 2"), o);
    assertTrue(o.contains("shard-00001.kiln"), o);
    assertTrue(o.contains("format version 2 (CRC-32); align 4096"), o);
    assertTrue(o.contains("quality=90"), o);
    assertTrue(o.contains("one aligned read per sample"), o);
  }

  @Test
  void webDatasetSummary() throws Exception {
    ToolsTestData.Run run = kiln("inspect", dataset("webdataset").toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("format       webdataset"), run.out());
    assertTrue(run.out().contains("14 tar members"), run.out());
  }

  @Test
  void keyPrintsMetadataJson() throws Exception {
    for (String format : List.of("kiln", "webdataset")) {
      ToolsTestData.Run run =
          kiln("inspect", dataset(format).toString(), "--key", "dogs/big/img_5");
      assertEquals(0, run.code(), format + run.err());
      JsonNode json = new ObjectMapper().readTree(run.out());
      assertEquals("dogs/big/img_5", json.path("key").asText(), format);
      assertEquals("jpeg", json.path("encoding").asText(), format);
      assertEquals(1, kiln("inspect", tmp.resolve(format).toString(), "--key=nope").code());
    }
  }

  @Test
  void extractWritesDecodableImagesAndMetadata() throws Exception {
    for (String format : List.of("kiln", "webdataset")) {
      Path to = tmp.resolve("out-" + format);
      ToolsTestData.Run run =
          kiln("inspect", dataset(format).toString(), "--extract", "5", "--to", to.toString());
      assertEquals(0, run.code(), format + run.err());
      assertTrue(run.out().contains("extracted 5 samples"), run.out());
      List<Path> images;
      try (Stream<Path> s = Files.walk(to)) {
        images = s.filter(p -> p.toString().endsWith(".jpg")).toList();
      }
      assertEquals(5, images.size(), format + " " + images);
      for (Path p : images) {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, p.toString());
        Path json = p.resolveSibling(p.getFileName().toString().replace(".jpg", ".json"));
        JsonNode meta = new ObjectMapper().readTree(json.toFile());
        assertEquals(img.getWidth(), meta.path("width").asInt(), p.toString());
      }
      assertTrue(Files.exists(to.resolve("dogs/big/img_4.jpg")), format);
    }
  }

  @Test
  void extractNeedsTo() throws Exception {
    ToolsTestData.Run run = kiln("inspect", dataset("kiln").toString(), "--extract=2");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--to"), run.err());
    assertEquals(
        2, kiln("inspect", tmp.resolve("kiln").toString(), "--extract=0", "--to=x").code());
  }
}
