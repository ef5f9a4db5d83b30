package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.kiln.KilnDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --split}: one complete dataset per split under the output, a root manifest whose counts
 * add up to the inputs, class ids shared by every split, and hash splits that keep each image in
 * its split when images are added.
 */
class SplitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static PrepareCommandTest.Run prepare(Path in, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("prepare", "--input=" + in, "--output=" + out, "--size=64"));
    args.addAll(List.of(extra));
    return PrepareCommandTest.kiln(args.toArray(String[]::new));
  }

  /** Every sample's split, by key, read from the split datasets the root manifest names. */
  private static Map<String, String> splitOfEachKey(Path out) throws Exception {
    Map<String, String> splits = new HashMap<>();
    for (JsonNode s : JSON.readTree(out.resolve("manifest.json").toFile()).get("splits")) {
      try (KilnDataset ds = KilnDataset.open(out.resolve(s.get("path").asText()))) {
        for (int i = 0; i < ds.size(); i++) {
          splits.put(ds.key(i), s.get("name").asText());
        }
      }
    }
    return splits;
  }

  private static void assertCountsAddUp(Path out, long inputs) throws Exception {
    JsonNode root = JSON.readTree(out.resolve("manifest.json").toFile());
    long sum = root.get("counts").get("no_split").asLong();
    long written = 0;
    for (JsonNode s : root.get("splits")) {
      Manifest m = Manifest.readFrom(out.resolve(s.get("path").asText()));
      assertEquals(m.inputs(), s.get("inputs").asLong());
      assertEquals(m.written(), s.get("written").asLong());
      sum += m.inputs();
      written += m.written();
    }
    assertEquals(inputs, sum, "per-split inputs and those in no split add up to the inputs");
    assertEquals(inputs, root.get("counts").get("inputs").asLong());
    assertEquals(written, root.get("counts").get("written").asLong());
  }

  @Test
  void folderSplitsShareClassIdsAndRecordImagesOutsideAnySplit() throws Exception {
    Path in = tmp.resolve("in");
    Path samples = PrepareCommandTest.SAMPLES;
    for (String[] f :
        new String[][] {
          {"train/animals/chelsea.jpg", "animals/chelsea.jpg"},
          {"train/food/coffee.jpg", "food/coffee.jpg"},
          {"train/vehicles/rocket.jpg", "vehicles/rocket.jpg"},
          {"val/vehicles/rocket.jpg", "vehicles/rocket.jpg"},
          {"val/people/astronaut.jpg", "people/astronaut.jpg"},
          {"loose.jpg", "food/coffee.jpg"}
        }) {
      Files.createDirectories(in.resolve(f[0]).getParent());
      Files.copy(samples.resolve(f[1]), in.resolve(f[0]));
    }
    Path out = tmp.resolve("out");
    // The table names inputs by their path below --input, split folder included.
    Path table =
        Files.writeString(
            tmp.resolve("meta.jsonl"),
            "{\"path\": \"train/vehicles/rocket.jpg\", \"caption\": \"launch\"}\n"
                + "{\"path\": \"val/vehicles/rocket.jpg\", \"caption\": \"landing\"}\n"
                + "{\"path\": \"test/vehicles/rocket.jpg\", \"caption\": \"no such split\"}\n");
    PrepareCommandTest.Run run =
        prepare(
            in,
            out,
            "--split=folder",
            "--labels=folder",
            "--metadata=" + table,
            "--max-reject-fraction=1");
    assertEquals(0, run.code(), run.out() + run.err());
    Map<String, Integer> ids = Map.of("animals", 0, "food", 1, "people", 2, "vehicles", 3);
    assertEquals(ids, Manifest.readFrom(out.resolve("train")).labels().mapping());
    assertEquals(ids, Manifest.readFrom(out.resolve("val")).labels().mapping());
    try (KilnDataset val = KilnDataset.open(out.resolve("val"));
        KilnDataset train = KilnDataset.open(out.resolve("train"))) {
      assertEquals(
          3, val.get("vehicles/rocket").label(), "keys and classes below the split folder");
      assertEquals(2, val.get("people/astronaut").label());
      assertEquals("landing", val.get("vehicles/rocket").caption());
      assertEquals("launch", train.get("vehicles/rocket").caption());
    }
    JsonNode metadata = JSON.readTree(out.resolve("manifest.json").toFile()).get("metadata");
    assertEquals("{\"rows\":3,\"rows_without_input\":1}", metadata.toString());
    assertCountsAddUp(out, 6);
    String rejects = Files.readString(out.resolve("rejects/rejects.jsonl"));
    assertTrue(
        rejects.contains("\"key\":\"loose\"") && rejects.contains("\"reason\":\"no-split\""),
        rejects);
  }

  @Test
  void hashSplitsKeepEveryImageInItsSplitWhenImagesAreAdded() throws Exception {
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    Path first = tmp.resolve("first");
    PrepareCommandTest.Run run = prepare(in, first, "--split=hash:train=0.6,val=0.2,test=0.2");
    assertEquals(0, run.code(), run.out() + run.err());
    Map<String, String> before = splitOfEachKey(first);
    assertEquals(7, before.size());
    assertCountsAddUp(first, 7);

    for (int i = 0; i < 12; i++) {
      Files.createDirectories(in.resolve("more"));
      Files.copy(
          PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("more/c" + i + ".jpg"));
    }
    Path second = tmp.resolve("second");
    assertEquals(0, prepare(in, second, "--split=hash:train=0.6,val=0.2,test=0.2").code());
    Map<String, String> after = splitOfEachKey(second);
    assertEquals(19, after.size());
    before.forEach((key, split) -> assertEquals(split, after.get(key), key));
    assertTrue(
        after.containsValue("train") && after.containsValue("val") && after.containsValue("test"),
        after.toString());
    assertCountsAddUp(second, 19);

    // Versioned split roots: a nightly run carries every sample over in each split, and one that
    // finds nothing changed writes nothing.
    Path nightly = tmp.resolve("nightly");
    assertEquals(
        0, prepare(in, nightly, "--split=hash:train=0.6,val=0.2,test=0.2", "--incremental").code());
    PrepareCommandTest.Run same =
        prepare(in, nightly, "--split=hash:train=0.6,val=0.2,test=0.2", "--incremental");
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("nothing changed since v000001"), same.out());
    assertEquals(after, splitOfEachKey(nightly));
    Files.copy(PrepareCommandTest.SAMPLES.resolve("food/coffee.jpg"), in.resolve("more/c12.jpg"));
    PrepareCommandTest.Run again =
        prepare(in, nightly, "--split=hash:train=0.6,val=0.2,test=0.2", "--incremental");
    assertEquals(0, again.code(), again.err());
    assertTrue(
        again.out().contains("carried-over=") && !again.out().contains("decoded"), again.out());
    Map<String, String> nightlySplits = splitOfEachKey(nightly);
    assertEquals(20, nightlySplits.size());
    after.forEach((key, split) -> assertEquals(split, nightlySplits.get(key), key));
  }

  @Test
  void columnSplitsComeFromTheMetadataTable() throws Exception {
    Path table =
        Files.writeString(
            tmp.resolve("meta.csv"),
            "path,split,caption\n"
                + "food/coffee.jpg,train,c\nanimals/chelsea.jpg,val,k\nvehicles/rocket.jpg,train,r\n"
                + "animals/chelsea-exif-rotated.jpg,,none\n");
    Path out = tmp.resolve("out");
    PrepareCommandTest.Run run =
        prepare(
            PrepareCommandTest.SAMPLES,
            out,
            "--split=column:split",
            "--metadata=" + table,
            "--max-reject-fraction=1");
    assertEquals(0, run.code(), run.out() + run.err());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("food/coffee", "train");
    expected.put("vehicles/rocket", "train");
    expected.put("animals/chelsea", "val");
    assertEquals(expected, splitOfEachKey(out));
    assertCountsAddUp(out, 7);
    try (KilnDataset ds = KilnDataset.open(out.resolve("val"))) {
      assertEquals("k", ds.get("animals/chelsea").caption());
    }
  }

  @Test
  void badSplitSpecsAreUsageErrors() {
    for (String[] bad :
        new String[][] {
          {"--split=hash:train=0.9,val=0.2", "add up to"},
          {"--split=hash:train", "not NAME=FRACTION"},
          {"--split=column:split", "needs --metadata"},
          {"--split=random", "must be folder, column:NAME or hash"}
        }) {
      PrepareCommandTest.Run run = prepare(PrepareCommandTest.SAMPLES, tmp.resolve("o"), bad[0]);
      assertEquals(2, run.code(), bad[0]);
      assertTrue(run.err().contains(bad[1]), bad[0] + ": " + run.err());
      assertTrue(Files.notExists(tmp.resolve("o")));
    }
  }
}
