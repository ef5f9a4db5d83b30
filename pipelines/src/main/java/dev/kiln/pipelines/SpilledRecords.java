package dev.kiln.pipelines;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * Where the records of one hash bucket that one Beam bundle prepared sit in that bundle's spill
 * file: what {@link WriteShards} hands from the workers that prepare samples to the workers that
 * write shards, instead of the samples themselves. The records stay on disk, in the staging
 * directory, so no image bytes pass through the runner's shuffle and no worker holds a shard.
 *
 * @param file the bundle's spill file
 * @param bucket the hash bucket (top bits of the key hash) every record here falls in
 * @param keyHashes each record's {@link SampleOrder#hash}, in file order
 * @param offsets each record's offset in the file
 * @param lengths each record's length
 * @param measured the records' measures summed ({@link WriteShards#measure(int)}), which the shard
 *     count is computed from
 */
record SpilledRecords(
    String file, int bucket, long[] keyHashes, long[] offsets, int[] lengths, long measured)
    implements Serializable {
  /** The lowest key hash here, unsigned. */
  long minHash() {
    long min = -1L;
    for (long h : keyHashes) {
      if (Long.compareUnsigned(h, min) < 0) {
        min = h;
      }
    }
    return min;
  }

  /** The highest key hash here, unsigned. */
  long maxHash() {
    long max = 0;
    for (long h : keyHashes) {
      if (Long.compareUnsigned(h, max) > 0) {
        max = h;
      }
    }
    return max;
  }

  /**
   * The references' coder: plain fields, so equal references encode equally (the DirectRunner
   * checks elements for mutation by their encoding; Java serialization of a record's arrays would
   * compare them by identity).
   */
  static final class Coder extends AtomicCoder<SpilledRecords> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SpilledRecords r, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeUTF(r.file());
      out.writeInt(r.bucket());
      out.writeLong(r.measured());
      out.writeInt(r.keyHashes().length);
      for (int i = 0; i < r.keyHashes().length; i++) {
        out.writeLong(r.keyHashes()[i]);
        out.writeLong(r.offsets()[i]);
        out.writeInt(r.lengths()[i]);
      }
      out.flush();
    }

    @Override
    public SpilledRecords decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      String file = in.readUTF();
      int bucket = in.readInt();
      long measured = in.readLong();
      int n = in.readInt();
      long[] hashes = new long[n];
      long[] offsets = new long[n];
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        hashes[i] = in.readLong();
        offsets[i] = in.readLong();
        lengths[i] = in.readInt();
      }
      return new SpilledRecords(file, bucket, hashes, offsets, lengths, measured);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
