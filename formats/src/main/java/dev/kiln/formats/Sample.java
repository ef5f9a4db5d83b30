package dev.kiln.formats;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One training sample: an encoded image with its key, geometry, labels, boxes, provenance and
 * {@link LabelFields} (class, caption, extra fields). Every Kiln output format stores exactly these
 * fields; {@link SampleCodec} is their canonical binary form.
 */
public final class Sample {
  private final String key;
  private final byte[] image;
  private final String encoding;
  private final int width;
  private final int height;
  private final int channels;
  private final List<String> labels;
  private final List<Box> boxes;
  private final SourceInfo source;
  private final String contentHash;
  private final LabelFields labelFields;

  /** A sample without class, caption or extra fields. */
  public Sample(
      String key,
      byte[] image,
      String encoding,
      int width,
      int height,
      int channels,
      List<String> labels,
      List<Box> boxes,
      SourceInfo source,
      String contentHash) {
    this(
        key,
        image,
        encoding,
        width,
        height,
        channels,
        labels,
        boxes,
        source,
        contentHash,
        LabelFields.NONE);
  }

  public Sample(
      String key,
      byte[] image,
      String encoding,
      int width,
      int height,
      int channels,
      List<String> labels,
      List<Box> boxes,
      SourceInfo source,
      String contentHash,
      LabelFields labelFields) {
    this.key = Objects.requireNonNull(key, "key");
    this.image = Objects.requireNonNull(image, "image");
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.labels = List.copyOf(labels);
    this.boxes = List.copyOf(boxes);
    this.source = Objects.requireNonNull(source, "source");
    this.contentHash = Objects.requireNonNull(contentHash, "contentHash");
    this.labelFields = Objects.requireNonNull(labelFields, "labelFields");
  }

  public String key() {
    return key;
  }

  /** The encoded image bytes; callers must not modify the array. */
  public byte[] image() {
    return image;
  }

  public String encoding() {
    return encoding;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int channels() {
    return channels;
  }

  public List<String> labels() {
    return labels;
  }

  public List<Box> boxes() {
    return boxes;
  }

  public SourceInfo source() {
    return source;
  }

  public String contentHash() {
    return contentHash;
  }

  /** Class id, caption and extra fields ({@link LabelFields#NONE} when there are none). */
  public LabelFields labelFields() {
    return labelFields;
  }

  /** Class id, or null. */
  public Integer label() {
    return labelFields.label();
  }

  /** Class name, or null. */
  public String className() {
    return labelFields.className();
  }

  /** Caption, or null. */
  public String caption() {
    return labelFields.caption();
  }

  /** This sample with other class, caption and extra fields (the same image and the rest). */
  public Sample withLabelFields(LabelFields fields) {
    return new Sample(
        key, image, encoding, width, height, channels, labels, boxes, source, contentHash, fields);
  }

  /** File extension that matches {@link #encoding()}: jpg, png or raw. */
  public String fileExtension() {
    return switch (encoding) {
      case "jpeg" -> "jpg";
      case "png" -> "png";
      default -> encoding;
    };
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Sample s)) {
      return false;
    }
    return key.equals(s.key)
        && Arrays.equals(image, s.image)
        && encoding.equals(s.encoding)
        && width == s.width
        && height == s.height
        && channels == s.channels
        && labels.equals(s.labels)
        && boxes.equals(s.boxes)
        && source.equals(s.source)
        && contentHash.equals(s.contentHash)
        && labelFields.equals(s.labelFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(image), width, height, contentHash);
  }

  @Override
  public String toString() {
    return "Sample{"
        + key
        + ", "
        + encoding
        + " "
        + width
        + "x"
        + height
        + ", "
        + image.length
        + " bytes}";
  }
}
