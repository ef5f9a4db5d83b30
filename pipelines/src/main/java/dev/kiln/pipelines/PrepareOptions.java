package dev.kiln.pipelines;

import dev.kiln.transforms.prepare.InputLimits;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * Every setting of {@code kiln prepare}, declared once: a getter with its help
 * ({@code @Description}), default ({@code @Default}) and {@link Setting} (whether it shapes
 * samples). {@link DeclaredSetting} reads these declarations for the command line parser, {@code
 * kiln prepare --help}, the README's settings table (a test keeps it equal), the manifest's
 * configuration and the incremental rebuild rule. On the command line and in {@code --config} YAML
 * files each is written in kebab case ({@code getMaxRejectFraction} is {@code
 * --max-reject-fraction}). Values are checked where they are turned into their types ({@link
 * ImageSettings}, {@link ShardFormat}, ...).
 */
public interface PrepareOptions extends PipelineOptions {

  @Description("Input directory (read recursively) or glob of image files.")
  @Validation.Required
  @Setting(shapesSamples = false)
  String getInput();

  void setInput(String value);

  @Description("Output dataset directory. Published only when the run is complete.")
  @Validation.Required
  @Setting(shapesSamples = false)
  String getOutput();

  void setOutput(String value);

  @Description("Output size: S (a square S x S) or WxH.")
  @Default.String("256")
  @Setting(shapesSamples = true)
  String getSize();

  void setSize(String value);

  @Description(
      "How images are fitted to the size: center-crop (shorter side to size, then"
          + " center crop), shorter-side, longer-side, letterbox, stretch, none.")
  @Default.String("center-crop")
  @Setting(shapesSamples = true)
  String getResize();

  void setResize(String value);

  @Description("JPEG quality, 1-100.")
  @Default.Integer(90)
  @Setting(shapesSamples = true)
  int getQuality();

  void setQuality(int value);

  @Description(
      "Image encoding of the samples: jpeg, png (lossless) or raw (uint8 HWC: RGB, or"
          + " RGBA with --keep-alpha; the sample's channels says which).")
  @Default.String("jpeg")
  @Setting(shapesSamples = true)
  String getEncode();

  void setEncode(String value);

  @Description(
      "Output format: kiln (aligned records for NVMe random reads, formats/FORMAT.md),"
          + " webdataset (tar shards of <key>.jpg + <key>.json), avro (object container files) or"
          + " parquet.")
  @Default.String("kiln")
  @Setting(shapesSamples = true)
  String getFormat();

  void setFormat(String value);

  @Description("Record alignment of kiln shards in bytes: a power of two, or 0 to pack records.")
  @Default.Integer(ShardOptions.DEFAULT_ALIGN)
  @Setting(shapesSamples = false)
  int getAlign();

  void setAlign(int value);

  @Description("Target shard size in bytes; samples are spread over ceil(total / size) shards.")
  @Default.Long(256L << 20)
  @Setting(shapesSamples = false)
  long getShardSize();

  void setShardSize(long value);

  @Description("Reject images whose header declares more pixels than this (decompression bombs).")
  @Default.Long(100_000_000L)
  @Setting(shapesSamples = true)
  long getMaxPixels();

  void setMaxPixels(long value);

  @Description("Reject input files larger than this many bytes before reading them.")
  @Default.Long(InputLimits.DEFAULT_MAX_FILE_BYTES)
  @Setting(shapesSamples = false)
  long getMaxFileBytes();

  void setMaxFileBytes(long value);

  @Description(
      "Reject an image still not decoded and encoded after this many seconds; the"
          + " worker goes on with the next.")
  @Default.Double(30)
  @Setting(shapesSamples = false)
  double getDecodeTimeout();

  void setDecodeTimeout(double value);

  @Description("Colour that transparent pixels are composited over, #RRGGBB (unless --keep-alpha).")
  @Default.String("#ffffff")
  @Setting(shapesSamples = true)
  String getBackground();

  void setBackground(String value);

  @Description(
      "Colour of letterbox padding and of an object crop reaching past the image, #RRGGBB"
          + " (samples that keep alpha pad with transparent pixels instead).")
  @Default.String("#000000")
  @Setting(shapesSamples = true)
  String getPadColor();

  void setPadColor(String value);

