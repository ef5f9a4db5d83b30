package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.Sample;
import dev.kiln.formats.kiln.CorruptRecordException;
import dev.kiln.formats.kiln.KilnDataset;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reading a kiln dataset on S3 (s3proxy): the Java reader with one ranged GET per sample from many
 * threads, {@code verify}, {@code inspect} and {@code bench-read} on {@code s3://}, and the Python
 * reader through boto3, all agreeing with the same dataset read from local disk.
 */
class ObjectStoreReadTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();
  @TempDir static Path tmp;
  static String bucket;
  static String root;
  static Map<String, byte[]> localImages;

  @BeforeAll
  static void prepareOnS3AndLocally() throws Exception {
    bucket = "kiln-read";
    S3.createBucket(bucket);
    root = "s3://" + bucket + "/nightly";
    PrepareCommandTest.Run run =
        ObjectStorePrepareTest.prepare(
            S3, PrepareCommandTest.SAMPLES.toString(), root, "--versioned");
    assertEquals(0, run.code(), run.err());
    Path local = tmp.resolve("local");
    assertEquals(
        0,
        ObjectStorePrepareTest.prepare(S3, PrepareCommandTest.SAMPLES.toString(), local.toString())
            .code());
    localImages = ObjectStorePrepareTest.images(local);
  }

  @Test
  void theJavaReaderFetchesEachSampleWithOneRangedGetFromManyThreads() throws Exception {
    try (KilnDataset ds = KilnDataset.open(S3Location.parse(root), S3.store())) {
      assertEquals(root + "/v000001", ds.location(), "CURRENT is followed");
      assertTrue(ds.remote());
      assertTrue(ds.index().shardCount() >= 2, "several shards");
      assertEquals(localImages.size(), ds.size());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Sample>> reads = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
          for (String key : localImages.keySet()) {
            reads.add(pool.submit(() -> ds.get(key)));
          }
        }
        for (Future<Sample> f : reads) {
          Sample s = f.get();
          assertArrayEquals(localImages.get(s.key()), s.image(), s.key());
        }
        assertEquals(reads.size(), ds.readCalls(), "one ranged GET per sample");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void verifyInspectAndBenchReadTakeS3Datasets() {
    String endpoint = S3.endpointFlag();
    PrepareCommandTest.Run verify = PrepareCommandTest.kiln("verify", root, endpoint);
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(
        verify.out().contains("kiln verify: " + root + ": OK (kiln, 7 samples)"), verify.out());

    PrepareCommandTest.Run inspect =
        PrepareCommandTest.kiln("inspect", root, "--key", "food/coffee", endpoint);
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("\"key\": \"food/coffee\""), inspect.out());
    assertTrue(
        inspect.out().contains("\"image_bytes\": " + localImages.get("food/coffee").length),
        inspect.out());

    PrepareCommandTest.Run bench =
        PrepareCommandTest.kiln("bench-read", root, "--threads=4", "--samples=7", endpoint);
    assertEquals(0, bench.code(), bench.err());
    assertTrue(
        bench
            .out()
            .matches("(?s).*kiln \\(S3 ranged GET\\): \\d+ samples/s.*p50 .* ms, p99 .* ms.*"),
        bench.out());
  }

  @Test
  void aDamagedRecordFailsItsChecksumAndVerifyNamesIt() throws Exception {
    S3Location good = S3Location.parse(root + "/v000001");
    S3Location bad = S3Location.parse("s3://" + bucket + "/damaged");
    String shard;
    long offset;
    try (S3Objects store = S3.store();
        KilnDataset ds = KilnDataset.open(good, S3.store())) {
      shard = ds.index().shardFileName(ds.index().shardOf(0));
      offset = ds.index().offset(0) + ds.index().length(0) / 2;
      for (S3Object o : store.list(good)) {
        String name = o.key().substring(good.prefix().length());
        byte[] bytes = store.read(good.resolve(name));
        if (name.equals(shard)) {
          bytes[(int) offset] ^= 0x55;
        }
        Path file = Files.write(tmp.resolve("copy"), bytes);
        store.put(bad.resolve(name), file);
      }
    }
    try (KilnDataset ds = KilnDataset.open(bad, S3.store())) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> ds.get(0));
      assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
      assertEquals(localImages.get(ds.key(1)).length, ds.get(1).image().length, "the others read");
    }
    PrepareCommandTest.Run verify =
        PrepareCommandTest.kiln("verify", bad.toString(), S3.endpointFlag());
    assertEquals(ExitCode.FAILED, verify.code(), verify.out());
    assertTrue(verify.out().contains("corrupt record 0"), verify.out());
    assertTrue(verify.out().contains(shard + ": SHA-256 differs from manifest.json"), verify.out());
  }

  @Test
  void thePythonReaderReadsTheS3DatasetThroughBoto3() throws Exception {
    String python = System.getenv().getOrDefault("KILN_PYTHON", "/usr/bin/python3");
    String script =
        String.join(
            "\n",
            "import sys, json, hashlib, pickle",
            "sys.path.insert(0, sys.argv[1])",
            "import kiln_reader",
            "ds = kiln_reader.KilnDataset(sys.argv[2])",
            "again = pickle.loads(pickle.dumps(ds))",
            "out = {'location': ds.path}",
            "for k in ds.keys():",
            "    assert again.get(k)['image'] == ds.get(k)['image']",
            "    out[k] = hashlib.sha256(ds.get(k)['image']).hexdigest()",
            "try:",
            "    kiln_reader.KilnDataset(sys.argv[3])",
            "except kiln_reader.KilnError as e:",
            "    out['missing'] = str(e)",
            "print(json.dumps(out, sort_keys=True))",
            "");
    ProcessBuilder pb =
        new ProcessBuilder(
                python,
                "-c",
                script,
                Path.of("../formats/python").toAbsolutePath().toString(),
                root,
                "s3://" + bucket + "/no-dataset-here")
            .redirectErrorStream(true);
    pb.environment().put("AWS_ENDPOINT_URL", S3.endpoint());
    pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    pb.environment().remove("AWS_PROFILE");
    Process p = pb.start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), printed);
    Map<String, String> expected = new TreeMap<>();
    expected.put("location", root + "/v000001");
    for (var e : localImages.entrySet()) {
      expected.put(
          e.getKey(),
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue())));
    }
    expected.put(
        "missing",
        "s3://"
            + bucket
            + "/no-dataset-here/manifest.json: no published dataset there (its manifest.json is written last)");
    StringBuilder json = new StringBuilder("{");
    expected.forEach(
        (k, v) ->
            json.append(json.length() == 1 ? "" : ", ")
                .append('"')
                .append(k)
                .append("\": \"")
                .append(v)
                .append('"'));
    assertEquals(json.append('}').toString(), printed);
  }
}
