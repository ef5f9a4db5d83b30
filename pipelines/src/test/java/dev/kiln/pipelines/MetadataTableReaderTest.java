package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.LabelFields;
import dev.kiln.transforms.labels.MetadataTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata tables: column types, class ids from class names, key matching, and errors. */
class MetadataTableReaderTest {
  @TempDir Path tmp;

  private String write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text).toString();
  }

  @Test
  void tsvColumnsAreTypedByTheirValuesAndClassNamesNumberedInSortedOrder() throws IOException {
    String file =
        write(
            "t.tsv",
            "file\tclass_name\tcount\tzip\tok\tratio\n"
                + "b/x.jpg\tdog\t3\t00123\tTRUE\t1\n"
                + "a/y.png\tcat\t-4\t99\tfalse\t2.5\n"
                + "c/z.jpg\t\t\t\t\t\n");
    MetadataTable t = MetadataTableReader.read(file, "file", null);
    LabelFields x = t.find("b/x.jpg", "b/x");
    assertEquals(1, x.label(), "cat 0, dog 1");
    assertEquals("dog", x.className());
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("count", 3L);
    extra.put("zip", "00123"); // a leading zero keeps the column text
    extra.put("ok", true);
    extra.put("ratio", 1.0);
    assertEquals(extra, x.extra());
    LabelFields z = t.find("c/z.jpg", "c/z");
    assertNull(z.label());
    assertTrue(
        z.extra().values().stream().allMatch(v -> v == null), "empty cells are null: " + z.extra());
    assertEquals(Map.of("cat", 0, "dog", 1), t.classes());
  }

  @Test
  void jsonLinesKeepTheirTypesAndRowsMatchByPathKeyOrUniqueFileName() throws IOException {
    String file =
        write(
            "t.jsonl",
            "{\"path\": \"a/one\", \"text\": \"first\", \"tags\": [\"x\", 2, 1.5, true], \"n\": null}\n"
                + "\n"
                + "{\"path\": \"two.jpg\", \"text\": \"second\"}\n"
                + "{\"path\": \"b/three.jpg\", \"text\": \"third\"}\n"
                + "{\"path\": \"c/three.jpg\", \"text\": \"third again\"}\n");
    MetadataTable t = MetadataTableReader.read(file, "path", null);
    LabelFields one = t.find("a/one.jpg", "a/one");
    assertEquals("first", one.caption(), "text is the caption when there is no caption column");
    assertEquals(List.of("x", 2L, 1.5, true), one.extra().get("tags"));
    assertTrue(one.extra().containsKey("n"));
    assertEquals(
        "second", t.find("deep/dir/two.jpg", "deep/dir/two").caption(), "a unique file name");
    assertNull(t.find("d/three.jpg", "d/three"), "three.jpg is two rows' name: no match");
    assertEquals(
        1,
        t.rowsWithoutInput(
            List.of(
                new String[] {"a/one.jpg", "a/one"},
                new String[] {"b/three.jpg", "b/three"},
                new String[] {"x/two.jpg", "x/two"})),
        "c/three.jpg describes no input");
  }

  @Test
  void tablesOnOtherFilesystemsAreReadThroughBeam() throws IOException {
    // A URI goes through Beam's FileSystems (gs://, s3://, ... when their modules are present).
    String csv = tmp.resolve(write("u.csv", "path,caption\nx.jpg,über\n")).toUri().toString();
    assertEquals("über", MetadataTableReader.read(csv, "path", null).find("x.jpg", "x").caption());
    Path parquetFile = tmp.resolve("u.parquet");
    org.apache.avro.Schema schema =
        org.apache.avro.SchemaBuilder.record("Row")
            .fields()
            .requiredString("path")
            .requiredLong("n")
            .endRecord();
    try (var channel =
        java.nio.channels.FileChannel.open(
            parquetFile,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE)) {
      var sink = org.apache.beam.sdk.io.parquet.ParquetIO.sink(schema);
      sink.open(channel);
      var r = new org.apache.avro.generic.GenericData.Record(schema);
      r.put("path", "x.jpg");
      r.put("n", 42L);
      sink.write(r);
      sink.flush();
    }
    MetadataTable t = MetadataTableReader.read(parquetFile.toUri().toString(), "path", null);
    assertEquals(Map.of("n", 42L), t.find("x.jpg", "x").extra());

    // A second row for x.jpg: named by its row and column.
    Path duplicate = tmp.resolve("dup.parquet");
    try (var channel =
        java.nio.channels.FileChannel.open(
            duplicate,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE)) {
      var sink = org.apache.beam.sdk.io.parquet.ParquetIO.sink(schema);
      sink.open(channel);
      for (long n = 0; n < 2; n++) {
        var r = new org.apache.avro.generic.GenericData.Record(schema);
        r.put("path", "x.jpg");
        r.put("n", n);
        sink.write(r);
      }
      sink.flush();
    }
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> MetadataTableReader.read(duplicate.toString(), "path", null))
            .getMessage();
    assertEquals(
        duplicate + " row 2, column 1 (path): duplicate row for x.jpg (first at row 1)", message);
  }

  @Test
  void classesFileFixesIdsAndAClassNotInItIsAnError() throws IOException {
    Map<String, Integer> classes = LabelSettings.readClasses(write("c.txt", "zebra\n\nant\n"));
    assertEquals(Map.of("zebra", 0, "ant", 1), classes);
    String file = write("t.csv", "path,class_name\nx.jpg,ant\ny.jpg,bee\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MetadataTableReader.read(file, "path", classes));
    assertTrue(
        e.getMessage()
            .contains(file + " line 3, column 2 (class_name): class bee is not in --classes"),
        e.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelSettings.readClasses(write("d.json", "{\"a\": 0,\n \"b\": 0}")));
    assertTrue(
        twice.getMessage().contains("line 2")
            && twice.getMessage().contains("id 0 is both a and b"),
        twice.getMessage());
  }

  @Test
  void anUnclosedQuoteOrAMissingKeyColumnIsAnErrorNamingTheFile() throws IOException {
    String quote = write("q.csv", "path,caption\nx.jpg,\"never closed\n");
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> MetadataTableReader.read(quote, "path", null))
            .getMessage()
            .startsWith(quote));
    String noKey = write("k.csv", "file,caption\nx.jpg,a\n");
    String message =
        assertThrows(
                IllegalArgumentException.class, () -> MetadataTableReader.read(noKey, "path", null))
            .getMessage();
    assertTrue(message.contains(noKey + " line 2") && message.contains("no column path"), message);
  }
}
