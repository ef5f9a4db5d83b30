package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln_reader.KilnIterableDataset} under real PyTorch ({@code $KILN_PYTHON}, default
 * Debian's {@code /usr/bin/python3} with {@code python3-torch}; the test fails without them): ranks
 * under {@code torch.distributed} (gloo, loopback) with DataLoader workers read every sample of an
 * epoch exactly once, each rank in the order {@link EpochOrder} gives it; a job stopped mid-epoch
 * and resumed from its state dict with another world size and worker count reads exactly the rest.
 */
class KilnTrainingReadTest {
  /** A prime, so no world size here divides it and the ranks' shares are uneven. */
  private static final int SAMPLES = 61;

  private static final long SEED = 1234;

  @TempDir static Path dir;
  private static List<Sample> samples;

  @BeforeAll
  static void writeDataset() throws Exception {
    samples = TestData.samples("t", SAMPLES);
    TestData.writeDataset(dir, 4096, List.of(samples.subList(0, 20), samples.subList(20, SAMPLES)));
  }

  @Test
  void twoRanksWithTwoWorkersEachReadTheEpochOnceInItsOrder() throws Exception {
    JsonNode ranks =
        run("epoch", "--world=2", "--workers=2", "--batch=4", "--epoch=3").get("ranks");
    assertEquals(2, ranks.size());
    EpochOrder order = EpochOrder.shuffled(SAMPLES, SEED, 3);
    Set<String> all = new HashSet<>();
    for (int r = 0; r < 2; r++) {
      List<String> keys = keys(ranks.get(r).get("keys"));
      List<String> expected = new ArrayList<>();
      for (long i = 0; i < EpochOrder.rankShare(SAMPLES, 0, r, 2, false); i++) {
        expected.add(key(order.at(EpochOrder.rankPosition(0, r, 2, i))));
      }
      assertEquals(expected, keys, "rank " + r + " yields its share in the epoch's order");
      for (String k : keys) {
        assertTrue(all.add(k), k + " read twice");
      }
    }
    // Rank 0 has the larger share (31 of 61): its state says the epoch is done.
    assertEquals(SAMPLES, ranks.get(0).get("state").get("position").asInt(), "epoch done");
    assertEquals(SAMPLES, all.size(), "every sample read");
  }

  @Test
  void aJobResumedWithThreeRanksReadsExactlyTheRestOfTheEpoch() throws Exception {
    Path state = dir.resolve("state.json");
    JsonNode first =
        run(
                "epoch",
                "--world=2",
                "--workers=2",
                "--batch=4",
                "--epoch=1",
                "--stop-after=12",
                "--save-state=" + state)
            .get("ranks");
    Set<String> read = new HashSet<>();
    for (JsonNode rank : first) {
      List<String> keys = keys(rank.get("keys"));
      assertEquals(12, keys.size());
      read.addAll(keys);
      JsonNode s = rank.get("state");
      assertEquals(24, s.get("position").asInt(), "2 ranks x 12 samples: 24 positions consumed");
      assertEquals(1, s.get("epoch").asInt());
    }
    EpochOrder order = EpochOrder.shuffled(SAMPLES, SEED, 1);
    Set<String> firstPositions = new HashSet<>();
    for (int p = 0; p < 24; p++) {
      firstPositions.add(key(order.at(p)));
    }
    assertEquals(firstPositions, read, "the first run read the epoch's first 24 positions");

    JsonNode rest =
        run("epoch", "--world=3", "--workers=2", "--batch=2", "--epoch=1", "--resume=" + state)
            .get("ranks");
    assertEquals(3, rest.size());
    Set<String> restKeys = new HashSet<>();
    for (JsonNode rank : rest) {
      for (String k : keys(rank.get("keys"))) {
        assertFalse(read.contains(k), k + " read before the restart and again after it");
        assertTrue(restKeys.add(k), k + " read twice after the restart");
      }
    }
    assertEquals(SAMPLES, rest.get(0).get("state").get("position").asInt());
    assertEquals(SAMPLES - 24, restKeys.size(), "the rest of the epoch, exactly");
  }

  @Test
  void withoutWorkersTheStateCountsItselfAndUnevenSharesAreDroppedOrPadded() throws Exception {
    JsonNode out = run("simulate", "--epoch=2");
    EpochOrder order = EpochOrder.shuffled(SAMPLES, SEED, 2);
    JsonNode first = out.get("first");
    Set<String> read = new HashSet<>();
    for (int r = 0; r < 3; r++) {
      read.addAll(keys(first.get("keys").get(r)));
      assertEquals(15, first.get("states").get(r).get("position").asInt(), "3 ranks x 5");
      assertEquals(2, first.get("states").get(r).get("epoch").asInt());
    }
    assertEquals(positions(order, 0, 15), read);
    Set<String> rest = new HashSet<>();
    for (JsonNode rank : out.get("rest").get("keys")) {
      for (String k : keys(rank)) {
        assertTrue(rest.add(k) && !read.contains(k), k + " read twice");
      }
    }
    assertEquals(positions(order, 15, SAMPLES), rest, "two ranks read the other 46");
    assertEquals(SAMPLES, out.get("rest").get("states").get(0).get("position").asInt());

    List<String> dropped = new ArrayList<>();
    out.get("drop_last")
        .get("keys")
        .forEach(
            rank -> {
              assertEquals(15, rank.size(), "61 // 4");
              dropped.addAll(keys(rank));
            });
    assertEquals(positions(order, 0, 60), new HashSet<>(dropped));
    assertEquals(60, dropped.size());
    List<String> padded = new ArrayList<>();
    out.get("pad")
        .get("keys")
        .forEach(
            rank -> {
              assertEquals(16, rank.size(), "ceil(61 / 4)");
              padded.addAll(keys(rank));
            });
    assertEquals(positions(order, 0, SAMPLES), new HashSet<>(padded), "every sample, and");
    assertEquals(64, padded.size(), "3 read twice");
    assertEquals(samples.stream().map(Sample::key).toList(), keys(out.get("unshuffled")));
  }

  private static Set<String> positions(EpochOrder order, int from, int to) {
    Set<String> out = new HashSet<>();
    for (int p = from; p < to; p++) {
      out.add(key(order.at(p)));
    }
    return out;
  }

  @Test
  void decodedSamplesHaveTheirImageAsAnArrayAndBoxesAsTensors() throws Exception {
    JsonNode out = run("decode", "--batch=4").get("samples");
    assertEquals(SAMPLES, out.size());
    for (int i = 0; i < SAMPLES; i++) {
      Sample want = samples.get(i);
      JsonNode got = out.get(i);
      assertEquals(want.key(), got.get("key").asText());
      assertEquals(List.of(want.height(), want.width(), 3), ints(got.get("shape")));
      assertEquals("torch.uint8", got.get("dtype").asText());
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(want.image()));
      int rgb = image.getRGB(0, 0);
      List<Integer> pixel = ints(got.get("pixel"));
      // Two JPEG decoders may differ by a rounding step.
      assertEquals((rgb >> 16) & 0xFF, pixel.get(0), 3.0, want.key());
      assertEquals((rgb >> 8) & 0xFF, pixel.get(1), 3.0, want.key());
      assertEquals(rgb & 0xFF, pixel.get(2), 3.0, want.key());
      assertEquals(want.boxes().size(), got.get("boxes").size(), want.key());
      for (int b = 0; b < want.boxes().size(); b++) {
        JsonNode box = got.get("boxes").get(b);
        assertEquals(want.boxes().get(b).x0(), box.get(0).floatValue());
        assertEquals(want.boxes().get(b).y1(), box.get(3).floatValue());
        assertEquals(want.boxes().get(b).categoryId(), got.get("category_ids").get(b).asInt());
      }
    }
  }

  private static String key(long sample) {
    return samples.get((int) sample).key();
  }

  private static List<String> keys(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(k -> out.add(k.asText()));
    return out;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(k -> out.add(k.asInt()));
    return out;
  }

  private static JsonNode run(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                PythonScripts.python(),
                PythonScripts.script("kiln_training_check.py"),
                args[0],
                dir.toString(),
                "--seed=" + SEED));
    command.addAll(List.of(args).subList(1, args.length));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out);
  }
}
