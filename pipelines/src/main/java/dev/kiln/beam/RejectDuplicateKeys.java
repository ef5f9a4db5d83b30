package dev.kiln.beam;

import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.Stage;
import dev.kiln.transforms.beam.KilnCounters;
import dev.kiln.transforms.beam.RejectionCoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Passes on the images whose key is given once, and rejects every image of a key given more than
 * once ({@code duplicate-key}, stage {@code match}): a dataset holds one sample per key, and
 * keeping one of several would be an arbitrary, silent choice. {@link ListImages} does the same for
 * listed files.
 *
 * <pre>{@code
 * WithRejects<KV<String, byte[]>> unique = images.apply(RejectDuplicateKeys.create());
 * WithRejects<Sample> samples = unique.then("Normalize", NormalizeImages.fromBytes());
 * }</pre>
 */
public final class RejectDuplicateKeys
    extends PTransform<PCollection<KV<String, byte[]>>, WithRejects<KV<String, byte[]>>> {
  private static final TupleTag<KV<String, byte[]>> UNIQUE = new TupleTag<>() {};
  private static final TupleTag<Rejection> DUPLICATES = new TupleTag<>() {};

  private RejectDuplicateKeys() {}

  public static RejectDuplicateKeys create() {
    return new RejectDuplicateKeys();
  }

  @Override
  public WithRejects<KV<String, byte[]>> expand(PCollection<KV<String, byte[]>> images) {
    PCollectionTuple split =
        images
            .apply("Group by key", GroupByKey.create())
            .apply(
                "Reject duplicate keys",
                ParDo.of(new SplitFn()).withOutputTags(UNIQUE, TupleTagList.of(DUPLICATES)));
    split.get(UNIQUE).setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
    split.get(DUPLICATES).setCoder(RejectionCoder.of());
    return WithRejects.of(split, UNIQUE, DUPLICATES);
  }

  private static final class SplitFn
      extends DoFn<KV<String, Iterable<byte[]>>, KV<String, byte[]>> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<byte[]>> group, MultiOutputReceiver out) {
      List<byte[]> images = new ArrayList<>();
      group.getValue().forEach(images::add);
      String key = group.getKey();
      if (images.size() == 1) {
        out.get(UNIQUE).output(KV.of(key, images.get(0)));
        return;
      }
      for (byte[] image : images) {
        KilnCounters.inputRejected(RejectReason.DUPLICATE_KEY.code());
        out.get(DUPLICATES)
            .output(
                new Rejection(
                    key,
                    key,
                    Stage.MATCH,
                    RejectReason.DUPLICATE_KEY,
                    "key '" + key + "' is given " + images.size() + " times",
                    image.length));
      }
    }
  }
}
