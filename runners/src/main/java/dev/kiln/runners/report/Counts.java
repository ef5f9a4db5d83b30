package dev.kiln.runners.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Occurrences of the values of one category (formats, colour models, classes), counted. */
final class Counts {
  private final Map<String, Long> counts = new HashMap<>();

  void add(String value) {
    add(value, 1);
  }

  void add(String value, long n) {
    counts.merge(value, n, Long::sum);
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  int distinct() {
    return counts.size();
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The {@code limit} most frequent values, most frequent first (ties by name), and when there are
   * more, one last entry {@code "(N others)"} with their total: a page with a million classes stays
   * a page.
   */
  Map<String, Long> top(int limit) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> top = new LinkedHashMap<>();
    long others = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (i < limit) {
        top.put(entries.get(i).getKey(), entries.get(i).getValue());
      } else {
        others += entries.get(i).getValue();
      }
    }
    if (entries.size() > limit) {
      top.put("(" + (entries.size() - limit) + " others)", others);
    }
    return top;
  }
}
