package dev.kiln.runners.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Python reader processes as the ranks of one epoch, for {@code kiln bench-read --ranks}: each runs
 * {@code formats/python/bench_reader.py rank} (kiln_reader, checksums verified, T threads), loads
 * the dataset index, says it is ready, and reads its share of the epoch when told to go; the time
 * is counted from the go to the last rank's report, so starting Python is not measured.
 */
final class PythonRanks {
  private static final String SCRIPT = "formats/python/bench_reader.py";

  /** What one epoch read by every rank measured. */
  record Result(long samples, long bytes, double seconds) {
    double samplesPerSecond() {
      return samples / seconds;
    }

    double mibPerSecond() {
      return bytes / (1024.0 * 1024.0) / seconds;
    }
  }

  private PythonRanks() {}

  /**
   * {@code formats/python/bench_reader.py} of the Kiln this code was built from (found from its jar
   * or classes directory upwards), or from the working directory.
   */
  static Optional<Path> script() {
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(
          Path.of(PythonRanks.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toAbsolutePath());
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // No code source: only the working directory is looked in.
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve(SCRIPT))) {
          return Optional.of(p.resolve(SCRIPT));
        }
      }
    }
    return Optional.empty();
  }

  /** Runs {@code ranks} processes of {@code threads} threads over one epoch of {@code dataset}. */
  static Result run(
      String python, Path script, Path dataset, int ranks, int threads, long seed, long epoch)
      throws IOException, InterruptedException {
    List<Process> processes = new ArrayList<>();
    try {
      for (int r = 0; r < ranks; r++) {
        processes.add(
            new ProcessBuilder(
                    python,
                    script.toString(),
                    "rank",
                    dataset.toString(),
                    "--rank=" + r,
                    "--world=" + ranks,
                    "--threads=" + threads,
                    "--seed=" + seed,
                    "--epoch=" + epoch)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
      }
      List<BufferedReader> answers = new ArrayList<>();
      for (Process p : processes) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (!"ready".equals(line)) {
          throw new IOException(
              python
                  + " "
                  + script
                  + " rank: did not start (said "
                  + line
                  + "; exit "
                  + (p.waitFor() == 0 ? 0 : p.exitValue())
                  + ")");
        }
        answers.add(in);
      }
      long start = System.nanoTime();
      for (Process p : processes) {
        OutputStream go = p.getOutputStream();
        go.write('\n');
        go.flush();
      }
      List<String> reports = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        String line = answers.get(r).readLine();
        if (line == null) {
          throw new IOException(
              "python rank "
                  + r
                  + " failed (exit "
                  + processes.get(r).waitFor()
                  + "; its error is above)");
        }
        reports.add(line);
      }
      // The clock stops before the reports are parsed: a first JSON parse loads Jackson.
      double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      long samples = 0;
      long bytes = 0;
      ObjectMapper json = new ObjectMapper();
      for (String line : reports) {
        JsonNode report = json.readTree(line);
        samples += report.get("samples").asLong();
        bytes += report.get("bytes").asLong();
      }
      for (Process p : processes) {
        p.getOutputStream().close();
        p.waitFor();
      }
      return new Result(samples, bytes, seconds);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
      }
    }
  }
}
