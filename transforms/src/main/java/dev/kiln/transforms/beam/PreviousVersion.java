package dev.kiln.transforms.beam;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.EncodedSample;
import dev.kiln.formats.FileDigest;
import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.LabelFields;
import dev.kiln.formats.Locations;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.DatasetIndex;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.SampleFields;
import dev.kiln.formats.kiln.ShardLayout;
import dev.kiln.transforms.prepare.LocalProgress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.metrics.Counter;

/**
 * The dataset version an incremental run builds on: its inputs as they were, and its samples, read
 * with one positional read each. Opened once per JVM and shared by every worker thread (the reader
 * is thread-safe), because every DoFn instance would otherwise load the same index. A version in
 * object storage is first copied to a local directory ({@link RemoteVersionCopy}).
 */
public final class PreviousVersion implements Closeable {
  private static final Map<String, PreviousVersion> OPEN = new ConcurrentHashMap<>();

  // Made once: each carried input counts into all three, a few hundred thousand times a night.
  private static final Counter CARRIED = KilnCounters.counter("carried-over");
  private static final Counter INPUTS = KilnCounters.counter(KilnCounters.INPUTS);
  private static final Counter WRITTEN = KilnCounters.counter(KilnCounters.WRITTEN);

  private final Map<String, InputRecord> inputs;
  private final KilnDataset samples;

  /**
   * Every sample's catalog row and image length as the version recorded them, or null when it has
   * none that fits its index (an earlier Kiln's version): its samples' records are read then. Read
   * on a thread of its own from the moment the version is opened: the first carried sample needs
   * them, while comparing the inputs needs only the two files above.
   */
  private final CompletableFuture<SampleFields> fields;

  /** The local copy of a version in object storage this was opened from, or null. */
  private final Path copy;

  private PreviousVersion(Path dir, Path copy) throws IOException {
    this.copy = copy;
    this.inputs = InputsRead.take(dir);
    this.samples = KilnDataset.open(dir);
    DatasetIndex index = samples.index();
    this.fields =
        CompletableFuture.supplyAsync(
            () -> fieldsOf(dir, index),
            task -> DaemonThreads.named("kiln-sample-fields").newThread(task).start());
  }

  /** The version's {@link SampleFields}, when it has them whole and for each of its samples. */
  private static SampleFields fieldsOf(Path dir, DatasetIndex index) {
    try {
      return SampleFields.readFor(dir, index);
    } catch (IOException damaged) {
      // The records say the same, read one by one; the version's shards are checked as copied.
      return null;
    }
  }

  /**
   * Whether carrying samples over reads the version's file of this name: its inputs, index, sample
   * fields and shards, not its catalog, report or manifest.
   */
  public static boolean readsFile(String name) {
    return name.equals(InputRecord.FILE_NAME)
        || InputChanges.FILES.isChangesFile(name)
        || name.equals(ShardLayout.INDEX_FILE_NAME)
        || name.equals(SampleFields.FILE_NAME)
        || SampleFields.FILES.isChangesFile(name)
        || name.endsWith(".kiln");
  }

  /**
   * The previous version at {@code location}, a directory or an object-storage prefix such as
   * {@code s3://bucket/root/v000007}, opened on first use in this JVM. Opening a version in object
   * storage closes (and deletes the copies of) the older versions of the same root this JVM opened:
   * one root has one run at a time, and a long-lived worker would otherwise keep every night's
   * copy.
   */
  public static PreviousVersion at(String location) {
    boolean[] opened = {false};
    PreviousVersion version =
        OPEN.computeIfAbsent(
            location,
            d -> {
              opened[0] = true;
              try {
                if (Locations.isRemote(d)) {
                  Path copy = RemoteVersionCopy.copy(d);
                  try {
                    return new PreviousVersion(copy, copy);
                  } catch (IOException | RuntimeException e) {
                    RemoteVersionCopy.delete(copy);
                    throw e;
                  }
                }
                return new PreviousVersion(Path.of(d), null);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot open the previous dataset version " + d, e);
              }
            });
    if (opened[0] && version.copy != null) {
      String root = RemoteVersionCopy.rootOf(location);
      for (String other : List.copyOf(OPEN.keySet())) {
        if (!other.equals(location)
            && Locations.isRemote(other)
            && RemoteVersionCopy.rootOf(other).equals(root)) {
          forget(other);
        }
      }
    }
    return version;
  }

