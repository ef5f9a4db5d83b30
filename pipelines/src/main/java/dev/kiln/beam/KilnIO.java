package dev.kiln.beam;

import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.pipelines.ShardFormat;
import dev.kiln.transforms.beam.SampleCoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Beam IO for Kiln datasets (kiln shards: one aligned read per sample against an in-memory index,
 * checksums on every record).
 *
 * <pre>{@code
 * // write: deterministic shards, index, catalog, manifest; staged, then published
 * samples.apply(KilnIO.write().to("/data/datasets/photos-128").withRejects(rejects));
 *
 * // read: every sample of a dataset (or of a versioned root's CURRENT version), split by
 * // shard and record ranges across workers
 * PCollection<Sample> samples = pipeline.apply(KilnIO.read().from("/data/datasets/photos-128"));
 * }</pre>
 */
public final class KilnIO {
  private KilnIO() {}

  /** A sink writing a kiln-format dataset; see {@link DatasetWrite}. */
  public static DatasetWrite write() {
    return DatasetWrite.of(ShardFormat.KILN);
  }

  /** A bounded, splittable source of a kiln dataset's samples; see {@link Read}. */
  public static Read read() {
    return new Read(null, 1024);
  }

  /**
   * Reads every sample of a kiln dataset, in no particular order. The work is split by shard, then
   * into ranges of records (default 1024), and a runner may split a range further while it is read,
   * so a large dataset is read by all workers at once.
   */
  public static final class Read extends PTransform<PBegin, PCollection<Sample>> {
    private final String location;
    private final int recordsPerSplit;

    private Read(String location, int recordsPerSplit) {
      this.location = location;
      this.recordsPerSplit = recordsPerSplit;
    }

    /** The dataset directory, or a versioned root (its {@code CURRENT} version is read). */
    public Read from(String directory) {
      return new Read(directory, recordsPerSplit);
    }

    /** How many records each initial split holds at most (default 1024). */
    public Read withRecordsPerSplit(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("records per split must be positive: " + records);
      }
      return new Read(location, records);
    }

    @Override
    public PCollection<Sample> expand(PBegin begin) {
      if (location == null) {
        throw new IllegalArgumentException("KilnIO.read() needs .from(directory)");
      }
      return begin
          .apply(
              "Dataset",
              Create.of(Path.of(location).toAbsolutePath().toString())
                  .withCoder(StringUtf8Coder.of()))
          .apply("Read records", ParDo.of(new ReadRecordsFn(recordsPerSplit)))
          .setCoder(SampleCoder.of());
    }
  }

  /** Reads a dataset's records by position; a restriction is a range of positions. */
  static final class ReadRecordsFn extends DoFn<String, Sample> {
    private final int recordsPerSplit;
    private transient String openPath;
    private transient KilnDataset open;

    ReadRecordsFn(int recordsPerSplit) {
      this.recordsPerSplit = recordsPerSplit;
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction(@Element String dir) {
      return new OffsetRange(0, dataset(dir).size());
    }

    /** Shard boundaries first (a split never spans two shards), then ranges of records. */
    @SplitRestriction
    public void split(
        @Element String dir, @Restriction OffsetRange range, OutputReceiver<OffsetRange> out) {
      DatasetIndex index = dataset(dir).index();
      for (int s = 0; s < index.shardCount(); s++) {
        long first = Math.max(range.getFrom(), index.shardFirstRecord(s));
        long end =
            Math.min(range.getTo(), (long) index.shardFirstRecord(s) + index.shardRecordCount(s));
        for (long from = first; from < end; from += recordsPerSplit) {
          out.output(new OffsetRange(from, Math.min(end, from + recordsPerSplit)));
        }
      }
    }

    @NewTracker
    public OffsetRangeTracker newTracker(@Restriction OffsetRange range) {
      return new OffsetRangeTracker(range);
    }

    @ProcessElement
    public void process(
        @Element String dir,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<Sample> out) {
      KilnDataset dataset = dataset(dir);
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        out.output(dataset.get((int) i));
      }
    }

    /** The dataset at {@code dir}, kept open for the next elements of this worker. */
    private KilnDataset dataset(String dir) {
      if (!dir.equals(openPath)) {
        closeDataset();
        try {
          open = KilnDataset.open(Path.of(dir));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open kiln dataset " + dir, e);
        }
        openPath = dir;
      }
      return open;
    }

    @Teardown
    public void closeDataset() {
      if (open != null) {
        try {
          open.close();
        } catch (IOException e) {
          // closing a read-only dataset loses nothing; the next open reports real problems
        }
        open = null;
        openPath = null;
      }
    }
  }
}
