package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.LabelSummary;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.webdataset.WebDatasetReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class folders, metadata tables and the label fields they give, end to end through {@code kiln
 * prepare}: class ids are torchvision's, table values reach every format and both readers with
 * their types, and bad tables are usage errors naming the file, line and column.
 */
class LabelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Debian's python3 with python3-torchvision; the tests fail, not skip, without it. */
  static final String PYTHON = System.getenv().getOrDefault("KILN_PYTHON", "/usr/bin/python3");

  @TempDir Path tmp;

  private Path prepare(String name, String... extra) {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("prepare", "--output=" + out, "--size=64"));
    if (List.of(extra).stream().noneMatch(a -> a.startsWith("--input="))) {
      args.add("--input=" + PrepareCommandTest.SAMPLES);
    }
    args.addAll(List.of(extra));
    PrepareCommandTest.Run run = PrepareCommandTest.kiln(args.toArray(String[]::new));
    assertEquals(0, run.code(), name + ": " + run.out() + run.err());
    return out;
  }

  @Test
  void classIdsAreTorchvisionsImageFolderIdsForEverySampleInKilnAndWebDataset() throws Exception {
    Path kiln = prepare("kiln", "--labels=folder");
    Path wds = prepare("wds", "--labels=folder", "--format=webdataset");
    String script =
        "import sys, json, tarfile, glob, os\n"
            + "sys.path.insert(0, sys.argv[1])\n"
            + "import kiln_reader\n"
            + "from torchvision.datasets import ImageFolder\n"
            + "idx = ImageFolder(sys.argv[2]).class_to_idx\n"
            + "bad = []\n"
            + "ds = kiln_reader.KilnDataset(sys.argv[3])\n"
            + "n = 0\n"
            + "for s in ds:\n"
            + "    n += 1\n"
            + "    c = s['key'].split('/')[0]\n"
            + "    if s['label'] != idx[c] or s['class_name'] != c: bad.append(s['key'])\n"
            + "m = 0\n"
            + "for shard in sorted(glob.glob(os.path.join(sys.argv[4], '*.tar'))):\n"
            + "    with tarfile.open(shard) as t:\n"
            + "        for member in t.getmembers():\n"
            + "            if member.name.endswith('.cls'):\n"
            + "                m += 1\n"
            + "                c = member.name.split('/')[0]\n"
            + "                if int(t.extractfile(member).read().decode('ascii')) != idx[c]: bad.append(member.name)\n"
            + "print(json.dumps({'classes': idx, 'kiln': n, 'wds': m, 'bad': bad}))\n";
    JsonNode result =
        JSON.readTree(
            python(
                script,
                Path.of("../formats/python").toAbsolutePath().toString(),
                PrepareCommandTest.SAMPLES.toString(),
                kiln.toString(),
                wds.toString()));
    assertEquals("[]", result.get("bad").toString());
    Manifest manifest = Manifest.readFrom(kiln);
    assertEquals(manifest.written(), result.get("kiln").asLong());
    assertEquals(manifest.written(), result.get("wds").asLong());
    Map<String, Integer> torchvision = new LinkedHashMap<>();
    result
        .get("classes")
        .fields()
        .forEachRemaining(e -> torchvision.put(e.getKey(), e.getValue().asInt()));
    assertEquals(torchvision, manifest.labels().mapping());
    assertEquals(
        manifest.written(),
        manifest.labels().classes().stream().mapToLong(LabelSummary.ClassCount::samples).sum(),
        "per-class counts add up");
    try (KilnDataset ds = KilnDataset.open(kiln)) {
      Sample s = ds.get("animals/chelsea");
      assertEquals(torchvision.get("animals"), s.label());
      assertEquals("animals", s.className());
    }
  }

  @Test
  void classesFileFixesIdsAndImagesOutsideAClassFolderAreRejected() throws Exception {
    Path in = NightlyRunsTest.copyOfSamples(tmp.resolve("in"));
    Files.copy(in.resolve("food/coffee.jpg"), in.resolve("loose.jpg"));
    Path classes =
        Files.writeString(
            tmp.resolve("classes.json"),
            "{\"vehicles\": 0, \"people\": 1, \"misc\": 2, \"food\": 3, \"animals\": 4, \"plants\": 5}");
    Path out =
        prepare(
            "fixed",
            "--input=" + in,
            "--labels=folder",
            "--classes=" + classes,
            "--max-reject-fraction=1");
    Manifest m = Manifest.readFrom(out);
    assertEquals(Map.of("no-label", 1L), m.rejectedByReason());
    assertEquals(
        Map.of("vehicles", 0, "people", 1, "misc", 2, "food", 3, "animals", 4, "plants", 5),
        m.labels().mapping());
    assertEquals(new LabelSummary.ClassCount(5, "plants", 0), m.labels().classes().get(5));
    try (KilnDataset ds = KilnDataset.open(out)) {
      assertEquals(4, ds.get("animals/chelsea").label());
      assertEquals(0, ds.get("vehicles/rocket").label());
    }
  }

  /** A table's values: quotes, commas, non-ASCII, empty cells, integers, floats, booleans. */
  private static final String CSV =
      "path,caption,label,score,flag,note\n"
          + "food/coffee.jpg,\"A cup, \"\"black\"\", no sugar\",3,0.25,true,\n"
          + "animals/chelsea.jpg,Chelsea die Katze – 猫 🐱,1,,false,\"line one\nline two\"\n"
          + "vehicles/rocket.jpg,,2,1e3,,plain\n"
          + "nowhere/ghost.jpg,never used,0,2.5,true,x\n";

  @Test
  void csvTableRoundTripsIntoWebDatasetMembersAndBothReaders() throws Exception {
    Path table = Files.writeString(tmp.resolve("meta.csv"), CSV, StandardCharsets.UTF_8);
    Path wds = prepare("wds", "--metadata=" + table, "--format=webdataset");
    Path kiln = prepare("kiln", "--metadata=" + table);
    assertTableFields(wds, kiln);
    LabelSummary labels = Manifest.readFrom(kiln).labels();
    assertEquals(4, labels.metadataRows());
    assertEquals(1, labels.rowsWithoutInput(), "nowhere/ghost.jpg");
  }

  @Test
  void parquetTableRoundTripsIntoWebDatasetMembersAndBothReaders() throws Exception {
    Schema schema =
        SchemaBuilder.record("Row")
            .fields()
            .requiredString("path")
            .optionalString("caption")
            .optionalInt("label")
            .optionalDouble("score")
            .optionalBoolean("flag")
            .optionalString("note")
            .endRecord();
    Path table = tmp.resolve("meta.parquet");
    Object[][] rows = {
      {"food/coffee.jpg", "A cup, \"black\", no sugar", 3, 0.25, true, null},
      {"animals/chelsea.jpg", "Chelsea die Katze – 猫 🐱", 1, null, false, "line one\nline two"},
      {"vehicles/rocket.jpg", null, 2, 1000.0, null, "plain"},
      {"nowhere/ghost.jpg", "never used", 0, 2.5, true, "x"},
    };
    try (FileChannel channel =
        FileChannel.open(table, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ParquetIO.Sink sink = ParquetIO.sink(schema);
      sink.open(channel);
      for (Object[] row : rows) {
        GenericRecord r = new GenericData.Record(schema);
        for (int i = 0; i < row.length; i++) {
          r.put(i, row[i]);
        }
        sink.write(r);
      }
      sink.flush();
    }
    assertTableFields(
        prepare("wds", "--metadata=" + table, "--format=webdataset"),
        prepare("kiln", "--metadata=" + table));
  }

  /** What {@link #CSV} (or the same Parquet table) gives each sample, in every output. */
  private static void assertTableFields(Path wds, Path kiln) throws Exception {
    Map<String, byte[]> members = WebDatasetReader.members(wds);
    assertEquals("A cup, \"black\", no sugar", utf8(members.get("food/coffee.txt")));
    assertEquals("Chelsea die Katze – 猫 🐱", utf8(members.get("animals/chelsea.txt")));
    assertNull(members.get("vehicles/rocket.txt"), "an empty caption is none");
    assertEquals("3", utf8(members.get("food/coffee.cls")));
    assertEquals("2", utf8(members.get("vehicles/rocket.cls")));
    assertNull(members.get("people/astronaut.cls"), "no row, no class");
    JsonNode coffee = JSON.readTree(members.get("food/coffee.json"));
    assertEquals(3, coffee.get("label").asInt());
    assertEquals("{\"score\":0.25,\"flag\":true,\"note\":null}", coffee.get("extra").toString());
    JsonNode chelsea = JSON.readTree(members.get("animals/chelsea.json"));
    assertEquals(
        "{\"score\":null,\"flag\":false,\"note\":\"line one\\nline two\"}",
        chelsea.get("extra").toString());
    assertEquals("Chelsea die Katze – 猫 🐱", chelsea.get("caption").asText());
    JsonNode rocket = JSON.readTree(members.get("vehicles/rocket.json"));
    assertEquals(
        "{\"score\":1000.0,\"flag\":null,\"note\":\"plain\"}", rocket.get("extra").toString());
    assertTrue(rocket.get("caption") == null);

    try (KilnDataset ds = KilnDataset.open(kiln)) {
      Sample s = ds.get("food/coffee");
      assertEquals(3, s.label());
      assertEquals("A cup, \"black\", no sugar", s.caption());
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("score", 0.25);
      extra.put("flag", true);
      extra.put("note", null);
      assertEquals(extra, s.labelFields().extra());
      Sample astronaut = ds.get("people/astronaut");
      assertNull(astronaut.label());
      assertTrue(astronaut.labelFields().isEmpty());
    }
    String script =
        "import sys, json\n"
            + "sys.path.insert(0, sys.argv[1])\n"
            + "import kiln_reader\n"
            + "ds = kiln_reader.KilnDataset(sys.argv[2])\n"
            + "out = {}\n"
            + "for k in ['food/coffee', 'animals/chelsea', 'vehicles/rocket', 'people/astronaut']:\n"
            + "    s = ds.get(k)\n"
            + "    out[k] = [s['label'], s['class_name'], s['caption'], s['extra']]\n"
            + "print(json.dumps(out, ensure_ascii=False))\n";
    JsonNode py =
        JSON.readTree(
            python(
                script, Path.of("../formats/python").toAbsolutePath().toString(), kiln.toString()));
    assertEquals(
        "[3,null,\"A cup, \\\"black\\\", no sugar\",{\"score\":0.25,\"flag\":true,\"note\":null}]",
        py.get("food/coffee").toString());
    assertEquals(
        "[1,null,\"Chelsea die Katze – 猫 🐱\",{\"score\":null,\"flag\":false,\"note\":\"line one\\nline two\"}]",
        py.get("animals/chelsea").toString());
    assertEquals(
        "[2,null,null,{\"score\":1000.0,\"flag\":null,\"note\":\"plain\"}]",
        py.get("vehicles/rocket").toString());
    assertEquals("[null,null,null,{}]", py.get("people/astronaut").toString());
  }

  @Test
  void badTablesExit2NamingFileLineAndColumn() throws Exception {
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("dup.csv", "path,caption\nfood/coffee.jpg,a\nfood/coffee.jpg,b\n");
    tables.put("label.csv", "path,label\nfood/coffee.jpg,1\nanimals/chelsea.jpg,cat\n");
    tables.put("fields.tsv", "path\tcaption\nfood/coffee.jpg\ta\textra\n");
    tables.put(
        "broken.jsonl",
        "{\"path\": \"food/coffee.jpg\"}\n{\"path\": \"animals/chelsea.jpg\", \"caption\": }\n");
    tables.put("nested.jsonl", "{\"path\": \"food/coffee.jpg\", \"box\": {\"x\": 1}}\n");
    Map<String, String> expected =
        Map.of(
            "dup.csv",
                "line 3, column 1 (path): duplicate row for food/coffee.jpg (first at line 2)",
            "label.csv", "line 3, column 2 (label): cat is not a class id",
            "fields.tsv", "line 2, column 3: 3 fields, the header has 2",
            "broken.jsonl", "line 2, column 44",
            "nested.jsonl", "line 1, column 36 (box): an object");
    for (Map.Entry<String, String> t : tables.entrySet()) {
      Path file = Files.writeString(tmp.resolve(t.getKey()), t.getValue());
      PrepareCommandTest.Run run =
          PrepareCommandTest.kiln(
              "prepare",
              "--input=" + PrepareCommandTest.SAMPLES,
              "--output=" + tmp.resolve("o"),
              "--metadata=" + file);
      assertEquals(2, run.code(), t.getKey() + ": " + run.err());
      assertTrue(
          run.err().contains(file + " " + expected.get(t.getKey())), t.getKey() + ": " + run.err());
      assertTrue(Files.notExists(tmp.resolve("o")), "nothing written");
    }
  }

  @Test
  void theConfExamplesAreValidSettings() throws Exception {
    var imagenet = PrepareArguments.parse(List.of("--config=../conf/imagenet.yaml")).options();
    assertEquals("folder", imagenet.getLabels());
    assertEquals("folder", imagenet.getSplit());
    var captions = PrepareArguments.parse(List.of("--config=../conf/captions.yaml")).options();
    assertEquals("/data/laion-subset/metadata.parquet", captions.getMetadata());
    assertTrue(captions.getMetadataRequired());
    assertEquals("hash:train=0.99,val=0.01", captions.getSplit());
  }

  static String utf8(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Runs a script with Debian's python3 and returns what it printed; fails unless it exits 0. */
  static String python(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), printed);
    return printed.substring(printed.lastIndexOf('\n') + 1);
  }
}
