package dev.kiln.runners.report;

import dev.kiln.formats.Box;
import dev.kiln.formats.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report's contact sheet: the first samples of the dataset's order (a deterministic
 * pseudo-random sample, see {@link DatasetSamples}) as thumbnails with their key, classes or
 * caption, and their boxes drawn over them; with per-object framing, the crops grouped by the
 * source image they were cut from.
 */
final class ContactSheet {
  /** Samples shown. */
  static final int SAMPLES = 64;

  /** With per-object framing: source images shown, and crops shown per source image. */
  static final int GROUPS = 12;

  static final int CROPS_PER_GROUP = 8;

  /** One sample as the sheet shows it. */
  record Tile(
      String key,
      int width,
      int height,
      List<String> labels,
      List<Box> boxes,
      Thumbnails.Thumbnail thumbnail) {}

  private final boolean perObject;
  private final List<Tile> tiles = new ArrayList<>();
  private final Map<String, List<Tile>> groups = new LinkedHashMap<>();
  private final Map<String, String> captions = new HashMap<>();
  private final Set<String> keys = new HashSet<>();
  private int undecodable;

  ContactSheet(boolean perObject) {
    this.perObject = perObject;
  }

  /** Whether the sheet has room for this sample (given without its image), so needs its image. */
  boolean wants(Sample s) {
    if (!perObject) {
      return tiles.size() < SAMPLES;
    }
    List<Tile> group = groups.get(s.source().path());
    return group == null ? groups.size() < GROUPS : group.size() < CROPS_PER_GROUP;
  }

  /** Offers the next sample in dataset order; keeps it when the sheet still has room for it. */
  void offer(Sample s) {
    if (perObject) {
      List<Tile> group = groups.get(s.source().path());
      if (group == null && groups.size() < GROUPS) {
        group = new ArrayList<>();
        groups.put(s.source().path(), group);
      }
      if (group != null && group.size() < CROPS_PER_GROUP) {
        add(s, group);
      }
    } else if (tiles.size() < SAMPLES) {
      add(s, tiles);
    }
  }

  private void add(Sample s, List<Tile> into) {
    Thumbnails.Thumbnail t;
    try {
      t = Thumbnails.of(s);
    } catch (IOException | RuntimeException e) {
      t = null; // a sample whose image does not decode: counted, and the page says so
    }
    if (t == null) {
      undecodable++;
      return;
    }
    into.add(new Tile(s.key(), s.width(), s.height(), s.labels(), s.boxes(), t));
    keys.add(s.key());
  }

  boolean perObject() {
    return perObject;
  }

  /** The tiles in dataset order (without per-object framing). */
  List<Tile> tiles() {
    return tiles;
  }

  /** Tiles by source image path, source images in order of their first crop (per-object). */
  Map<String, List<Tile>> groups() {
    return groups;
  }

  /** Samples offered that had no decodable image. */
  int undecodable() {
    return undecodable;
  }

  /** Whether {@code key} is on the sheet (so its caption is worth keeping). */
  boolean shows(String key) {
    return keys.contains(key);
  }

  void caption(String key, String caption) {
    captions.put(key, caption);
  }

  /**
   * One tile's HTML: the thumbnail, with an SVG over it whose view box is the sample's size in
   * output pixels, so each box is drawn at its own coordinates ({@code x0, y0, x1 - x0, y1 - y0})
   * whatever size the thumbnail is shown at.
   */
  String tileHtml(Tile t) {
    StringBuilder b = new StringBuilder(t.thumbnail().dataUri().length() + 512);
    b.append("<figure class=\"tile\"><div class=\"frame\" style=\"aspect-ratio:")
        .append(t.width())
        .append('/')
        .append(t.height())
        .append("\">")
        .append("<img loading=\"eager\" src=\"")
        .append(t.thumbnail().dataUri())
        .append("\" alt=\"")
        .append(Html.escape(t.key()))
        .append("\">");
    if (!t.boxes().isEmpty()) {
      b.append(boxesSvg(t.width(), t.height(), t.boxes()));
    }
    b.append("</div><figcaption><code>").append(Html.escape(t.key())).append("</code>");
    if (!t.labels().isEmpty()) {
      b.append("<span class=\"label\">")
          .append(Html.escape(String.join(", ", t.labels())))
          .append("</span>");
    }
    String caption = captions.get(t.key());
    if (caption != null && !caption.isEmpty()) {
      b.append("<span class=\"caption\">").append(Html.escape(caption)).append("</span>");
    }
    b.append("<span class=\"dims\">")
        .append(t.width())
        .append('\u00d7')
        .append(t.height())
        .append(
            t.boxes().isEmpty()
                ? ""
                : ", " + t.boxes().size() + " box" + (t.boxes().size() == 1 ? "" : "es"))
        .append("</span></figcaption></figure>");
    return b.toString();
  }

  /** The boxes as an SVG in output pixel coordinates of a {@code width} x {@code height} sample. */
  static String boxesSvg(int width, int height, List<Box> boxes) {
    StringBuilder b = new StringBuilder();
    double stroke = Math.max(1.5, Math.max(width, height) / 128.0);
    double font = Math.max(9, Math.max(width, height) / 18.0);
    b.append("<svg class=\"boxes\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" preserveAspectRatio=\"none\" aria-hidden=\"true\">");
    for (Box box : boxes) {
      String colour = Svg.colour(box.label());
      b.append("<rect x=\"")
          .append(Svg.num(box.x0()))
          .append("\" y=\"")
          .append(Svg.num(box.y0()))
          .append("\" width=\"")
          .append(Svg.num(box.x1() - box.x0()))
          .append("\" height=\"")
          .append(Svg.num(box.y1() - box.y0()))
          .append("\" fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"")
          .append(Svg.num(stroke))
          .append("\"><title>")
          .append(Html.escape(box.label()))
          .append("</title></rect>");
      if (!box.label().isEmpty()) {
        b.append("<text x=\"")
            .append(Svg.num(box.x0() + stroke))
            .append("\" y=\"")
            .append(Svg.num(Math.max(font, box.y0() + font)))
            .append("\" font-size=\"")
            .append(Svg.num(font))
            .append("\" fill=\"")
            .append(colour)
            .append("\" class=\"boxlabel\">")
            .append(Html.escape(box.label()))
            .append("</text>");
      }
    }
    return b.append("</svg>").toString();
  }
}
