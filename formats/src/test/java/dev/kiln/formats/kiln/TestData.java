package dev.kiln.formats.kiln;

import dev.kiln.formats.Box;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Samples with real JPEG bytes and every field populated, plus a helper to write datasets. */
final class TestData {
  private TestData() {}

  static byte[] jpeg(int width, int height, int seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color((seed * 37) & 0xFF, (seed * 91) & 0xFF, (seed * 53) & 0xFF));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.drawString("k" + seed, 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Sample {@code i}: sizes vary so records straddle 4096-byte boundaries differently. */
  static Sample sample(String key, int i) {
    int w = 16 + (i * 7) % 48;
    int h = 12 + (i * 5) % 40;
    List<String> labels = new ArrayList<>();
    for (int l = 0; l < i % 3; l++) {
      labels.add("label-" + l + (i % 2 == 0 ? "" : "-é"));
    }
    List<Box> boxes = new ArrayList<>();
    for (int b = 0; b < i % 4; b++) {
      boxes.add(new Box(b, b + 0.5f, w - b, h - 0.25f, "obj" + b, b + 1));
    }
    SourceInfo src =
        new SourceInfo(
            "/in/" + key + ".jpg",
            1000L + i,
            "jpeg",
            i % 2 == 0 ? "rgb" : "gray",
            8,
            i % 3 == 0 ? null : "sRGB IEC61966-2.1",
            1 + i % 8,
            w,
            h,
            1);
    return new Sample(
        key, jpeg(w, h, i), "jpeg", w, h, 3, labels, boxes, src, String.format("%064x", i));
  }

  static List<Sample> samples(String prefix, int n) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sample(prefix + "/img_" + i, i));
    }
    return out;
  }

  static ShardSummary writeShard(Path file, int align, List<Sample> samples) throws IOException {
    return writeShard(file, align, samples, ShardLayout.VERSION);
  }

  /** As {@link #writeShard(Path, int, List)}, in a given format version (1: as earlier Kilns). */
  static ShardSummary writeShard(Path file, int align, List<Sample> samples, int version)
      throws IOException {
    KilnShardWriter w = KilnShardWriter.open(file, align, version);
    try {
      for (Sample s : samples) {
        w.write(s);
      }
      return w.close();
    } finally {
      w.abort();
    }
  }

  /** Writes {@code perShard.size()} shards named {@code part-NNNNN.kiln} and the index. */
  static List<ShardSummary> writeDataset(Path dir, int align, List<List<Sample>> perShard)
      throws IOException {
    return writeDataset(dir, align, perShard, ShardLayout.VERSION);
  }

  /** As {@link #writeDataset(Path, int, List)}, in a given format version. */
  static List<ShardSummary> writeDataset(
      Path dir, int align, List<List<Sample>> perShard, int version) throws IOException {
    List<ShardSummary> sums = new ArrayList<>();
    for (int s = 0; s < perShard.size(); s++) {
      sums.add(
          writeShard(
              dir.resolve(ShardLayout.shardFileName("part", s)), align, perShard.get(s), version));
    }
    DatasetIndexWriter.write(dir, sums);
    return sums;
  }
}
