package dev.kiln.beam;

import dev.kiln.formats.Rejection;
import dev.kiln.pipelines.InputFiles;
import dev.kiln.pipelines.KeyedInputs;
import dev.kiln.pipelines.ListInputs;
import dev.kiln.transforms.beam.RejectionCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Lists the image files under a directory (recursively) or matching a glob, on any filesystem Beam
 * reads, and keys each by its path relative to the input root without the extension ({@code
 * photos/cats/tom.jpg} under {@code photos} is {@code cats/tom}). Hidden files and files with other
 * extensions are not inputs (counted as {@code ignored}); broken links, link loops and devices are
 * rejected with their reason, and so is every file of a key held by several files ({@code tom.jpg}
 * and {@code tom.png}: {@code duplicate-key}), so no sample is overwritten.
 *
 * <pre>{@code
 * WithRejects<KV<String, FileIO.ReadableFile>> files =
 *     pipeline.apply("List images", ListImages.in("/data/raw/photos"));
 * WithRejects<Sample> samples = files.then("Normalize", NormalizeImages.fromFiles());
 * }</pre>
 */
public final class ListImages
    extends PTransform<PBegin, WithRejects<KV<String, FileIO.ReadableFile>>> {
  private final String input;
  private final InputFiles inputs;
  private final int buckets;
  private final String listingDir;

  private ListImages(String input, InputFiles inputs, int buckets, String listingDir) {
    this.input = input;
    this.inputs = inputs;
    this.buckets = buckets;
    this.listingDir = listingDir;
  }

  /**
   * The images under {@code directoryOrGlob}, e.g. {@code /data/photos} or {@code photos/**.jpg}.
   *
   * @throws IllegalArgumentException when the directory (or the glob's directory) does not exist
   */
  public static ListImages in(String directoryOrGlob) {
    return new ListImages(
        directoryOrGlob, InputFiles.of(directoryOrGlob, InputFiles.DEFAULT_EXTENSIONS), 16, null);
  }

  /** The inputs {@code kiln prepare}'s {@code --input} and {@code --extensions} describe. */
  public static ListImages of(InputFiles inputs) {
    return new ListImages(null, inputs, 16, null);
  }

  /** File name extensions taken as inputs, comma-separated, or {@code all}. */
  public ListImages withExtensions(String extensionList) {
    if (input == null) {
      throw new IllegalStateException("the extensions of ListImages.of(inputs) are the inputs'");
    }
    return new ListImages(input, InputFiles.of(input, extensionList), buckets, listingDir);
  }

  /**
   * How many groups duplicate keys are looked for in (default 16); each is handled by one worker,
   * so use several per worker ({@link dev.kiln.pipelines.PreparePipeline#inputGroups} says how many
   * for a runner).
   */
  public ListImages withDuplicateBuckets(int n) {
    return new ListImages(input, inputs, n, listingDir);
  }

  /**
   * Also records every unique input (path, size, modification time) in {@code stagingDir}, where
   * finishing a {@link DatasetWrite#staged()} dataset makes its {@code inputs.jsonl} from it (what
   * an incremental run compares its inputs with). Used by {@code kiln prepare}.
   */
  public ListImages recordingListingIn(String stagingDir) {
    return new ListImages(input, inputs, buckets, stagingDir);
  }

  @Override
  public WithRejects<KV<String, FileIO.ReadableFile>> expand(PBegin begin) {
    PCollectionTuple listed = begin.apply("List inputs", new ListInputs(inputs));
    PCollectionTuple keyed =
        listed
            .get(ListInputs.FILES)
            .apply("Key inputs", new KeyedInputs(inputs, buckets, listingDir));
    PCollection<KV<String, FileIO.ReadableFile>> files =
        keyed
            .get(KeyedInputs.UNIQUE)
            .apply("Drop keys", Values.create())
            .apply("Open files", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
            .apply(
                "Re-key files",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(),
                            new TypeDescriptor<FileIO.ReadableFile>() {}))
                    .via(f -> KV.of(inputs.keyOf(f.getMetadata().resourceId().toString()), f)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ReadableFileCoder.of()));
    PCollection<Rejection> rejects =
        PCollectionList.of(listed.get(ListInputs.REJECTS))
            .and(keyed.get(KeyedInputs.DUPLICATES))
            .apply("Listing rejects", Flatten.pCollections())
            .setCoder(RejectionCoder.of());
    return WithRejects.of(files, rejects);
  }
}
