package dev.kiln.runners.report;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Rejection;
import dev.kiln.formats.ShardFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link DatasetReport.Content} as one HTML page: a section per question a person asks
 * after a run (what was accounted for, what was rejected and why, what came in, what went out,
 * which labels, what the samples look like, how the run went). The page has no script; its counts
 * carry {@code data-count} attributes, which the browser test compares with {@code manifest.json}.
 */
final class ReportPage {
  private static final int CLASSES_SHOWN = 40;
  private static final int SHARD_BARS = 40;
  private static final Map<String, String> OUTCOME_COLOURS =
      Map.of(
          "inputs", "#2f6fbd", "ignored", "#9aa5b1", "written", "#3a9e5c", "rejected", "#c0392b");

  private final DatasetReport.Content c;
  private final Manifest m;
  private final StringBuilder b = new StringBuilder(1 << 20);

  private ReportPage(DatasetReport.Content content) {
    this.c = content;
    this.m = content.manifest();
  }

  static String render(DatasetReport.Content content) {
    return new ReportPage(content).page();
  }

  private String page() {
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Kiln report: ")
        .append(Html.escape(c.name()))
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body>");
    header();
    b.append("<main>");
    accounting();
    rejects();
    inputs();
    outputs();
    labels();
    contactSheet();
    run();
    b.append("</main><footer>Written by Kiln ")
        .append(Html.escape(m.kilnVersion()))
        .append(" from the dataset's manifest.json, run.json, catalog, inputs.jsonl and rejects;")
        .append(" opens without a network.</footer></body></html>\n");
    return b.toString();
  }

  private void header() {
    b.append("<header><h1>Kiln run report</h1><p class=\"path\">")
        .append(Html.escape(c.name()))
        .append("</p><p class=\"meta\">")
        .append(meta("format", m.format()))
        .append(meta("run", m.runId().isEmpty() ? "(none)" : m.runId()))
        .append(meta("Kiln", m.kilnVersion()));
    if (c.run() != null) {
      b.append(meta("runner", c.run().runner()))
          .append(meta("started", c.run().started()))
          .append(meta("duration", Html.decimal(c.run().seconds(), 1) + " s"));
    }
    b.append("</p><nav>");
    for (String[] s :
        new String[][] {
          {"accounting", "Accounting"},
          {"rejects", "Rejects"},
          {"inputs", "Inputs"},
          {"outputs", "Outputs"},
          {"labels", "Labels"},
          {"samples", "Samples"},
          {"run", "Run"}
        }) {
      b.append("<a href=\"#").append(s[0]).append("\">").append(s[1]).append("</a>");
    }
    b.append("</nav></header>");
  }

  private static String meta(String name, String value) {
    return "<span><b>" + Html.escape(name) + "</b> " + Html.escape(value) + "</span>";
  }

  // ---- accounting

