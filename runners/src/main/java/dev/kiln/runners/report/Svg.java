package dev.kiln.runners.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The report's charts, drawn as inline SVG: bars for categories, histograms for distributions and a
 * line for a rate over time. No script, no fonts or files from elsewhere: the page opens from disk
 * without a network, and a chart costs a few kilobytes whatever the data's size.
 */
final class Svg {
  private static final int WIDTH = 560;
  private static final String[] PALETTE = {
    "#2f6fbd", "#d9822b", "#3a9e5c", "#c0392b", "#8e5cb5", "#8c6d46", "#d45fa6", "#6b7280",
    "#a4a219", "#1aa5b8"
  };

  private Svg() {}

  /** A colour for a category, the same for the same name on every chart and box. */
  static String colour(String name) {
    return PALETTE[Math.floorMod(name.hashCode(), PALETTE.length)];
  }

  /** A coordinate: integers as they are, otherwise two decimals. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * Horizontal bars, one per entry, longest value longest bar, all in {@code colour}; {@code null}
   * gives each its category colour.
   */
  static String bars(Map<String, Long> values, String colour, String ariaLabel) {
    return barsColouredBy(values, colour == null ? null : name -> colour, ariaLabel, null);
  }

  /**
   * Horizontal bars, each in the colour {@code colours} gives its name (or its category's); with a
   * {@code countPrefix}, each value's text carries {@code data-count="<prefix><name>"}.
   */
  static String barsColouredBy(
      Map<String, Long> values,
      java.util.function.Function<String, String> colours,
      String ariaLabel,
      String countPrefix) {
    int labelWidth = 200;
    int valueWidth = 90;
    int row = 22;
    int height = Math.max(1, values.size()) * row + 4;
    long max = values.values().stream().mapToLong(Long::longValue).max().orElse(1);
    StringBuilder b = new StringBuilder();
    b.append(open(WIDTH, height, ariaLabel));
    int i = 0;
    for (Map.Entry<String, Long> e : values.entrySet()) {
      double y = 2 + i * row;
      double w = max <= 0 ? 0 : (WIDTH - labelWidth - valueWidth) * (double) e.getValue() / max;
      String label = e.getKey().length() > 30 ? e.getKey().substring(0, 29) + "\u2026" : e.getKey();
      b.append("<g><title>")
          .append(Html.escape(e.getKey()))
          .append(": ")
          .append(Html.count(e.getValue()))
          .append("</title>")
          .append("<text x=\"")
          .append(labelWidth - 8)
          .append("\" y=\"")
          .append(num(y + 15))
          .append("\" text-anchor=\"end\" class=\"axis\">")
          .append(Html.escape(label))
          .append("</text><rect x=\"")
          .append(labelWidth)
          .append("\" y=\"")
          .append(num(y + 3))
          .append("\" width=\"")
          .append(num(Math.max(w, e.getValue() > 0 ? 1 : 0)))
          .append("\" height=\"")
          .append(row - 6)
          .append("\" rx=\"2\" fill=\"")
          .append(
              colours == null || colours.apply(e.getKey()) == null
                  ? colour(e.getKey())
                  : colours.apply(e.getKey()))
          .append("\"/>")
          .append("<text x=\"")
          .append(num(labelWidth + w + 6))
          .append("\" y=\"")
          .append(num(y + 15))
          .append("\" class=\"value\"")
          .append(
              countPrefix == null
                  ? ""
                  : " data-count=\"" + Html.escape(countPrefix + e.getKey()) + "\"")
          .append('>')
          .append(countPrefix == null ? Html.count(e.getValue()) : Long.toString(e.getValue()))
          .append("</text></g>");
      i++;
    }
    return b.append("</svg>").toString();
  }

