package dev.kiln.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SampleCodec;
import dev.kiln.formats.kiln.DatasetVerifier;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.transforms.labels.Labeller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every output format holds the same samples, and every dataset gets a queryable catalog. */
class OutputFormatsTest {
  @TempDir Path tmp;

  /** What samples are labelled with; none unless a test sets it. */
  private Labeller labeller = Labeller.none();

  Manifest prepare(ShardFormat format, Path out) throws IOException {
    Files.createDirectories(out);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PreparePipeline.build(
        p,
        PrepareJob.of(
                InputFiles.of(
                    PreparePipelineTest.SAMPLES.toString(), InputFiles.DEFAULT_EXTENSIONS))
            .withLabeller(labeller)
            .withFormat(format)
            .withShards(new ShardOptions(60_000, 4096, 1 << 20)),
        out.toString(),
        2);
    p.run().waitUntilFinish();
    return StagedDataset.finish(out, format, Map.of(), "test");
  }

  static Map<String, Sample> kilnSamples(Path dir) throws IOException {
    Map<String, Sample> samples = new HashMap<>();
    try (KilnDataset ds = KilnDataset.open(dir)) {
      for (Sample s : ds) {
        samples.put(s.key(), s);
      }
    }
    return samples;
  }

  static Map<String, GenericRecord> catalog(Path dir) throws IOException {
    Map<String, GenericRecord> rows = new HashMap<>();
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(dir.resolve(CatalogWriter.FILE_NAME).toUri());
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(file, new Configuration()))
            .build()) {
      GenericRecord r;
      while ((r = reader.read()) != null) {
        rows.put(r.get("key").toString(), r);
      }
    }
    return rows;
  }

  @Test
  void kilnShardsAreVerifiedIndexedAndCatalogued() throws IOException {
    Path out = tmp.resolve("kiln");
    Manifest manifest = prepare(ShardFormat.KILN, out);
    assertEquals(7, manifest.written());
    assertTrue(manifest.shards().size() > 1, "small shard size gives several shards");
    assertTrue(Files.exists(out.resolve("index.kidx")));
    assertEquals(java.util.List.of(), DatasetVerifier.verify(out));

    Map<String, Sample> samples = kilnSamples(out);
    assertEquals(PreparePipelineTest.SAMPLE_KEYS, samples.keySet());
    Sample rotated = samples.get("animals/chelsea-exif-rotated");
    assertEquals(6, rotated.source().orientation());
    assertEquals(256, rotated.width());
    assertEquals("jpeg", rotated.source().format());

    Map<String, GenericRecord> rows = catalog(out);
    assertEquals(samples.keySet(), rows.keySet());
    try (KilnDataset ds = KilnDataset.open(out)) {
      for (int i = 0; i < ds.size(); i++) {
        GenericRecord row = rows.get(ds.key(i));
        assertEquals(ds.index().offset(i), (long) row.get("offset"), ds.key(i));
        assertEquals((long) ds.index().length(i), (long) row.get("length"), ds.key(i));
        assertEquals(0, (long) row.get("offset") % 4096, "records are aligned");
        assertEquals(samples.get(ds.key(i)).contentHash(), row.get("content_hash").toString());
      }
    }
  }

  @Test
  void avroAndParquetShardsHoldTheSameSamplesAsKiln() throws IOException {
    // Class, caption and extra fields of every type, lists included, in every format.
    Path table =
        Files.writeString(
            tmp.resolve("meta.jsonl"),
            "{\"path\": \"food/coffee.jpg\", \"caption\": \"a cup, \\\"black\\\" 猫\", \"score\": 0.5,"
                + " \"tags\": [\"hot\", 2, 1.5, true], \"n\": 7, \"ok\": false, \"none\": null}\n"
                + "{\"path\": \"animals/chelsea.jpg\", \"tags\": []}\n");
    labeller =
        Labeller.of(
            Map.of("animals", 0, "food", 1, "misc", 2, "people", 3, "vehicles", 4),
            MetadataTableReader.read(table.toString(), "path", null),
            false);
    prepare(ShardFormat.KILN, tmp.resolve("k"));
    Map<String, Sample> kiln = kilnSamples(tmp.resolve("k"));
    assertEquals(1, kiln.get("food/coffee").label());
    assertEquals(
        java.util.List.of("hot", 2L, 1.5, true),
        kiln.get("food/coffee").labelFields().extra().get("tags"));
    assertEquals("a cup, \"black\" 猫", kiln.get("food/coffee").caption());
    Path avroDir = tmp.resolve("avro");
    prepare(ShardFormat.AVRO, avroDir);
    Map<String, Sample> avro = new HashMap<>();
    for (Path shard : shards(avroDir, ".avro")) {
      try (DataFileReader<GenericRecord> r =
          new DataFileReader<>(shard.toFile(), new GenericDatumReader<>(SampleCodec.schema()))) {
        for (GenericRecord rec : r) {
          Sample s = SampleCodec.fromRecord(rec);
          avro.put(s.key(), s);
        }
      }
    }
    assertEquals(kiln, avro);

    Path parquetDir = tmp.resolve("parquet");
    prepare(ShardFormat.PARQUET, parquetDir);
    Map<String, Sample> parquet = new HashMap<>();
    for (Path shard : shards(parquetDir, ".parquet")) {
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(
                  HadoopInputFile.fromPath(
                      new org.apache.hadoop.fs.Path(shard.toUri()), new Configuration()))
              .build()) {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          Sample s = SampleCodec.fromRecord(rec);
          parquet.put(s.key(), s);
        }
      }
    }
    assertEquals(kiln, parquet);
    assertEquals(kiln.keySet(), catalog(parquetDir).keySet());
    assertEquals(-1L, (long) catalog(parquetDir).get("food/coffee").get("offset"));
  }

  static Set<Path> shards(Path dir, String extension) throws IOException {
    Set<Path> shards = new TreeSet<>();
    try (var files = Files.list(dir)) {
      files
          .filter(
              p ->
                  p.getFileName().toString().startsWith("shard-")
                      && p.getFileName().toString().endsWith(extension))
          .forEach(shards::add);
    }
    return shards;
  }
}
