package dev.kiln.runners.report;

import java.util.Locale;

/** Text for the report's HTML: escaping and the few number formats it shows. */
final class Html {
  private Html() {}

  /** {@code s} safe in HTML text and in double-quoted attribute values. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A count with thousands separators: 1234567 gives "1,234,567". */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A byte count in binary units: 1536 gives "1.5 KiB". */
  static String bytes(double n) {
    if (n < 1024) {
      return String.format(Locale.ROOT, "%.0f B", n);
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  /** A number with at most {@code digits} decimals, trailing zeros dropped. */
  static String decimal(double v, int digits) {
    String s = String.format(Locale.ROOT, "%." + digits + "f", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  /** A percentage of {@code part} in {@code whole}, one decimal. */
  static String percent(double part, double whole) {
    return whole <= 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100 * part / whole);
  }
}
