package dev.kiln.runners.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kiln.formats.InputChanges;
import dev.kiln.formats.InputRecord;
import dev.kiln.formats.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The few fields the report reads from a dataset's JSON files beyond what {@link Manifest} and
 * {@link InputRecord} model, read with Jackson's streaming parser: a nightly run writes its report
 * too, and Jackson's tree model costs a run a tenth of a second to load.
 */
final class DatasetFiles {
  private static final JsonFactory JSON = new JsonFactory();

  private DatasetFiles() {}

  /**
   * Files the run ignored, as {@code manifest.json}'s {@code counts} has them (Kiln versions that
   * count them): {@code ignored} as a number, or counts by reason under {@code ignored} or {@code
   * ignored_by_reason}. Returns the counts by reason (a lone number under the key "ignored"), or
   * null when the manifest counts none.
   */
  static Map<String, Long> ignored(Path dir) throws IOException {
    Path file = dir.resolve(Manifest.FILE_NAME);
    Map<String, Long> byReason = null;
    Long total = null;
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!name.equals("counts") || value != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ((field.equals("ignored") || field.equals("ignored_by_reason"))
              && v == JsonToken.START_OBJECT) {
            byReason = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String reason = p.currentName();
              p.nextToken();
              byReason.put(reason, p.getValueAsLong(0));
            }
          } else if (field.equals("ignored") && v.isNumeric()) {
            total = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
      }
    }
    if (byReason != null) {
      return byReason;
    }
    return total == null ? null : Map.of("ignored", total);
  }

  /** As {@link #inputs(Path, LongConsumer)}, from the records of {@code inputs.jsonl}. */
  static long[] inputs(List<InputRecord> records, LongConsumer sizes) {
    long[] counts = new long[2];
    for (InputRecord r : records) {
      sizes.accept(r.size());
      counts[0]++;
      counts[1] += r.written() ? 1 : 0;
    }
    return counts;
  }

  /**
   * Hands the size of each input in {@code inputs.jsonl} to {@code sizes}; returns {inputs, inputs
   * written}, or null when the dataset has no such file.
   */
  static long[] inputs(Path dir, LongConsumer sizes) throws IOException {
    Path file = dir.resolve(InputRecord.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    long[] counts = new long[2];
    // A version that shares shards has the whole file it links and the changes since.
    Map<String, InputRecord> overrides = InputChanges.overrides(dir);
    List<InputRecord> changed = new ArrayList<>(overrides.values());
    changed.removeIf(Objects::isNull);
    long[] fromChanges = inputs(changed, sizes);
    counts[0] += fromChanges[0];
    counts[1] += fromChanges[1];
    // One parser for the whole file: its lines are a sequence of JSON objects.
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = JSON.createParser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new IOException(
              file
                  + ": not JSON objects, one per line (found "
                  + t
                  + " at line "
                  + p.currentLocation().getLineNr()
                  + ")");
        }
        long size = 0;
        boolean written = false;
        String key = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          switch (name) {
            case "size" -> size = p.getValueAsLong();
            case "written" -> written = p.getValueAsBoolean();
            case "key" -> key = overrides.isEmpty() ? null : p.getText();
            default -> p.skipChildren();
          }
        }
        if (key != null && overrides.containsKey(key)) {
          continue; // counted from the changes, or deleted
        }
        counts[0]++;
        counts[1] += written ? 1 : 0;
        sizes.accept(size);
      }
    }
    return counts;
  }
}
