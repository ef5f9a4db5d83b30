package dev.kiln.runners.report;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Manifest;
import dev.kiln.pipelines.ShardRows;
import dev.kiln.pipelines.StagedDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A dataset's run report, {@value #FILE_NAME}: one HTML file that opens from disk without a
 * network, showing what a run made (accounting, rejects with examples, inputs, outputs, labels, a
 * contact sheet, the run itself). Gathered from the dataset's own files: {@code manifest.json},
 * {@code run.json}, the catalog rows, {@code inputs.jsonl}, {@code rejects/rejects.jsonl} and the
 * first samples in dataset order; holds aggregates and a bounded number of thumbnails, so its size
 * does not grow with the dataset's.
 */
public final class DatasetReport {
  public static final String FILE_NAME = "report.html";

  /** Samples read for the input statistics and the contact sheet. */
  static final int SAMPLES_READ = 2000;

  /**
   * What the page shows.
   *
   * @param name what the page calls the dataset (its directory)
   * @param ignored files the run ignored, by reason, when the manifest counts them; else null
   * @param run how the run went, or null for datasets without {@code run.json}
   * @param samplesRead samples read for {@code inputs} and {@code sheet}
   * @param inputsListed inputs in {@code inputs.jsonl}; -1 without one
   * @param inputsWritten of those, inputs that became samples
   */
  record Content(
      String name,
      Manifest manifest,
      Map<String, Long> ignored,
      RunRecord run,
      OutputStats outputs,
      InputStats inputs,
      int samplesRead,
      long inputsListed,
      long inputsWritten,
      ContactSheet sheet,
      Map<String, List<RejectExamples.Example>> rejects) {}

  private DatasetReport() {}

  /**
   * Writes the report of the dataset in {@code dataset} (or, for a versioned root, its {@code
   * CURRENT} version) into that directory; returns the file.
   */
  public static Path write(Path dataset) throws IOException {
    Path dir = DatasetRoot.resolve(dataset);
    return write(dir, dir.resolve(FILE_NAME));
  }

  /** Writes the report of the dataset in {@code dataset} to {@code out}; returns {@code out}. */
  public static Path write(Path dataset, Path out) throws IOException {
    return write(dataset, out, DatasetRoot.resolve(dataset).toString());
  }

  /**
   * Writes the report of the dataset in {@code dataset} to {@code out}, calling the dataset {@code
   * name} (a run's staging directory is reported under the output it is published as).
   */
  public static Path write(Path dataset, Path out, String name) throws IOException {
    return write(dataset, out, name, null, null);
  }

  /**
   * As {@link #write(Path, Path, String)}, from what a run still holds in memory (null reads it
   * from the dataset's files): its catalog rows ({@code rows}, in shard order), and its inputs as
   * {@code inputs.jsonl} has them. A run that wrote no Parquet reads no Parquet: loading parquet-mr
   * and Hadoop to read the catalog back would cost a short run more than its whole report; and at
   * 198,000 inputs parsing {@code inputs.jsonl} again cost a nightly run ~0.3 s.
   */
  public static Path write(
      Path dataset, Path out, String name, List<ShardRows> rows, List<InputRecord> inputs)
      throws IOException {
    String html = ReportPage.render(collect(DatasetRoot.resolve(dataset), name, rows, inputs));
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + out.getFileName() + ".tmp");
    Files.writeString(tmp, html, StandardCharsets.UTF_8);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  /** Gathers what the report shows from the dataset directory {@code dir}. */
  static Content collect(Path dir, String name) throws IOException {
    return collect(dir, name, null, null);
  }

  /**
   * As {@link #collect(Path, String)}, with the catalog rows and inputs given (null: read them).
   */
  static Content collect(
      Path dir, String name, List<ShardRows> rows, List<InputRecord> listedInputs)
      throws IOException {
    if (!Files.isRegularFile(dir.resolve(Manifest.FILE_NAME))) {
      throw new IOException(dir + ": no " + Manifest.FILE_NAME + "; not a Kiln dataset");
    }
    Manifest manifest = Manifest.readFrom(dir);
    Map<String, Long> ignored = DatasetFiles.ignored(dir);
    RunRecord run = RunRecord.readIfPresent(dir);

    ContactSheet sheet =
        new ContactSheet("per-object".equals(manifest.configuration().get("framing")));
    InputStats inputs = new InputStats();
    List<Integer> sampledImageBytes = new java.util.ArrayList<>();
    int read =
        DatasetSamples.forFirst(
            dir,
            manifest,
            SAMPLES_READ,
            sheet::wants,
            s -> {
              inputs.add(s.source());
              if (s.image().length > 0) { // a kiln sample read without its image has none
                sampledImageBytes.add(s.image().length);
              }
              sheet.offer(s);
            });

    OutputStats outputs = new OutputStats();
    CatalogRows.Row each =
        (row, encoded, caption) -> {
          outputs.add(row, encoded, caption);
          if (caption != null && sheet.shows(row.key())) {
            sheet.caption(row.key(), caption);
          }
        };
    if (rows == null) {
      CatalogRows.forEach(dir, manifest.format(), each);
    } else {
      // What the catalog files give, so the page is the same whichever way it was gathered.
      boolean sizesInCatalog = CatalogRows.recordsImageSizes(manifest.format());
      for (ShardRows shard : rows) {
        for (int i = 0; i < shard.entries().size(); i++) {
          each.accept(
              shard.entries().get(i), sizesInCatalog ? shard.imageLengths().get(i) : -1, null);
        }
      }
    }
    if (outputs.encodedBytes.count() == 0) {
      // Avro and Parquet shards have no per-sample address in the catalog: the samples read.
      sampledImageBytes.forEach(outputs.encodedBytes::add);
    }

    long[] listed =
        listedInputs == null
            ? DatasetFiles.inputs(dir, inputs.fileBytes::add)
            : DatasetFiles.inputs(listedInputs, inputs.fileBytes::add);
    if (listed == null) {
      listed = new long[] {-1, 0};
    }

    Map<String, List<RejectExamples.Example>> rejects =
        RejectExamples.read(
            dir.resolve(StagedDataset.REJECTS_DIR).resolve(StagedDataset.REJECTS_FILE));
    return new Content(
        name, manifest, ignored, run, outputs, inputs, read, listed[0], listed[1], sheet, rejects);
  }
}
