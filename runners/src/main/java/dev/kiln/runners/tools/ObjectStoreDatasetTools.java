package dev.kiln.runners.tools;

import dev.kiln.formats.Manifest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.ShardFile;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.kiln.ReadBenchmark;
import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.ExitCode;
import dev.kiln.runners.UsageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code verify}, {@code inspect} and {@code bench-read} of a kiln dataset on S3 ({@code
 * s3://bucket/prefix}, or a versioned root whose {@code CURRENT} object is followed), read through
 * {@link KilnDataset} with one ranged GET per sample. The store is reached with the standard AWS
 * settings, or {@code --endpoint=URL}.
 */
final class ObjectStoreDatasetTools {
  private ObjectStoreDatasetTools() {}

  /** The {@code s3://} dataset among the positional arguments, or null. */
  static String locationIn(List<String> args) {
    for (String a : args) {
      if (S3Location.isS3(a)) {
        return a;
      }
    }
    return null;
  }

  private static S3Objects store(ToolArguments a) throws UsageException {
    try {
      return new S3Objects(S3Access.of(a.string("endpoint", null), System.getenv()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String only(ToolArguments a, String usage) throws UsageException {
    return a.positional(usage);
  }

  /** {@code kiln verify s3://...}: every record's checksum and decoding, counts and digests. */
  static int verify(List<String> args, PrintStream out, PrintStream err) {
    String location;
    S3Objects store;
    try {
      ToolArguments a = ToolArguments.parse(args, Set.of("endpoint"), Set.of());
      location = only(a, VerifyCommand.USAGE);
      store = store(a);
    } catch (UsageException e) {
      err.println("kiln verify: " + e.getMessage());
      return ExitCode.USAGE;
    }
    long started = System.nanoTime();
    List<String> problems = new ArrayList<>();
    int size;
    try (KilnDataset ds = KilnDataset.open(S3Location.parse(location), store)) {
      size = ds.size();
      for (int i = 0; i < size; i++) {
        try {
          ds.get(i);
        } catch (RuntimeException e) {
          problems.add(e.getMessage());
        }
      }
      S3Location dir = S3Location.parse(ds.location());
      Manifest manifest =
          Manifest.readFrom(
              new ByteArrayInputStream(store.read(dir.resolve(Manifest.FILE_NAME))),
              dir.resolve(Manifest.FILE_NAME).toString());
      if (manifest.written() != size) {
        problems.add(
            dir
                + ": manifest.json counts "
                + manifest.written()
                + " written samples, the index "
                + size);
      }
      for (ShardFile f : manifest.shards()) {
        S3Location object = dir.resolve(f.name());
        byte[] bytes = store.read(object);
        if (bytes.length != f.bytes()) {
          problems.add(object + ": " + bytes.length + " bytes, manifest.json says " + f.bytes());
        } else if (!f.sha256().isEmpty() && !f.sha256().equals(sha256(bytes))) {
          problems.add(object + ": SHA-256 differs from manifest.json");
        }
      }
    } catch (IOException | RuntimeException e) {
      err.println("kiln verify: " + location + ": " + e.getMessage());
      return ExitCode.FAILED;
    }
    if (problems.isEmpty()) {
      out.printf(
          "kiln verify: %s: OK (kiln, %d samples) in %.1f s%n",
          location, size, (System.nanoTime() - started) / 1e9);
      return ExitCode.OK;
    }
    problems.forEach(out::println);
    out.printf(
        "kiln verify: %s: %d problem%s found%n",
        location, problems.size(), problems.size() == 1 ? "" : "s");
    return ExitCode.FAILED;
  }

  /** {@code kiln inspect s3://... [--key K]}: a summary, or one sample's metadata. */
  static int inspect(List<String> args, PrintStream out, PrintStream err) {
    String location;
    S3Objects store;
    String key;
    try {
      ToolArguments a = ToolArguments.parse(args, Set.of("endpoint", "key"), Set.of());
      location = only(a, InspectCommand.USAGE);
      key = a.string("key", null);
      store = store(a);
    } catch (UsageException e) {
      err.println("kiln inspect: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try (KilnDataset ds = KilnDataset.open(S3Location.parse(location), store)) {
      if (key != null) {
        if (ds.indexOf(key) < 0) {
          err.println("kiln inspect: " + ds.location() + ": no sample with key '" + key + "'");
          return ExitCode.FAILED;
        }
        Sample s = ds.get(key);
        out.printf(
            "{\"key\": \"%s\", \"encoding\": \"%s\", \"width\": %d, \"height\": %d, "
                + "\"channels\": %d, \"image_bytes\": %d, \"labels\": %s}%n",
            s.key(),
            s.encoding(),
            s.width(),
            s.height(),
            s.channels(),
            s.image().length,
            s.labels().stream().map(l -> "\"" + l + "\"").toList());
        return ExitCode.OK;
      }
      out.printf("dataset %s%n", ds.location());
      out.printf("format: kiln, %d samples in %d shards%n", ds.size(), ds.index().shardCount());
      int show = Math.min(5, ds.size());
      out.printf("first keys: %s%n", ds.keys().subList(0, show));
      return ExitCode.OK;
    } catch (IOException | RuntimeException e) {
      err.println("kiln inspect: " + location + ": " + e.getMessage());
      return ExitCode.FAILED;
    }
  }

  /** {@code kiln bench-read s3://...}: random ranged-GET reads, samples/s and latencies. */
  static int benchRead(List<String> args, PrintStream out, PrintStream err) {
    String location;
    S3Objects store;
    int threads;
    long samplesWanted;
    long seed;
    try {
      ToolArguments a =
          ToolArguments.parse(args, Set.of("endpoint", "threads", "samples", "seed"), Set.of());
      location = only(a, BenchReadCommand.USAGE);
      threads = (int) a.number("threads", 32, 1, 4096);
      samplesWanted = a.number("samples", -1, 1, Integer.MAX_VALUE);
      seed = a.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
      store = store(a);
    } catch (UsageException e) {
      err.println("kiln bench-read: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try (KilnDataset ds = KilnDataset.open(S3Location.parse(location), store)) {
      int samples = samplesWanted < 0 ? ds.size() : (int) samplesWanted;
      out.printf(
          "kiln bench-read: %s: %d of %d samples, random order (seed %d), %d threads,"
              + " one ranged GET each, checksums verified%n",
          ds.location(), samples, ds.size(), seed, threads);
      ReadBenchmark.Result r = ReadBenchmark.run(ds, threads, samples, seed, false);
      out.printf(
          "  kiln (S3 ranged GET): %.0f samples/s, %.1f MiB/s, p50 %.2f ms, p99 %.2f ms,"
              + " %d requests, %d retried%n",
          r.samplesPerSecond(),
          r.mibPerSecond(),
          r.p50Micros() / 1000,
          r.p99Micros() / 1000,
          r.readCalls(),
          store.retries());
      return ExitCode.OK;
    } catch (IOException | RuntimeException e) {
      err.println("kiln bench-read: " + location + ": " + e.getMessage());
      return ExitCode.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.FAILED;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
