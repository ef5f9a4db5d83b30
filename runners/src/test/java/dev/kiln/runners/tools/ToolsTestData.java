package dev.kiln.runners.tools;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.SourceInfo;
import dev.kiln.formats.kiln.DatasetIndexWriter;
import dev.kiln.formats.kiln.KilnShardWriter;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.formats.kiln.ShardSummary;
import dev.kiln.formats.webdataset.WebDatasetShardWriter;
import dev.kiln.runners.Kiln;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Small real datasets for the tool tests: samples carry decodable JPEGs, keys with subdirectories,
 * and each dataset has a manifest like {@code kiln prepare} writes (until the kiln format is wired
 * into prepare, tests build kiln datasets directly with the writers).
 */
final class ToolsTestData {
  private ToolsTestData() {}

  /** Result of running a kiln command line in-process. */
  record Run(int code, String out, String err) {}

  static Run kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Kiln.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static byte[] jpeg(int width, int height, int seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color((seed * 37) & 0xFF, (seed * 91) & 0xFF, (seed * 53) & 0xFF));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.drawString("s" + seed, 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Sample {@code i} keyed {@code dir/img_i}; sizes vary so records end at different offsets. */
  static Sample sample(String dir, int i) {
    int w = 24 + (i * 13) % 90;
    int h = 20 + (i * 7) % 70;
    String key = dir + "/img_" + i;
    SourceInfo src =
        new SourceInfo("/in/" + key + ".jpg", 1000L + i, "jpeg", "rgb", 8, null, 1, w, h, 1);
    return new Sample(
        key,
        jpeg(w, h, i),
        "jpeg",
        w,
        h,
        3,
        List.of("label-" + (i % 3)),
        List.of(),
        src,
        String.format("%064x", i));
  }

  static List<Sample> samples(String dir, int from, int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(sample(dir, i));
    }
    return out;
  }

  /** A kiln dataset: {@code shard-NNNNN.kiln} per list, {@code index.kidx}, manifest.json. */
  static void kilnDataset(Path dir, List<List<Sample>> perShard) throws IOException {
    List<ShardSummary> sums = new ArrayList<>();
    List<ShardFile> files = new ArrayList<>();
    long written = 0;
    for (int s = 0; s < perShard.size(); s++) {
      Path file = dir.resolve(ShardLayout.shardFileName("shard", s));
      KilnShardWriter w = KilnShardWriter.open(file, ShardLayout.DEFAULT_ALIGN);
      try {
        for (Sample x : perShard.get(s)) {
          w.write(x);
        }
        sums.add(w.close());
      } finally {
        w.abort();
      }
      files.add(
          new ShardFile(
              file.getFileName().toString(),
              perShard.get(s).size(),
              java.nio.file.Files.size(file),
              DatasetDirectory.sha256(file)));
      written += perShard.get(s).size();
    }
    DatasetIndexWriter.write(dir, sums);
    manifest("kiln", written, files).writeTo(dir);
  }

  /** A webdataset dataset: {@code shard-NNNNN.tar} per list and manifest.json. */
  static void webDataset(Path dir, List<List<Sample>> perShard) throws IOException {
    List<ShardFile> files = new ArrayList<>();
    long written = 0;
    for (int s = 0; s < perShard.size(); s++) {
      WebDatasetShardWriter w =
          WebDatasetShardWriter.open(dir.resolve(String.format("shard-%05d.tar", s)));
      try {
        for (Sample x : perShard.get(s)) {
          w.write(x);
        }
        w.close();
      } finally {
        w.abort();
      }
      files.add(w.summary());
      written += perShard.get(s).size();
    }
    manifest("webdataset", written, files).writeTo(dir);
  }

  private static Manifest manifest(String format, long written, List<ShardFile> shards) {
    return new Manifest(
        "test",
        format,
        written + 2,
        written,
        Map.of("corrupt", 2L),
        shards,
        Map.of("format", format, "size", "256", "quality", "90", "input", "/in"),
        "",
        SampleCodec.SCHEMA_JSON);
  }
}
