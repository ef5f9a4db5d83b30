package dev.kiln.runners.report;

import dev.kiln.formats.Box;
import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Sample;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.SourceInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * A report's content for a million samples, made up but shaped like a real one: the rows'
 * aggregates with 1,000 classes, captions and boxes, 2,000 inputs' properties, 64 noise samples on
 * the contact sheet (noise compresses worst) and 24 reasons' rejects with thumbnails. For {@link
 * ReportSizeTest} and {@link ReportBenchmark}.
 */
final class MillionSampleReport {
  static final int ROWS = 1_000_000;

  private MillionSampleReport() {}

  /**
   * What a report of {@value #ROWS} samples holds: the rows' aggregates, 1,000 classes, captions,
   * boxes, 64 noise samples on the sheet and 24 reasons' rejects with thumbnails of a cut JPEG.
   */
  static DatasetReport.Content content(Path tmp) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    OutputStats outputs = new OutputStats();
    InputStats inputs = new InputStats();
    String[] captions = {
      "a cat",
      "a photograph of a red car parked in a narrow street at night",
      "two dogs playing with a ball on a beach, waves behind them"
    };
    for (int i = 0; i < ROWS; i++) {
      String label = "class-" + random.nextInt(1000);
      List<Box> boxes = new ArrayList<>();
      for (int b = random.nextInt(4); b > 0; b--) {
        float x = random.nextInt(200);
        float y = random.nextInt(200);
        boxes.add(new Box(x, y, x + 40, y + 50, label, 1));
      }
      long length = 12_000 + random.nextInt(40_000);
      CatalogEntry row =
          new CatalogEntry(
              "k/" + i,
              "shard-" + (i / 10_000) + ".kiln",
              0,
              length,
              List.of(label),
              256,
              256,
              boxes,
              "/in/" + i + ".jpg",
              "");
      outputs.add(row, length - 300, captions[i % 3]);
      inputs.fileBytes.add(20_000 + random.nextInt(5_000_000));
    }
    for (int i = 0; i < DatasetReport.SAMPLES_READ; i++) {
      inputs.add(
          new SourceInfo(
              "/in/" + i + ".jpg",
              1,
              i % 5 == 0 ? "png" : "jpeg",
              i % 7 == 0 ? "cmyk" : "rgb",
              i % 9 == 0 ? 16 : 8,
              i % 3 == 0 ? "sRGB IEC61966-2.1" : null,
              1 + i % 8,
              400 + random.nextInt(4000),
              300 + random.nextInt(3000),
              i % 50 == 0 ? 12 : 1));
    }
    ContactSheet sheet = new ContactSheet(false);
    for (int i = 0; i < ContactSheet.SAMPLES; i++) {
      sheet.offer(
          new Sample(
              "k/" + i,
              noiseJpeg(random, 256, 256),
              "jpeg",
              256,
              256,
              3,
              List.of("class-" + i),
              List.of(new Box(10, 10, 100, 120, "class-" + i, 1)),
              new SourceInfo("/in/" + i + ".jpg", 1, "jpeg", "rgb", 8, null, 1, 256, 256, 1),
              ""));
    }
    // Every reason's examples are the top half of a noise JPEG: the largest thumbnails there are.
    byte[] noise = noiseJpeg(random, 1024, 768);
    Path cut = tmp.resolve("broken.jpg");
    Files.write(cut, java.util.Arrays.copyOf(noise, noise.length / 2));
    Path rejectsFile = tmp.resolve("rejects.jsonl");
    List<String> lines = new ArrayList<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (int r = 0; r < 30; r++) {
      for (int n = 0; n < 5; n++) {
        lines.add(
            new Rejection(
                    "broken/" + r + "-" + n,
                    cut.toString(),
                    "decode",
                    "reason-" + (100 + r),
                    "decoder warned: premature end of data segment",
                    noise.length / 2)
                .toJsonLine());
        byReason.merge("reason-" + (100 + r), 1L, Long::sum);
      }
    }
    Files.write(rejectsFile, lines);
    List<ShardFile> shards = new ArrayList<>();
    for (int s = 0; s < 100; s++) {
      shards.add(
          new ShardFile(String.format("shard-%05d.kiln", s), ROWS / 100, 268_000_000L, "00"));
    }
    Map<String, String> conf = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      conf.put("setting-" + i, "value-" + i);
    }
    Manifest manifest =
        new Manifest("0.1.0", "kiln", ROWS + 150, ROWS, byReason, shards, conf, "ff", "{}")
            .withRun("bench", Map.of());
    List<RunRecord.Progress> progress = new ArrayList<>();
    for (int i = 1; i < RunRecorder.MAX_SAMPLES; i++) {
      progress.add(new RunRecord.Progress(i * 8.0, i * 1950L, i / 4));
    }
    RunRecord run =
        new RunRecord(
            "local", 2, "2026-01-01T00:00:00Z", 4100, 3L << 30, 2L << 30, 3L << 30, true, progress);
    return new DatasetReport.Content(
        "/data/million",
        manifest,
        Map.of("hidden", 1200L, "extension", 311L),
        run,
        outputs,
        inputs,
        DatasetReport.SAMPLES_READ,
        ROWS + 150,
        ROWS,
        sheet,
        RejectExamples.read(rejectsFile));
  }

  /** A JPEG of random pixels: the image that compresses worst. */
  static byte[] noiseJpeg(SplittableRandom random, int width, int height) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }
}