  @Description("Never enlarge an image smaller than the target size.")
  @Default.Boolean(false)
  @Setting(shapesSamples = true)
  boolean getNoUpscale();

  void setNoUpscale(boolean value);

  @Description(
      "Keep the alpha channel of images that have one: their samples are RGBA (straight"
          + " alpha), resized with premultiplied alpha, and padding is transparent. Images without"
          + " alpha stay RGB. Needs --encode=png or --encode=raw.")
  @Default.Boolean(false)
  @Setting(shapesSamples = true)
  boolean getKeepAlpha();

  void setKeepAlpha(boolean value);

  @Description(
      "Resize in linear light (sRGB decoded to 16-bit linear, resampled, encoded back)"
          + " instead of on sRGB-encoded values: fine detail keeps its brightness. Slower.")
  @Default.Boolean(false)
  @Setting(shapesSamples = true)
  boolean getLinearLight();

  void setLinearLight(boolean value);

  @Description(
      "File name extensions taken as inputs (comma-separated, case-insensitive), or"
          + " 'all'. The format itself is always detected from the bytes.")
  @Default.String(InputFiles.DEFAULT_EXTENSIONS)
  @Setting(shapesSamples = false, shownDefault = "common image extensions")
  String getExtensions();

  void setExtensions(String value);

  @Description(
      "Keys keep the file extension (cats/tom.jpg instead of cats/tom), so inputs that"
          + " differ only in extension (a.jpg, a.png) are both written instead of both rejected as"
          + " duplicate-key.")
  @Default.Boolean(false)
  @Setting(shapesSamples = true)
  boolean getKeyExtension();

  void setKeyExtension(boolean value);

  @Description(
      "Also write ignored.jsonl in the output: every file under --input that is not an"
          + " input, with its reason (extension, hidden).")
  @Default.Boolean(false)
  @Setting(shapesSamples = false)
  boolean getListIgnored();

  void setListIgnored(boolean value);

  @Description("Exit with code 3 when rejected inputs exceed this fraction of all inputs.")
  @Default.Double(0.01)
  @Setting(shapesSamples = false)
  double getMaxRejectFraction();

  void setMaxRejectFraction(double value);

  @Description("Replace an existing output directory (atomically, after the new one is complete).")
  @Default.Boolean(false)
  @Setting(shapesSamples = false)
  boolean getOverwrite();

  void setOverwrite(boolean value);

  @Description(
      "Write each run as a new version (v000001/, ...) of the output root and switch"
          + " its CURRENT link atomically when the version is complete.")
  @Default.Boolean(false)
  @Setting(shapesSamples = false)
  boolean getVersioned();

  void setVersioned(boolean value);

  @Description(
      "Build on the output root's current version: only new or changed inputs are"
          + " decoded; unchanged samples are carried over; deleted inputs leave. Implies --versioned.")
  @Default.Boolean(false)
  @Setting(shapesSamples = false)
  boolean getIncremental();

  void setIncremental(boolean value);

  @Description("How many versions a versioned output root keeps (never removing the current one).")
  @Default.Integer(3)
  @Setting(shapesSamples = false)
  int getKeepVersions();

  void setKeepVersions(int value);

  // Shared shards (docs/NIGHTLY.md): when an incremental run writes the canonical layout again.
  @Description(
      "An incremental run shares the previous version's shards and writes only new and"
          + " changed samples; when its dead records and delta shards reach this fraction of the shard"
          + " bytes, it writes the canonical layout instead, as a full run (docs/NIGHTLY.md). 0: always.")
  @Default.Double(0.2)
  @Setting(shapesSamples = false)
  double getCompactThreshold();

  void setCompactThreshold(double value);

  @Description(
      "Identifier of this run, recorded in the manifest (default: date, time and a"
          + " random suffix).")
  @Default.String("")
  @Setting(shapesSamples = false, shownDefault = "date-time-random")
  String getRunId();

  void setRunId(String value);

  @Description("YAML file holding any of these settings (kebab-case keys); flags override it.")
  @Setting(shapesSamples = false)
  String getConfig();

  void setConfig(String value);

  @Description(
      "Kiln runner: local (Kiln's thread pool, no Beam runner), direct (Beam"
          + " DirectRunner), flink-local (embedded Flink) or flink (a Flink cluster, with"
          + " --flink-master=host:port).")
  @Default.String("local")
  @Setting(shapesSamples = false, flag = "runner")
  String getKilnRunner();

