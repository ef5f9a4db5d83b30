package dev.kiln.pipelines;

import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.labels.Labeller;
import dev.kiln.transforms.prepare.InputLimits;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a {@code prepare} job makes, whichever runner runs it: the inputs, how each image becomes
 * samples, how they are labelled, and how the samples are laid out in shards. {@link
 * PreparePipeline} builds it as a Beam pipeline and Kiln's local runner runs it on threads; where
 * it is staged and how many workers run it belong to the run, not to the job.
 *
 * <p>Start from {@link #of(InputFiles)}, which gives Kiln's defaults (256x256 JPEG samples in 256
 * MiB Kiln shards, no framing, no labels, a full run), and change what differs with the {@code
 * with...} methods.
 *
 * @param inputs the images and how their keys are formed
 * @param settings how each image is normalized and encoded
 * @param limits per-input guards (file size, decode time)
 * @param framing where boxes come from and what samples an image becomes ({@code --framing})
 * @param labeller each input's class, caption and extra fields; also applied to carried samples
 * @param format the dataset format the shards are written in
 * @param shards shard size and alignment
 * @param previousVersion for an incremental run, the dataset version whose unchanged samples are
 *     carried over instead of decoded again; null for a full run
 */
public record PrepareJob(
    InputFiles inputs,
    PrepareSettings settings,
    InputLimits limits,
    Framing framing,
    Labeller labeller,
    ShardFormat format,
    ShardOptions shards,
    String previousVersion)
    implements Serializable {
  public PrepareJob {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(framing, "framing");
    Objects.requireNonNull(labeller, "labeller");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(shards, "shards");
  }

  /** A full run over {@code inputs} with Kiln's default settings. */
  public static PrepareJob of(InputFiles inputs) {
    return new PrepareJob(
        inputs,
        PrepareSettings.defaults(),
        InputLimits.defaults(),
        Framing.none(),
        Labeller.none(),
        ShardFormat.KILN,
        ShardOptions.of(256L << 20),
        null);
  }

  public PrepareJob withInputs(InputFiles inputs) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withSettings(PrepareSettings settings) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withLimits(InputLimits limits) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withFraming(Framing framing) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withLabeller(Labeller labeller) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withFormat(ShardFormat format) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  public PrepareJob withShards(ShardOptions shards) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }

  /** This job as an incremental run from {@code previousVersion} (null: a full run). */
  public PrepareJob incrementalFrom(String previousVersion) {
    return new PrepareJob(
        inputs, settings, limits, framing, labeller, format, shards, previousVersion);
  }
}
