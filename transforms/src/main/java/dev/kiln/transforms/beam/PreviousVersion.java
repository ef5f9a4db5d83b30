package dev.kiln.transforms.beam;

import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dataset version an incremental run builds on: its inputs as they were, and its samples,
 * read with one positional read each. Opened once per JVM and shared by every worker thread
 * (the reader is thread-safe), because every DoFn instance would otherwise load the same index.
 */
public final class PreviousVersion {
  private static final Map<String, PreviousVersion> OPEN = new ConcurrentHashMap<>();

  private final Map<String, InputRecord> inputs;
  private final KilnDataset samples;

  private PreviousVersion(Path dir) throws IOException {
    this.inputs = InputRecord.readAll(dir);
    this.samples = KilnDataset.open(dir);
  }

  /** The previous version at {@code dir}, opened on first use in this JVM. */
  public static PreviousVersion at(String dir) {
    return OPEN.computeIfAbsent(
        dir,
        d -> {
          try {
            return new PreviousVersion(Path.of(d));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot open the previous dataset version " + d, e);
          }
        });
  }

  /** The input with this key as the previous version saw it, or null. */
  public InputRecord input(String key) {
    return inputs.get(key);
  }

  /** The previous version's sample of this key. */
  public Sample sample(String key) {
    return samples.get(key);
  }
}
