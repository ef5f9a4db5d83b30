package dev.kiln.runners.objectstore;

import dev.kiln.formats.objectstore.S3Access;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: s3proxy (its jar-with-dependencies, copied into {@code
 * target/s3proxy} by the build) with its filesystem backend in a temporary directory, started as a
 * separate JVM on a free loopback port and always stopped after the test class. It checks AWS
 * signatures, so tests of refused credentials are real. The test JVM's AWS credentials are set as
 * system properties ({@code aws.accessKeyId}, read first by the SDK's default chain); a kiln run
 * reaches the server through {@code --endpoint} ({@link #endpointFlag()}).
 *
 * <p>{@link #kill()} and {@link #start()} stop and restart it on the same port and data, for fault
 * tests.
 */
public final class S3ProxyServer implements BeforeAllCallback, AfterAllCallback {
  public static final String ACCESS_KEY = "kiln-test";
  public static final String SECRET_KEY = "kiln-test-secret";

  private Path dir;
  private int port;
  private Process process;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("kiln-s3proxy-");
    Files.createDirectories(dir.resolve("data"));
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.writeString(
        dir.resolve("s3proxy.conf"),
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + dir.resolve("data"),
            ""));
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    start();
  }

  /** Starts the server (again, unless it runs) and waits until it answers. */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    String jar = System.getProperty("kiln.s3proxy.jar", "target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "s3proxy jar missing at "
              + jar
              + " (the build copies it in process-test-resources: run the tests through Maven)");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    process =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                // A short-lived test server: quick start-up matters more than peak speed.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-jar",
                jar,
                "--properties",
                dir.resolve("s3proxy.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "s3proxy exited with "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("s3proxy.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    kill();
    throw new IllegalStateException("s3proxy did not listen on port " + port + " within 60 s");
  }

  /** Kills the server at once (SIGKILL), as a crashed store would vanish. */
  public void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    kill();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The loopback port the server listens on (the same after a restart). */
  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The kiln flag that points a run at this server. */
  public String endpointFlag() {
    return "--endpoint=" + endpoint();
  }

  /** Settings for Kiln's own client to this server. */
  public S3Access access() {
    return S3Access.of(endpoint(), Map.of());
  }

  /** A store client to this server; the caller closes it. */
  public S3Objects store() {
    return new S3Objects(access());
  }

  /** Creates a bucket. */
  public void createBucket(String name) {
    try (S3Client client = access().client()) {
      client.createBucket(b -> b.bucket(name));
    }
  }

  /** Uploads every file below {@code dir} to {@code target}, keyed by relative path. */
  public void upload(Path dir, S3Location target) {
    try (S3Client client = access().client();
        Stream<Path> walk = Files.walk(dir)) {
      List<Path> files = walk.filter(Files::isRegularFile).toList();
      for (Path f : files) {
        String key = target.resolve(dir.relativize(f).toString().replace('\\', '/')).key();
        client.putObject(b -> b.bucket(target.bucket()).key(key), RequestBody.fromFile(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
