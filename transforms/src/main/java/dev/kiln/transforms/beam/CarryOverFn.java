package dev.kiln.transforms.beam;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Sample;
import java.io.IOException;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * For an incremental run: passes unchanged inputs' samples straight from the previous version
 * ({@link #CARRIED}) and everything else on to decoding (main output).
 *
 * <p>An input is unchanged when the previous version wrote it from the same path with the same
 * size and modification time; when only the size or time differ, its bytes are hashed and an
 * equal content hash still counts as unchanged. A carried sample is the record the previous
 * version stored, which is what decoding the same bytes with the same settings would produce,
 * so an incremental run writes the same shards as a full one.
 */
public final class CarryOverFn
    extends DoFn<KV<String, FileIO.ReadableFile>, KV<String, FileIO.ReadableFile>> {
  public static final TupleTag<KV<String, FileIO.ReadableFile>> TO_PREPARE = new TupleTag<>() {};
  public static final TupleTag<Sample> CARRIED = new TupleTag<>() {};

  private final String previousVersion;

  public CarryOverFn(String previousVersion) {
    this.previousVersion = previousVersion;
  }

  @ProcessElement
  public void process(@Element KV<String, FileIO.ReadableFile> input, MultiOutputReceiver out) {
    PreviousVersion previous = PreviousVersion.at(previousVersion);
    InputRecord before = previous.input(input.getKey());
    MatchResult.Metadata now = input.getValue().getMetadata();
    if (before != null && before.written() && before.path().equals(now.resourceId().toString())) {
      boolean unchanged =
          before.size() == now.sizeBytes() && before.lastModifiedMillis() == now.lastModifiedMillis();
      if (!unchanged) {
        try {
          unchanged = before.contentHash().equals(FileDigest.sha256(input.getValue().readFullyAsBytes()));
        } catch (IOException e) {
          unchanged = false; // decoding will read it again and report why it cannot
        }
      }
      if (unchanged) {
        KilnCounters.counter("carried-over").inc();
        KilnCounters.counter(KilnCounters.INPUTS).inc();
        KilnCounters.counter(KilnCounters.WRITTEN).inc();
        LocalProgress.written();
        out.get(CARRIED).output(previous.sample(input.getKey()));
        return;
      }
    }
    out.get(TO_PREPARE).output(input);
  }
}