  void setKilnRunner(String value);

  // The same property, type and default as Beam's FlinkPipelineOptions declares, so both
  // interfaces read one value.
  @Description(
      "Parallel workers: local worker threads, Direct runner threads or Flink slots"
          + " (default: the machine's cores; on --runner=flink the cluster's slots).")
  @Default.Integer(-1)
  @Setting(shapesSamples = false, shownDefault = "cores", recorded = false)
  Integer getParallelism();

  void setParallelism(Integer value);

  @Description("JobManager REST address (host:port) of the Flink cluster, with --runner=flink.")
  @Default.String("[auto]")
  @Setting(shapesSamples = false, shownDefault = Setting.NOTHING, recorded = false)
  String getFlinkMaster();

  void setFlinkMaster(String value);

  @Description(
      "Object annotations: a COCO JSON file (boxes in stored pixels; file_name matched to"
          + " the input's path relative to --input, or its base name when unique), or 'voc' for"
          + " Pascal VOC XML beside each image or in an Annotations folder next to its folder.")
  @Setting(shapesSamples = true)
  String getAnnotations();

  void setAnnotations(String value);

  @Description(
      "What samples an image becomes: none (one per image, resized per --resize),"
          + " object-crop (one per image, cropped around its objects) or per-object (one per object,"
          + " keyed <key>/<n>). Boxes are carried into output coordinates in every mode.")
  @Default.String("none")
  @Setting(shapesSamples = true)
  String getFraming();

  void setFraming(String value);

  @Description("What an object-crop frames: union (all objects) or largest (the largest box).")
  @Default.String("union")
  @Setting(shapesSamples = true)
  String getFrameObject();

  void setFrameObject(String value);

  @Description(
      "Context around a framed object on each side, as a fraction of its width and" + " height.")
  @Default.Double(0.1)
  @Setting(shapesSamples = true)
  double getMargin();

  void setMargin(double value);

  @Description(
      "Keep a box in a sample only when at least this fraction of its area is inside"
          + " the output, 0-1.")
  @Default.Double(0.5)
  @Setting(shapesSamples = true)
  double getMinBoxVisibility();

  void setMinBoxVisibility(double value);

  @Description(
      "Where samples' classes come from: none, or folder (the first directory under the"
          + " input root, under the split folder with --split=folder, is the class; ids are the"
          + " sorted class names' positions, as torchvision's ImageFolder numbers them, unless"
          + " --classes fixes them). An image outside any class folder is rejected (no-label).")
  @Default.String("none")
  @Setting(shapesSamples = false)
  String getLabels();

  void setLabels(String value);

  @Description(
      "Class ids that stay fixed across runs: a file with one class name per line (id"
          + " = 0-based line), or a JSON object of class name to id.")
  @Setting(shapesSamples = false)
  String getClasses();

  void setClasses(String value);

  @Description(
      "Metadata table joined to the inputs: CSV, TSV, JSON lines (.jsonl) or Parquet."
          + " Columns caption (or text), label and class_name have their meaning; the others become"
          + " the samples' extra fields, with their types.")
  @Setting(shapesSamples = false)
  String getMetadata();

  void setMetadata(String value);

  @Description(
      "Column of --metadata naming each row's input: its path relative to --input with"
          + " extension, '/'-separated (its key, or its file name when unique, also match).")
  @Default.String("path")
  @Setting(shapesSamples = false)
  String getMetadataKey();

  void setMetadataKey(String value);

  @Description(
      "Reject inputs that no row of --metadata describes (no-metadata) instead of"
          + " keeping them without metadata.")
  @Default.Boolean(false)
  @Setting(shapesSamples = false)
  boolean getMetadataRequired();

  void setMetadataRequired(boolean value);

  @Description(
      "One dataset per split, in OUTPUT/<split>/, and OUTPUT/manifest.json naming them:"
          + " folder (the first folder under --input is the split), column:NAME (a --metadata"
          + " column) or hash:train=0.9,val=0.1 (a salted hash of the key: an image stays in its"
          + " split when others are added).")
  @Setting(shapesSamples = false)
  String getSplit();

  void setSplit(String value);
}
