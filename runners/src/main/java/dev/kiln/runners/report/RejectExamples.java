package dev.kiln.runners.report;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.RejectReason;
import dev.kiln.formats.Rejection;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A few rejected inputs per reason, from {@code rejects/rejects.jsonl}, each with a thumbnail of
 * whatever part of it decodes when the input is still there.
 */
final class RejectExamples {
  static final int PER_REASON = 3;

  /** Reasons shown with examples (the rest are counted in the accounting chart). */
  static final int REASONS = 24;

  /**
   * Reasons whose inputs are not opened again: nothing of them decodes (not images, empty, links,
   * gone), or decoding them is what went wrong (too large, too slow, out of memory).
   */
  private static final Set<String> NOT_OPENED =
      Stream.of(
              RejectReason.FILE_TOO_LARGE,
              RejectReason.TOO_MANY_PIXELS,
              RejectReason.DECODE_TIMEOUT,
              RejectReason.OUT_OF_MEMORY,
              RejectReason.NOT_AN_IMAGE,
              RejectReason.EMPTY_FILE,
              RejectReason.DANGLING_SYMLINK,
              RejectReason.SYMLINK_LOOP,
              RejectReason.NOT_A_FILE,
              RejectReason.VANISHED,
              RejectReason.UNREADABLE,
              RejectReason.UNSUPPORTED_FORMAT)
          .map(RejectReason::code)
          .collect(Collectors.toUnmodifiableSet());

  /** How long one thumbnail may take before it is given up. */
  private static final long THUMBNAIL_SECONDS = 10;

  /** One example: the rejection and its thumbnail, or null. */
  record Example(Rejection rejection, Thumbnails.Thumbnail thumbnail) {}

  private RejectExamples() {}

  /** Examples by reason (sorted), at most {@value #PER_REASON} each, in the file's order. */
  static Map<String, List<Example>> read(Path rejectsFile) throws IOException {
    Map<String, List<Rejection>> chosen = new TreeMap<>();
    if (Files.isRegularFile(rejectsFile)) {
      try (BufferedReader in = Files.newBufferedReader(rejectsFile, StandardCharsets.UTF_8)) {
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          Rejection r;
          try {
            r = Rejection.fromJsonLine(line);
          } catch (RuntimeException e) {
            throw new IOException(rejectsFile + " line " + lineNo + ": not a rejection", e);
          }
          List<Rejection> list = chosen.get(r.reason());
          if (list == null && chosen.size() < REASONS) {
            list = new ArrayList<>();
            chosen.put(r.reason(), list);
          }
          if (list != null && list.size() < PER_REASON) {
            list.add(r);
          }
        }
      }
    }
    Map<String, List<Example>> examples = new LinkedHashMap<>();
    ExecutorService decoder =
        Executors.newSingleThreadExecutor(DaemonThreads.named("kiln-report-thumbnail"));
    boolean[] stuck = {false}; // a decoder that did not return holds the only thread
    try {
      for (Map.Entry<String, List<Rejection>> e : chosen.entrySet()) {
        List<Example> list = new ArrayList<>();
        for (Rejection r : e.getValue()) {
          boolean open = !NOT_OPENED.contains(r.reason()) && !stuck[0];
          list.add(new Example(r, open ? thumbnail(decoder, r.path(), stuck) : null));
        }
        examples.put(e.getKey(), list);
      }
    } finally {
      decoder.shutdownNow();
    }
    return examples;
  }

  /** The thumbnail of a local input, made on {@code decoder} and given up after a while. */
  private static Thumbnails.Thumbnail thumbnail(
      ExecutorService decoder, String path, boolean[] stuck) {
    Path file;
    try {
      file = path.startsWith("file:") ? Path.of(java.net.URI.create(path)) : Path.of(path);
    } catch (IllegalArgumentException e) { // InvalidPathException too
      return null; // a remote input (gs://...): not opened for a report
    }
    Future<Thumbnails.Thumbnail> f = decoder.submit(() -> Thumbnails.ofDamaged(file));
    try {
      return f.get(THUMBNAIL_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      stuck[0] = true;
      return null;
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