  /**
   * Closes the version at {@code location} if this JVM opened it: a launcher that opened a copy of
   * its own calls this before deleting the copy.
   */
  public static void forget(String location) {
    PreviousVersion open = OPEN.remove(location);
    if (open != null) {
      open.close();
    }
  }

  /** Closes the version's shards and deletes its local copy, if it is one. */
  @Override
  public void close() {
    try {
      samples.close();
    } catch (IOException e) {
      // Read-only files: nothing is lost when closing one fails.
    }
    if (copy != null) {
      RemoteVersionCopy.delete(copy);
    }
  }

  /**
   * The inputs of the dataset version at {@code dir} as it recorded them ({@link
   * InputRecord#readAll}): if this JVM opened the version, the ones it read then, which an
   * incremental run's finishing would otherwise read a second time. Read here, they are kept for
   * the opening of the same version that usually follows (the launcher compares the listing with
   * them first).
   */
  public static Map<String, InputRecord> inputsOf(Path dir) throws IOException {
    PreviousVersion open = OPEN.get(dir.toString());
    return Collections.unmodifiableMap(open != null ? open.inputs : InputsRead.keep(dir));
  }

  /**
   * Starts reading, on a thread of its own, the inputs of the version that {@code root}'s {@code
   * CURRENT} names, when {@code root} is a versioned root: an incremental launcher lists its inputs
   * on one core meanwhile, then compares the listing with these inputs ({@link #inputsOf}) and
   * opens the version. At 198,000 inputs the reading takes ~0.4 s. A failure is left to those later
   * reads, which report it.
   */
  public static void readInputsAhead(Path root) {
    Path current;
    try {
      current = DatasetRoot.of(root).current();
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (current == null) {
      return;
    }
    DaemonThreads.named("kiln-inputs-ahead")
        .newThread(
            () -> {
              try {
                InputsRead.keep(current);
              } catch (IOException | RuntimeException e) {
                // Read again where they are needed, and reported there.
              }
            })
        .start();
  }

  /**
   * The catalog rows of the dataset version at {@code dir} in its catalog's order, as its {@link
   * SampleFields} recorded them, if this JVM opened the version and it has them; null otherwise.
   */
  public static List<CatalogEntry> catalogRowsOf(Path dir) {
    PreviousVersion open = OPEN.get(dir.toString());
    SampleFields recorded = open == null ? null : open.fields.join();
    return recorded == null ? null : recorded.rows();
  }

  /** The previous version's index: its shards and the records it lists. */
  public DatasetIndex index() {
    return samples.index();
  }

  /** The input with this key as the previous version saw it, or null. */
  public InputRecord input(String key) {
    return inputs.get(key);
  }

  /**
   * The previous version's sample of an input, when the input is unchanged: the previous version
   * wrote it from the same path with the same size and modification time, or, when only those
   * differ, with the same content hash. Null when it must be prepared again. Counts a carried input
   * as an input written, as decoding it would have.
   *
   * <p>A carried sample is the record the previous version stored, which is what decoding the same
   * bytes with the same settings would produce, so an incremental run writes the same shards as a
   * full one.
   */
  public Sample carryOver(
      String key, String path, long size, long lastModifiedMillis, InputPreparer.InputBytes read) {
    int record = carriedRecord(key, path, size, lastModifiedMillis, read);
    return record < 0 ? null : samples.get(record);
  }

  /**
   * As {@link #carryOver}, but the position of the carried sample's record in the previous version
   * ({@link #record}, {@link #imageLength}) instead of the sample, or -1 when the input must be
   * prepared again: a runner that stores record bytes as they are needs no decoding.
   */
  public int carriedRecord(
      String key, String path, long size, long lastModifiedMillis, InputPreparer.InputBytes read) {
    InputRecord before = inputs.get(key);
    if (before == null || !before.written() || !before.path().equals(path)) {
      return -1;
    }
    boolean unchanged = listedAsBefore(before, size, lastModifiedMillis);
    if (!unchanged) {
      try {
        unchanged = before.contentHash().equals(FileDigest.sha256(read.read()));
      } catch (IOException e) {
        return -1; // decoding will read it again and report why it cannot
      }
    }
    int record = unchanged ? samples.indexOf(key) : -1;
    if (record < 0) {
      // Not unchanged, or (a version not written by Kiln) listed as written without a sample.
      return -1;
    }
    CARRIED.inc();
    INPUTS.inc();
    WRITTEN.inc();
    LocalProgress.written();
    return record;
  }

  /**
   * Whether the input is listed as the previous version wrote it (same path, size and modification
   * time), so {@link #carriedRecord} will carry it over without reading it: what a runner can tell
   * before any work which inputs are new or changed.
   */
  public boolean listedAsBefore(String key, String path, long size, long lastModifiedMillis) {
    InputRecord before = inputs.get(key);
    return before != null
        && before.written()
        && before.path().equals(path)
        && listedAsBefore(before, size, lastModifiedMillis);
  }

  private static boolean listedAsBefore(InputRecord before, long size, long lastModifiedMillis) {
    return before.size() == size && before.lastModifiedMillis() == lastModifiedMillis;
  }

  /**
   * The previous version's sample at {@code record} with {@code now}'s class, caption and extra
   * fields, when those changed (a metadata table or class list edited since); null when they did
   * not and the record can be carried as it is. The image is not decoded: the record's fields are
   * read and written again around the same image bytes.
   */
  public Sample relabelled(int record, LabelFields now) {
    SampleFields recorded = fields.join();
    LabelFields before =
        recorded != null ? recorded.row(record).labelFields() : samples.get(record).labelFields();
    if (before.equals(now)) {
      return null;
    }
    KilnCounters.counter(RELABELLED).inc();
    return samples.get(record).withLabelFields(now);
  }

  /** {@code carried} with {@code now}'s label fields, counted when they changed. */
  public static Sample relabel(Sample carried, LabelFields now) {
    if (carried.labelFields().equals(now)) {
      return carried;
    }
    KilnCounters.counter(RELABELLED).inc();
    return carried.withLabelFields(now);
  }

  /** The counter of carried samples whose label fields were rewritten. */
  public static final String RELABELLED = "relabelled";

  /** The previous version's sample of this key. */
  public Sample sample(String key) {
    return samples.get(key);
  }

  /** The record bytes of the previous version's sample at {@code record}, checksum-checked. */
  public byte[] record(int record) {
    return samples.readRecord(record);
  }

  /**
   * The image length of the previous version's sample at {@code record}, as the version recorded it
   * ({@link SampleFields}) or else read from the first bytes of its record ({@link
   * KilnDataset#imageLength}).
   */
  public int imageLength(int record) {
    SampleFields recorded = fields.join();
    return recorded != null ? recorded.imageLength(record) : samples.imageLength(record);
  }

  /**
   * The previous version's sample at {@code record}, whose image is {@code imageLength} bytes long,
   * as a record that stays where it is: a Kiln shard writer copies its bytes, and other formats
   * read them when they write it. Its catalog fields are the ones the version recorded ({@link
   * SampleFields}), or else read from after its image ({@link KilnDataset#storedSample}).
   */
  public EncodedSample carried(int record, int imageLength) {
    SampleFields recorded = fields.join();
    if (recorded == null) {
      return samples.storedSample(record, imageLength);
    }
    return EncodedSample.stored(
        recorded.row(record),
        imageLength,
        samples.storedRecord(record),
        () -> samples.readRecord(record));
  }
}
