package dev.kiln.pipelines;

import dev.kiln.formats.annotations.CocoAnnotations;
import dev.kiln.transforms.framing.AnnotationSource;
import dev.kiln.transforms.framing.FrameObject;
import dev.kiln.transforms.framing.Framing;
import dev.kiln.transforms.framing.FramingMode;
import dev.kiln.transforms.image.Encoding;
import dev.kiln.transforms.image.PrepareSettings;
import dev.kiln.transforms.image.ResizeMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Turns {@link PrepareOptions} into the pure image code's {@link PrepareSettings}, and the
 * annotation options into {@link Framing}.
 */
public final class ImageSettings {
  private ImageSettings() {}

  /**
   * Validates and converts the image options.
   *
   * @throws IllegalArgumentException naming the flag and what is wrong with its value
   */
  public static PrepareSettings from(PrepareOptions o) {
    int[] size = parseSize(o.getSize());
    ResizeMode mode = parseMode(o.getResize());
    if (o.getQuality() < 1 || o.getQuality() > 100) {
      throw new IllegalArgumentException("--quality=" + o.getQuality() + ": must be 1-100");
    }
    Encoding encoding = Encoding.parse(o.getEncode());
    if (o.getMaxPixels() < 1) {
      throw new IllegalArgumentException("--max-pixels=" + o.getMaxPixels() + ": must be positive");
    }
    if (o.getKeepAlpha() && encoding == Encoding.JPEG) {
      throw new IllegalArgumentException(
          "--keep-alpha cannot be used with --encode=jpeg (JPEG has no alpha channel): use --encode=png or --encode=raw");
    }
    return new PrepareSettings(
        mode,
        size[0],
        size[1],
        encoding,
        o.getQuality(),
        o.getMaxPixels(),
        parseColour("--background", o.getBackground()),
        parseColour("--pad-color", o.getPadColor()),
        !o.getNoUpscale(),
        o.getKeepAlpha(),
        o.getLinearLight());
  }

  /**
   * Validates the annotation and framing options and reads a COCO annotation file (once, here, so a
   * bad file is a usage error before anything runs, and workers get the parsed boxes).
   *
   * @throws IllegalArgumentException naming the flag and what is wrong with its value
   */
  public static Framing framing(PrepareOptions o) {
    FramingMode mode = FramingMode.parse(o.getFraming());
    FrameObject object = FrameObject.parse(o.getFrameObject());
    String spec = o.getAnnotations() == null ? "" : o.getAnnotations().trim();
    AnnotationSource annotations;
    if (spec.isEmpty()) {
      if (mode != FramingMode.NONE) {
        throw new IllegalArgumentException(
            "--framing=" + mode.flag() + " needs --annotations (a COCO .json file or 'voc')");
      }
      annotations = AnnotationSource.none();
    } else if (spec.equalsIgnoreCase("voc")) {
      annotations = AnnotationSource.voc();
    } else {
      if (!LocatedFiles.exists(spec)) {
        throw new IllegalArgumentException(
            "--annotations="
                + spec
                + ": no such "
                + (LocatedFiles.isLocal(spec) ? "file" : "object")
                + " (give a COCO .json file or 'voc')");
      }
      try (InputStream in = LocatedFiles.open(spec)) {
        annotations = AnnotationSource.coco(CocoAnnotations.parse(in));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--annotations=" + spec + ": cannot read: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--annotations=" + spec + ": " + e.getMessage());
      }
    }
    return new Framing(mode, object, o.getMargin(), o.getMinBoxVisibility(), annotations);
  }

  static int[] parseSize(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    try {
      int x = v.indexOf('x');
      int w = Integer.parseInt(x < 0 ? v : v.substring(0, x));
      int h = x < 0 ? w : Integer.parseInt(v.substring(x + 1));
      if (w < 1 || h < 1 || w > 65535 || h > 65535) {
        throw new NumberFormatException();
      }
      return new int[] {w, h};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--size=" + value + ": expected S or WxH with sides 1-65535, e.g. 256 or 320x240");
    }
  }

  static ResizeMode parseMode(String value) {
    try {
      return ResizeMode.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "--resize="
              + value
              + ": must be one of center-crop, shorter-side, longer-side, letterbox, stretch, none");
    }
  }

  static int parseColour(String flag, String value) {
    String v = value == null ? "" : value.trim();
    if (v.startsWith("#")) {
      v = v.substring(1);
    }
    if (v.length() == 6) {
      try {
        return Integer.parseInt(v, 16);
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new IllegalArgumentException(flag + "=" + value + ": expected a colour #RRGGBB");
  }
}