  private void accounting() {
    section("accounting", "Accounting");
    long ignored = ignored();
    b.append("<div class=\"tiles\">");
    tile("inputs", "inputs", m.inputs(), "files listed");
    if (ignored >= 0) {
      tile("ignored", "ignored", ignored, "hidden or other extensions");
    }
    tile("written", "written", m.written(), "samples");
    tile(
        "rejected",
        "rejected",
        m.rejected(),
        Html.percent(m.rejected(), m.inputs()) + " of inputs");
    b.append("</div>");
    if (c.inputsListed() >= 0) {
      long unlisted = m.inputs() - c.inputsListed();
      boolean adds = c.inputsWritten() + m.rejected() == m.inputs();
      b.append(
              adds
                  ? "<p class=\"check\">Every input is accounted for: "
                  : "<p class=\"check warn\">The counts do not add up: ")
          .append(Html.count(c.inputsWritten()))
          .append(" inputs written as ")
          .append(Html.count(m.written()))
          .append(" samples, ")
          .append(Html.count(m.rejected()))
          .append(" rejected")
          .append(
              unlisted > 0
                  ? " (" + Html.count(unlisted) + " before keying: links, duplicates)"
                  : "")
          .append(adds ? ", of " : ", but ")
          .append(Html.count(m.inputs()))
          .append(" inputs.</p>");
    }
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("inputs", m.inputs());
    if (ignored >= 0) {
      totals.put("ignored", ignored);
    }
    totals.put("written", m.written());
    totals.put("rejected", m.rejected());
    b.append("<div class=\"grid\">");
    figure(
        "Inputs and outcomes",
        Svg.barsColouredBy(totals, OUTCOME_COLOURS::get, "inputs and outcomes", null));
    if (!m.rejectedByReason().isEmpty()) {
      figure(
          "Rejected, by reason",
          Svg.barsColouredBy(
              m.rejectedByReason(), reason -> "#c0392b", "rejected by reason", "rejected-"));
    }
    if (c.ignored() != null && (c.ignored().size() > 1 || !c.ignored().containsKey("ignored"))) {
      figure("Ignored, by reason", Svg.bars(c.ignored(), "#9aa5b1", "ignored by reason"));
    }
    if (!m.changes().isEmpty()) {
      Map<String, Long> changes = new LinkedHashMap<>();
      m.changes().forEach((k, v) -> changes.put(k.replace('_', ' '), v == null ? 0 : v));
      figure(
          "Incremental run, against the previous version",
          Svg.bars(changes, null, "incremental changes"));
    }
    b.append("</div></section>");
  }

  /** Ignored files, when the manifest counts them; else -1. */
  private long ignored() {
    return c.ignored() == null
        ? -1
        : c.ignored().values().stream().mapToLong(Long::longValue).sum();
  }

  // ---- rejects

  private void rejects() {
    section("rejects", "Rejects");
    if (c.rejects().isEmpty()) {
      b.append("<p>No input was rejected.</p></section>");
      return;
    }
    b.append("<p>Up to ")
        .append(RejectExamples.PER_REASON)
        .append(" examples per reason from <code>rejects/rejects.jsonl</code>, with what part of")
        .append(" the file still decodes.</p><div class=\"reasons\">");
    for (Map.Entry<String, List<RejectExamples.Example>> e : c.rejects().entrySet()) {
      long n = m.rejectedByReason().getOrDefault(e.getKey(), (long) e.getValue().size());
      b.append("<div class=\"reason\"><h3>")
          .append(Html.escape(e.getKey()))
          .append(" <small>")
          .append(Html.count(n))
          .append(n == 1 ? " input" : " inputs")
          .append("</small></h3>")
          .append("<div class=\"rejects\">");
      for (RejectExamples.Example x : e.getValue()) {
        Rejection r = x.rejection();
        b.append("<div class=\"reject\"><div class=\"thumb\">");
        if (x.thumbnail() != null) {
          b.append("<img src=\"")
              .append(x.thumbnail().dataUri())
              .append("\" alt=\"")
              .append(Html.escape(r.key()))
              .append(" (the part that decodes)\">");
        } else {
          b.append("<span>nothing decodes</span>");
        }
        b.append("</div><dl><dt>path</dt><dd><code>")
            .append(Html.escape(r.path()))
            .append("</code></dd><dt>stage</dt><dd>")
            .append(Html.escape(r.stage()))
            .append("</dd><dt>message</dt><dd>")
            .append(Html.escape(r.message()))
            .append("</dd><dt>size</dt><dd>")
            .append(r.size() < 0 ? "unknown" : Html.bytes(r.size()))
            .append("</dd></dl></div>");
      }
      b.append("</div></div>");
    }
    b.append("</div></section>");
  }

  // ---- inputs