  /**
   * A histogram: one vertical bar per bin, the count's axis on the left, the value axis below
   * labelled at the first, middle and last edge with {@code format}.
   */
  static String histogram(
      List<Distribution.Bin> bins, DoubleFunction<String> format, String xTitle) {
    int height = 190;
    int left = 56;
    int right = 14;
    int top = 10;
    int bottom = 44;
    double plotW = WIDTH - left - right;
    double plotH = height - top - bottom;
    long max = bins.stream().mapToLong(Distribution.Bin::count).max().orElse(1);
    StringBuilder b = new StringBuilder();
    b.append(open(WIDTH, height, "histogram of " + xTitle));
    b.append(axes(left, top, plotW, plotH, max));
    double bw = plotW / Math.max(1, bins.size());
    // Bins of one whole number each (boxes per sample) are labelled by their number, centred.
    boolean unit = !bins.isEmpty() && bins.stream().allMatch(x -> x.to() - x.from() == 1);
    for (int i = 0; i < bins.size(); i++) {
      Distribution.Bin bin = bins.get(i);
      double h = max == 0 ? 0 : plotH * bin.count() / max;
      String range =
          bin.from() == bin.to() || unit
              ? format.apply(bin.from())
              : format.apply(bin.from()) + " \u2013 " + format.apply(bin.to());
      b.append("<rect x=\"")
          .append(num(left + i * bw + 1))
          .append("\" y=\"")
          .append(num(top + plotH - h))
          .append("\" width=\"")
          .append(num(Math.max(1, bw - 2)))
          .append("\" height=\"")
          .append(num(h))
          .append("\" fill=\"#2f6fbd\"><title>")
          .append(Html.escape(range))
          .append(": ")
          .append(Html.count(bin.count()))
          .append("</title></rect>");
    }
    double y = top + plotH + 16;
    if (unit) {
      int step = (int) Math.ceil(bins.size() / 12.0);
      for (int i = 0; i < bins.size(); i += step) {
        b.append(text(left + (i + 0.5) * bw, y, "middle", format.apply(bins.get(i).from())));
      }
    } else if (bins.size() == 1) {
      b.append(text(left + plotW / 2, y, "middle", format.apply(bins.get(0).from())));
    } else if (!bins.isEmpty()) {
      b.append(text(left, y, "start", format.apply(bins.get(0).from())));
      if (bins.size() > 2) {
        Distribution.Bin mid = bins.get(bins.size() / 2);
        b.append(text(left + (bins.size() / 2) * bw, y, "middle", format.apply(mid.from())));
      }
      b.append(text(left + plotW, y, "end", format.apply(bins.get(bins.size() - 1).to())));
    }
    // Log-scaled bins (file sizes) widen from bin to bin; say so under the axis.
    boolean log =
        bins.size() > 2
            && !unit
            && bins.get(bins.size() - 1).to() - bins.get(bins.size() - 1).from()
                > 2 * (bins.get(1).to() - bins.get(1).from());
    b.append("<text x=\"")
        .append(num(left + plotW / 2))
        .append("\" y=\"")
        .append(height - 6)
        .append("\" text-anchor=\"middle\" class=\"title\">")
        .append(Html.escape(xTitle))
        .append(log ? " (log scale)" : "")
        .append("</text>");
    return b.append("</svg>").toString();
  }

  /** A line through {@code points} ({x, y} pairs, x increasing), with the area below filled. */
  static String line(List<double[]> points, String xTitle, String yTitle) {
    int height = 220;
    int left = 56;
    int right = 14;
    int top = 10;
    int bottom = 44;
    double plotW = WIDTH - left - right;
    double plotH = height - top - bottom;
    double maxX = points.stream().mapToDouble(p -> p[0]).max().orElse(1);
    double maxY = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
    maxX = maxX <= 0 ? 1 : maxX;
    maxY = maxY <= 0 ? 1 : maxY;
    StringBuilder b = new StringBuilder();
    b.append(open(WIDTH, height, yTitle + " over " + xTitle));
    b.append(axes(left, top, plotW, plotH, Math.round(maxY)));
    StringBuilder path = new StringBuilder();
    for (double[] p : points) {
      path.append(path.length() == 0 ? "M" : " L")
          .append(num(left + plotW * p[0] / maxX))
          .append(' ')
          .append(num(top + plotH - plotH * p[1] / maxY));
    }
    if (!points.isEmpty()) {
      String area =
          path
              + " L"
              + num(left + plotW * points.get(points.size() - 1)[0] / maxX)
              + " "
              + num(top + plotH)
              + " L"
              + num(left + plotW * points.get(0)[0] / maxX)
              + " "
              + num(top + plotH)
              + " Z";
      b.append("<path d=\"").append(area).append("\" fill=\"#2f6fbd\" fill-opacity=\"0.15\"/>");
      b.append("<path d=\"")
          .append(path)
          .append("\" fill=\"none\" stroke=\"#2f6fbd\" stroke-width=\"2\"/>");
    }
    double y = top + plotH + 16;
    b.append(text(left, y, "start", "0"));
    b.append(text(left + plotW, y, "end", Html.decimal(maxX, 1) + " s"));
    b.append("<text x=\"")
        .append(num(left + plotW / 2))
        .append("\" y=\"")
        .append(height - 6)
        .append("\" text-anchor=\"middle\" class=\"title\">")
        .append(Html.escape(xTitle))
        .append("</text>");
    b.append("<text x=\"12\" y=\"")
        .append(num(top + plotH / 2))
        .append("\" transform=\"rotate(-90 12 ")
        .append(num(top + plotH / 2))
        .append(")\" text-anchor=\"middle\" class=\"title\">")
        .append(Html.escape(yTitle))
        .append("</text>");
    return b.append("</svg>").toString();
  }

  private static String open(int width, int height, String ariaLabel) {
    return "<svg class=\"chart\" viewBox=\"0 0 "
        + width
        + " "
        + height
        + "\" width=\""
        + width
        + "\" height=\""
        + height
        + "\" role=\"img\" aria-label=\""
        + Html.escape(ariaLabel)
        + "\">";
  }

  /** The two axes and the count axis's top label. */
  private static String axes(int left, int top, double plotW, double plotH, long max) {
    return "<path d=\"M"
        + left
        + " "
        + top
        + " V"
        + num(top + plotH)
        + " H"
        + num(left + plotW)
        + "\" class=\"axisline\"/>"
        + "<path d=\"M"
        + left
        + " "
        + top
        + " H"
        + num(left + plotW)
        + "\" class=\"grid\"/>"
        + text(left - 6, top + 4, "end", Html.count(max))
        + text(left - 6, top + plotH, "end", "0");
  }

  private static String text(double x, double y, String anchor, String s) {
    return "<text x=\""
        + num(x)
        + "\" y=\""
        + num(y)
        + "\" text-anchor=\""
        + anchor
        + "\" class=\"axis\">"
        + Html.escape(s)
        + "</text>";
  }
}
