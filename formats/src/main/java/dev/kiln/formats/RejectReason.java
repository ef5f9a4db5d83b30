package dev.kiln.formats;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why an input did not become a sample: the stable {@link #code()} written in {@code
 * rejects.jsonl}, counted in {@code manifest.json} and documented in the README's rejection reasons
 * table, which is rendered from here ({@link #markdownTable()}; a test keeps them equal). A new
 * reason is a new constant here, with the stages that raise it and its meaning.
 */
public enum RejectReason {
  DUPLICATE_KEY("another input has the same key", Stage.MATCH),
  UNREADABLE("the file or directory could not be read (permissions, I/O error)", Stage.READ),
  VANISHED("the file was removed after it was listed", Stage.READ),
  CHANGED_DURING_RUN(
      "the file's size changed between listing and reading (still being written)", Stage.READ),
  FILE_TOO_LARGE("larger than `--max-file-bytes`; not read", Stage.READ),
  DANGLING_SYMLINK("a symbolic link to nothing", Stage.READ),
  SYMLINK_LOOP(
      "a symbolic link to one of its own parent directories (reported once, not followed)",
      Stage.READ),
  NOT_A_FILE("a device, pipe or socket", Stage.READ),
  EMPTY_FILE("zero bytes", Stage.READ),
  NOT_AN_IMAGE(
      "the bytes are no image format Kiln knows (text, HTML, PDF, ZIP, ...), whatever the"
          + " extension",
      Stage.READ),
  UNSUPPORTED_FORMAT(
      "an image format Kiln has no decoder for (JPEG 2000, HEIF, AVIF, JPEG XL: see"
          + " [docs/DECODERS.md](docs/DECODERS.md))",
      Stage.READ),
  TOO_MANY_PIXELS("the header declares more than `--max-pixels` pixels", Stage.PROBE),
  TRUNCATED(
      "the data ends early (a partial image is never written: decoder warnings such as"
          + " \"premature end of data segment\", PNG chunks past the end, a WebP shorter than its"
          + " RIFF header says)",
      Stage.DECODE),
  DECODE_TIMEOUT("not prepared within `--decode-timeout`; the worker goes on", Stage.DECODE),
  CORRUPT(
      "the structure is broken (bad markers, checksums, segment lengths)",
      Stage.PROBE,
      Stage.DECODE),
  DECODE_FAILED("the decoder failed for another reason", Stage.DECODE),
  OUT_OF_MEMORY("decoding this one image exhausted the heap; the worker continues", Stage.DECODE),
  ENCODE_FAILED("the output could not be encoded", Stage.ENCODE),
  NO_OBJECTS("`--framing=per-object` and the image has no usable object", Stage.FRAME),
  BAD_ANNOTATIONS("the image's VOC XML is not VOC", Stage.FRAME),
  NO_LABEL(
      "`--labels=folder` and the image is not inside a class folder (or its folder is not in"
          + " `--classes`)",
      Stage.LABEL),
  NO_METADATA("`--metadata-required` and no row of the table describes the image", Stage.LABEL),
  NO_SPLIT(
      "`--split` and the image is in no split (outside the split folders, or no value in the"
          + " split column); in `OUTPUT/rejects/rejects.jsonl`",
      Stage.SPLIT);

  private final String meaning;
  private final List<Stage> stages;

  RejectReason(String meaning, Stage... stages) {
    this.meaning = meaning;
    this.stages = List.of(stages);
  }

  /** The stable kebab-case code, e.g. {@code too-many-pixels}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** What the reason means, for users (Markdown). */
  public String meaning() {
    return meaning;
  }

  /** The stages that reject inputs for this reason. */
  public List<Stage> stages() {
    return stages;
  }

  /** The README's table of rejection reasons: code, stages, meaning. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| reason | stage | meaning |\n|---|---|---|\n");
    for (RejectReason r : values()) {
      b.append("| `")
          .append(r.code())
          .append("` | ")
          .append(r.stages.stream().map(Stage::code).collect(Collectors.joining("/")))
          .append(" | ")
          .append(r.meaning)
          .append(" |\n");
    }
    return b.toString();
  }
}