  private void inputs() {
    section("inputs", "Inputs");
    InputStats in = c.inputs();
    if (in.inputs() == 0) {
      b.append("<p>No sample to describe its input.</p>");
    } else {
      b.append("<p>As stored, before Kiln normalized them: ");
      if (c.samplesRead() >= m.written()) {
        b.append("all ").append(Html.count(in.inputs())).append(" inputs that were written.");
      } else {
        b.append("the ")
            .append(Html.count(in.inputs()))
            .append(" inputs of the first ")
            .append(Html.count(c.samplesRead()))
            .append(" of ")
            .append(Html.count(m.written()))
            .append(
                " samples in dataset order (a salted hash of the key, so a fixed random sample).");
      }
      b.append("</p><div class=\"grid\">");
      figure("Formats", Svg.bars(in.formats.top(12), null, "formats"));
      figure("Colour models", Svg.bars(in.colourModels.top(12), null, "colour models"));
      figure("ICC profiles", Svg.bars(in.iccProfiles.top(10), "#8e5cb5", "ICC profiles"));
      figure("Bit depths", Svg.bars(in.bitDepths.top(8), "#3a9e5c", "bit depths"));
      figure("EXIF orientations", Svg.bars(in.orientations.top(8), "#d9822b", "EXIF orientations"));
      figure("Frames", Svg.bars(in.frames.top(8), "#6b7280", "frames"));
      figure(
          "Width (pixels, after orientation)",
          Svg.histogram(in.widths.histogram(30, true), v -> Html.count(Math.round(v)), "width"));
      figure(
          "Height (pixels, after orientation)",
          Svg.histogram(in.heights.histogram(30, true), v -> Html.count(Math.round(v)), "height"));
      figure(
          "Aspect ratio (width / height)",
          Svg.histogram(in.aspects.histogram(30, false), v -> Html.decimal(v, 2), "aspect ratio"));
      b.append("</div>");
    }
    if (in.fileBytes.count() > 0) {
      b.append("<div class=\"grid\">");
      figure(
          "File sizes of all " + Html.count(in.fileBytes.count()) + " listed inputs",
          Svg.histogram(in.fileBytes.histogram(30, true), Html::bytes, "file size")
              + quantiles(in.fileBytes, Html::bytes));
      b.append("</div>");
    }
    b.append("</section>");
  }

  // ---- outputs

  private void outputs() {
    section("outputs", "Outputs");
    OutputStats o = c.outputs();
    long shardBytes = m.shards().stream().mapToLong(ShardFile::bytes).sum();
    b.append("<div class=\"tiles\">");
    tile("samples", "samples", o.rows, "catalog rows");
    tile("shards", "shards", m.shards().size(), m.format());
    tileText("bytes", Html.bytes(shardBytes), "in shards");
    if (o.encodedBytes.count() > 0) {
      tileText("mean image", Html.bytes(o.encodedBytes.sum() / o.encodedBytes.count()), "encoded");
    }
    if (m.format().equals("kiln") && o.recordBytes >= 0 && shardBytes > 0) {
      tileText(
          "alignment",
          Html.percent(shardBytes - o.recordBytes, shardBytes),
          "of shard bytes is padding and headers (align "
              + m.configuration().getOrDefault("align", "?")
              + ")");
    }
    b.append("</div><div class=\"grid\">");
    if (o.encodedBytes.count() > 0) {
      figure(
          "Encoded image size"
              + (o.encodedBytes.count() < o.rows
                  ? " (first " + Html.count(o.encodedBytes.count()) + " samples)"
                  : ""),
          Svg.histogram(o.encodedBytes.histogram(30, true), Html::bytes, "bytes per image")
              + quantiles(o.encodedBytes, Html::bytes));
    }
    if (m.shards().size() <= SHARD_BARS) {
      Map<String, Long> shards = new LinkedHashMap<>();
      m.shards()
          .forEach(s -> shards.put(s.name() + " (" + Html.bytes(s.bytes()) + ")", s.samples()));
      figure("Samples per shard", Svg.bars(shards, "#1aa5b8", "samples per shard"));
    } else {
      Distribution sizes = new Distribution();
      m.shards().forEach(s -> sizes.add(s.bytes()));
      figure(
          "Shard sizes (" + m.shards().size() + " shards)",
          Svg.histogram(sizes.histogram(30, true), Html::bytes, "shard size"));
    }
    outputShape("Output width (pixels)", o.widths, "width");
    outputShape("Output height (pixels)", o.heights, "height");
    b.append("</div></section>");
  }

