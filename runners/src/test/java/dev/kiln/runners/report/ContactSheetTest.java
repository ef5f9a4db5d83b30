package dev.kiln.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Box;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.runners.Kiln;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contact sheet draws each sample's boxes in its output pixel coordinates. */
class ContactSheetTest {
  private static final Pattern VIEW_BOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
  private static final Pattern RECT =
      Pattern.compile(
          "<rect x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" width=\"([-0-9.]+)\" height=\"([-0-9.]+)\"");

  @TempDir Path tmp;

  static Sample sample(
      String key, int width, int height, byte[] image, String encoding, List<Box> boxes) {
    return new Sample(
        key,
        image,
        encoding,
        width,
        height,
        3,
        List.of("cat"),
        boxes,
        new SourceInfo("/in/" + key + ".jpg", 1000, "jpeg", "rgb", 8, null, 1, 640, 480, 1),
        "ab");
  }

  /** The boxes a tile draws, as {x0, y0, x1, y1}, and the view box they are drawn in. */
  static List<float[]> drawnBoxes(String html, int[] viewBox) {
    Matcher v = VIEW_BOX.matcher(html);
    assertTrue(v.find(), html);
    viewBox[0] = Integer.parseInt(v.group(1));
    viewBox[1] = Integer.parseInt(v.group(2));
    List<float[]> boxes = new ArrayList<>();
    Matcher r = RECT.matcher(html);
    while (r.find()) {
      float x = Float.parseFloat(r.group(1));
      float y = Float.parseFloat(r.group(2));
      boxes.add(
          new float[] {x, y, x + Float.parseFloat(r.group(3)), y + Float.parseFloat(r.group(4))});
    }
    return boxes;
  }

  @Test
  void boxesAreDrawnAtTheirOutputPixelsInAViewBoxOfTheSamplesSize() throws Exception {
    // A raw 320x200 sample: its thumbnail is a downscaled JPEG, the boxes stay in output pixels.
    byte[] raw = new byte[320 * 200 * 3];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 31);
    }
    Sample s =
        sample(
            "a/b",
            320,
            200,
            raw,
            "raw",
            List.of(new Box(10.5f, 20f, 110f, 60f, "cat", 17), new Box(0, 0, 320, 200, "", 3)));
    ContactSheet sheet = new ContactSheet(false);
    sheet.offer(s);
    ContactSheet.Tile tile = sheet.tiles().get(0);
    assertEquals(240, tile.thumbnail().width(), "downscaled to the thumbnail side");
    assertEquals(150, tile.thumbnail().height());
    String html = sheet.tileHtml(tile);
    assertTrue(html.contains("<rect x=\"10.50\" y=\"20\" width=\"99.50\" height=\"40\""), html);
    int[] viewBox = new int[2];
    List<float[]> drawn = drawnBoxes(html, viewBox);
    assertEquals(320, viewBox[0]);
    assertEquals(200, viewBox[1]);
    assertEquals(2, drawn.size());
    assertEquals(
        List.of(0f, 0f, 320f, 200f),
        List.of(drawn.get(1)[0], drawn.get(1)[1], drawn.get(1)[2], drawn.get(1)[3]));
    assertTrue(html.contains(">cat</text>"), "the labelled box is named");
    assertTrue(html.contains("aspect-ratio:320/200"), "the frame keeps the sample's shape");
  }

  @Test
  void theSheetOfAPreparedDatasetDrawsEachSamplesStoredBoxes() throws Exception {
    Path out = tmp.resolve("ds");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Kiln.run(
            List.of(
                "prepare",
                "--input=" + ReportInBrowserTest.SAMPLES,
                "--output=" + out,
                "--annotations=" + ReportInBrowserTest.ANNOTATIONS,
                "--size=200x150",
                "--resize=letterbox"),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    DatasetReport.Content content = DatasetReport.collect(out, "ds");
    ContactSheet sheet = content.sheet();
    assertEquals(7, sheet.tiles().size());
    int boxes = 0;
    try (KilnDataset ds = KilnDataset.open(out)) {
      for (ContactSheet.Tile t : sheet.tiles()) {
        Sample stored = ds.get(t.key());
        int[] viewBox = new int[2];
        List<float[]> drawn = drawnBoxes(sheet.tileHtml(t), viewBox);
        assertEquals(stored.width(), viewBox[0], t.key());
        assertEquals(stored.height(), viewBox[1], t.key());
        assertEquals(stored.boxes().size(), drawn.size(), t.key());
        for (int i = 0; i < drawn.size(); i++) {
          Box b = stored.boxes().get(i);
          float[] d = drawn.get(i);
          assertEquals(b.x0(), d[0], 0.006, t.key());
          assertEquals(b.y0(), d[1], 0.006, t.key());
          assertEquals(b.x1(), d[2], 0.011, t.key());
          assertEquals(b.y1(), d[3], 0.011, t.key());
          assertTrue(
              d[0] >= 0 && d[1] >= 0 && d[2] <= 200 && d[3] <= 150,
              "inside the output: " + t.key());
        }
        boxes += drawn.size();
      }
    }
    assertEquals(13, boxes);
  }
}