  private void outputShape(String title, Distribution d, String axis) {
    if (d.count() == 0) {
      return;
    }
    if (d.quantile(0) == d.quantile(1)) {
      figure(
          title,
          "<p class=\"big\">every sample: " + Html.count(Math.round(d.quantile(0))) + "</p>");
    } else {
      figure(title, Svg.histogram(d.histogram(30, true), v -> Html.count(Math.round(v)), axis));
    }
  }

  // ---- labels

  private void labels() {
    section("labels", "Labels");
    OutputStats o = c.outputs();
    boolean any = !o.classes.isEmpty() || !o.boxLabels.isEmpty() || o.captionLengths.count() > 0;
    if (!any) {
      b.append("<p>No sample has a class, a box or a caption.</p></section>");
      return;
    }
    b.append("<div class=\"tiles\">");
    tile("classes", "classes", o.classes.distinct(), "distinct");
    tile("unlabelled", "unlabelled", o.unlabelled, "samples without a class");
    tile("boxes", "boxes", o.boxLabels.total(), "in all samples");
    if (o.captionLengths.count() > 0) {
      tile("captioned", "captioned", o.captionLengths.count(), "samples with a caption");
    }
    b.append("</div><div class=\"grid\">");
    if (!o.classes.isEmpty()) {
      figure(
          "Samples per class", Svg.bars(o.classes.top(CLASSES_SHOWN), null, "samples per class"));
    }
    if (!o.boxLabels.isEmpty()) {
      figure(
          "Boxes per sample",
          Svg.histogram(
                  o.boxesPerSample.histogram(30, true), v -> Html.count(Math.round(v)), "boxes")
              + quantiles(o.boxesPerSample, v -> Html.decimal(v, 0)));
      figure("Boxes per class", Svg.bars(o.boxLabels.top(CLASSES_SHOWN), null, "boxes per class"));
    }
    if (o.captionLengths.count() > 0) {
      figure(
          "Caption length (characters)",
          Svg.histogram(
                  o.captionLengths.histogram(30, true),
                  v -> Html.count(Math.round(v)),
                  "characters")
              + quantiles(o.captionLengths, v -> Html.decimal(v, 0)));
    }
    b.append("</div></section>");
  }

  // ---- contact sheet

  private void contactSheet() {
    ContactSheet sheet = c.sheet();
    section("samples", sheet.perObject() ? "Samples: crops by source image" : "Samples");
    if (sheet.perObject()) {
      b.append("<p>Per-object crops of the first source images in dataset order, grouped by the")
          .append(" image they were cut from (crops found among the first ")
          .append(Html.count(c.samplesRead()))
          .append(" samples), boxes in output pixels.</p>");
      for (Map.Entry<String, List<ContactSheet.Tile>> g : sheet.groups().entrySet()) {
        b.append("<h3 class=\"source\"><code>")
            .append(Html.escape(g.getKey()))
            .append("</code> <small>")
            .append(g.getValue().size())
            .append(g.getValue().size() == 1 ? " crop" : " crops")
            .append("</small></h3><div class=\"sheet\">");
        g.getValue().forEach(t -> b.append(sheet.tileHtml(t)));
        b.append("</div>");
      }
    } else {
      b.append("<p>The first ")
          .append(sheet.tiles().size())
          .append(" samples in dataset order (a fixed pseudo-random sample), with their classes")
          .append(" and boxes as stored.</p><div class=\"sheet\">");
      sheet.tiles().forEach(t -> b.append(sheet.tileHtml(t)));
      b.append("</div>");
    }
    if (sheet.undecodable() > 0) {
      b.append("<p class=\"warn\">")
          .append(sheet.undecodable())
          .append(" sample(s) read had an image that could not be decoded for a thumbnail.</p>");
    }
    b.append("</section>");
  }

  // ---- run

  private void run() {
    section("run", "Run");
    RunRecord r = c.run();
    b.append("<div class=\"grid\"><div class=\"figure\"><h3>This run</h3><table>");
    row("Kiln version", m.kilnVersion());
    row("run id", m.runId());
    if (r != null) {
      row("runner", r.runner());
      row("parallelism", Integer.toString(r.parallelism()));
      row("started", r.started());
      row(
          "duration",
          Html.decimal(r.seconds(), 2) + " s (from the JVM's start to the dataset being complete)");
      row(
          "images/s",
          Html.decimal(m.inputs() / Math.max(r.seconds(), 1e-3), 1) + " (inputs / duration)");
      row(
          "peak memory",
          (r.peakRssBytes() < 0 ? "unknown" : Html.bytes(r.peakRssBytes()))
              + " resident (launcher process)");
      row("heap", Html.bytes(r.peakHeapBytes()) + " peak use of " + Html.bytes(r.heapMaxBytes()));
    } else {
      row(
          "run record",
          "none ("
              + RunRecord.FILE_NAME
              + " is written by kiln prepare since this report was added)");
    }
    row("input fingerprint", m.inputFingerprint());
    b.append("</table></div>");
    if (r != null && r.live() && r.progress().size() >= 2) {
      figure(
          "Images per second over the run",
          Svg.line(rates(r.progress()), "seconds", "images/s")
              + "<p class=\"note\">From "
              + r.progress().size()
              + " progress samples, taken every"
              + " second or so while the job ran; each step is the rate between two of them.</p>");
    } else if (r != null && r.live()) {
      figure(
          "Images per second over the run",
          "<p>The job took under two seconds: too short"
              + " for a curve (the recorder samples progress every second).</p>");
    } else if (r != null) {
      figure(
          "Images per second over the run",
          "<p>Not recorded: the job ran on a cluster, whose"
              + " workers' progress the launcher does not see.</p>");
    }
    b.append("<div class=\"figure\"><h3>Configuration</h3><table>");
    m.configuration().forEach(this::row);
    b.append("</table></div></div></section>");
  }

  /**
   * The rate between consecutive samples as steps: each rate held from the one sample's time to the
   * next's (a point per sample would invent a slope between them).
   */
  static List<double[]> rates(List<RunRecord.Progress> progress) {
    List<double[]> points = new ArrayList<>();
    double t = 0;
    long done = 0;
    for (RunRecord.Progress p : progress) {
      double dt = p.seconds() - t;
      if (dt > 1e-6) {
        double rate = (p.done() - done) / dt;
        points.add(new double[] {t, rate});
        points.add(new double[] {p.seconds(), rate});
        t = p.seconds();
        done = p.done();
      }
    }
    return points;
  }

  // ---- pieces

  private void section(String id, String title) {
    b.append("<section id=\"")
        .append(id)
        .append("\"><h2>")
        .append(Html.escape(title))
        .append("</h2>");
  }

  private void tile(String id, String name, long n, String note) {
    b.append("<div class=\"tile-n\"><span class=\"name\">")
        .append(Html.escape(name))
        .append("</span><b data-count=\"")
        .append(id)
        .append("\">")
        .append(n)
        .append("</b><span class=\"note\">")
        .append(Html.escape(note))
        .append("</span></div>");
  }

  private void tileText(String name, String value, String note) {
    b.append("<div class=\"tile-n\"><span class=\"name\">")
        .append(Html.escape(name))
        .append("</span><b>")
        .append(Html.escape(value))
        .append("</b><span class=\"note\">")
        .append(Html.escape(note))
        .append("</span></div>");
  }

  private void figure(String title, String body) {
    b.append("<div class=\"figure\"><h3>")
        .append(Html.escape(title))
        .append("</h3>")
        .append(body)
        .append("</div>");
  }

  private void row(String name, String value) {
    b.append("<tr><th>")
        .append(Html.escape(name))
        .append("</th><td>")
        .append(Html.escape(value))
        .append("</td></tr>");
  }

  private static String quantiles(Distribution d, java.util.function.DoubleFunction<String> f) {
    return "<p class=\"note\">median "
        + f.apply(d.quantile(0.5))
        + ", p90 "
        + f.apply(d.quantile(0.9))
        + ", max "
        + f.apply(d.quantile(1))
        + "</p>";
  }

  private static final String CSS =
      """
      :root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#2f6fbd}
      *{box-sizing:border-box}
      body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
      header{background:#1f2933;color:#fff;padding:18px 28px 0}
      header h1{margin:0;font-size:22px}
      header .path{margin:2px 0 6px;color:#cbd2d9;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px;word-break:break-all}
      header .meta span{margin-right:18px;color:#e4e7eb}
      header .meta b{color:#9aa5b1;font-weight:600}
      nav{margin-top:12px}
      nav a{display:inline-block;padding:8px 12px;color:#cbd2d9;text-decoration:none;border-bottom:3px solid transparent}
      nav a:hover{color:#fff;border-color:var(--accent)}
      main{padding:8px 28px 28px;max-width:1480px}
      section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:6px 20px 18px;margin:18px 0}
      h2{font-size:18px;margin:12px 0 8px}
      h3{font-size:14px;margin:10px 0 6px}
      h3 small{color:var(--muted);font-weight:400}
      code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
      .tiles{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 12px}
      .tile-n{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:130px;background:#fafbfc}
      .tile-n .name{display:block;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
      .tile-n b{display:block;font-size:24px;font-weight:650}
      .tile-n .note{color:var(--muted);font-size:12px}
      .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px 28px}
      .figure{min-width:0}
      svg.chart{max-width:100%;height:auto;font-size:11px}
      svg .axis{fill:#52606d}
      svg .value{fill:#1f2933;font-weight:600}
      svg .title{fill:#52606d;font-size:12px}
      svg .axisline{stroke:#9aa5b1;fill:none}
      svg .grid{stroke:#e4e7eb;fill:none}
      .note,.check{color:var(--muted);font-size:12px;margin:4px 0}
      .check{font-size:13px}
      .warn{color:#c0392b}
      .big{font-size:20px;margin:18px 0}
      table{border-collapse:collapse;width:100%;font-size:13px}
      th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top;word-break:break-all}
      th{color:var(--muted);font-weight:500;white-space:nowrap;width:1%}
      .reasons{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:4px 20px}
      .rejects{display:grid;gap:10px;margin-bottom:8px}
      .reject{display:flex;gap:12px;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fffafa}
      .reject .thumb{flex:0 0 120px;height:120px;display:flex;align-items:center;justify-content:center;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/16px 16px;border-radius:4px;overflow:hidden}
      .reject .thumb img{max-width:120px;max-height:120px}
      .reject .thumb span{color:var(--muted);font-size:12px;text-align:center}
      .reject dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 8px;font-size:12px;min-width:0}
      .reject dt{color:var(--muted)}
      .reject dd{margin:0;word-break:break-all}
      .sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px}
      .tile{margin:0;min-width:0}
      .frame{position:relative;width:100%;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/16px 16px;border-radius:4px;overflow:hidden}
      .frame img{display:block;width:100%;height:100%}
      .frame svg.boxes{position:absolute;inset:0;width:100%;height:100%}
      .boxlabel{font-family:system-ui,sans-serif;font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:2px}
      figcaption{font-size:11px;line-height:1.3;margin-top:3px;word-break:break-all}
      figcaption .label{display:block;color:var(--accent);font-weight:600}
      figcaption .caption{display:block;color:var(--fg)}
      figcaption .dims{display:block;color:var(--muted)}
      h3.source{margin-top:16px}
      footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
      """;
}
