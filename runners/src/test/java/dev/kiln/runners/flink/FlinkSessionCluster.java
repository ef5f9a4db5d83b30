package dev.kiln.runners.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Flink 1.19 session cluster for integration tests: one JobManager JVM and N TaskManager
 * JVMs on loopback, started the way Flink's own scripts start them.
 *
 * <p>It is a stock cluster. Its classpath is Flink's jars only ({@code conf/flink/cluster/pom.xml},
 * resolved at build time into the file named by system property {@code
 * kiln.flink.clusterClasspath}); its configuration is Kiln's shipped {@code
 * conf/flink/config.yaml}, whose {@code env.java.opts.all} is applied to every JVM as {@code
 * flink-daemon.sh} does, with test-only overrides for ports, sizes and heartbeat speed given as
 * {@code -D} dynamic properties. Heap and {@code -D} memory settings come from Flink's {@code
 * BashJavaUtils}, exactly as in {@code jobmanager.sh}/{@code taskmanager.sh}. Kiln's code reaches
 * the cluster only inside submitted job jars.
 *
 * <p>Every process is destroyed by {@link #close()} (also called by {@code afterAll}) and, should
 * the test JVM die first, by a shutdown hook. Each cluster's configuration and logs stay in {@code
 * target/flink-it/<name>-<time>/} ({@code *.log} from Log4j, {@code *.out} from stdout and stderr).
 */
public final class FlinkSessionCluster
    implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final int taskManagers;
  private final int slotsPerTaskManager;
  private final Map<String, String> overrides = new LinkedHashMap<>();

  /** CPU lists TaskManager i is pinned to with {@code taskset}, by start order; empty: none. */
  private final List<String> taskManagerCpus = new ArrayList<>();

  private final List<Process> taskManagerProcesses = new ArrayList<>();
  private Process jobManager;
  private Path home;
  private int restPort;
  private List<String> jvmOptions;
  private String classpath;
  private Thread shutdownHook;
  private int started;

  /**
   * A cluster named {@code name} (for its log directory) of {@code taskManagers} TaskManagers with
   * {@code slotsPerTaskManager} slots each; nothing runs until {@link #start()}.
   */
  public FlinkSessionCluster(String name, int taskManagers, int slotsPerTaskManager) {
    this.name = name;
    this.taskManagers = taskManagers;
    this.slotsPerTaskManager = slotsPerTaskManager;
    // Small enough for three JVMs beside the test on a 2-core CI machine, large enough for the
    // sample images; the shipped config's sizes are for real workers.
    overrides.put("jobmanager.memory.process.size", "1024m");
    overrides.put("taskmanager.memory.process.size", "1800m");
    overrides.put("taskmanager.memory.task.heap.size", "768m");
    overrides.put("taskmanager.memory.managed.size", "128m");
    overrides.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
    overrides.put("parallelism.default", Integer.toString(taskManagers * slotsPerTaskManager));
    // A killed TaskManager is noticed in seconds rather than the default 50 s.
    overrides.put("heartbeat.interval", "2000");
    overrides.put("heartbeat.timeout", "10000");
    overrides.put("restart-strategy.fixed-delay.delay", "3s");
  }

  /**
   * Pins the TaskManagers, in start order, to the CPUs of {@code cpuLists} ({@code taskset -c},
   * e.g. {@code "0"}, {@code "1"}): on one machine, TaskManagers pinned to cores of their own stand
   * in for machines of their own.
   */
  public FlinkSessionCluster pinTaskManagers(String... cpuLists) {
    taskManagerCpus.addAll(List.of(cpuLists));
    return this;
  }

  /** Sets a Flink configuration key for every process of this cluster (before {@link #start()}). */
  public FlinkSessionCluster with(String key, String value) {
    overrides.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts the JobManager and the TaskManagers and waits until all are registered. */
  public synchronized void start() throws IOException, InterruptedException {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    home = Path.of("target", "flink-it", name + "-" + stamp).toAbsolutePath();
    Path conf = home.resolve("conf");
    Files.createDirectories(conf);
    Files.createDirectories(home.resolve("tmp"));
    Path shipped = repoRoot().resolve("conf/flink/config.yaml");
    Files.copy(shipped, conf.resolve("config.yaml"));
    Files.writeString(conf.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);

    classpath = Files.readString(Path.of(requiredProperty("kiln.flink.clusterClasspath"))).trim();
    jvmOptions = javaOptsAll(shipped);
    restPort = freePort();
    overrides.put("rest.port", Integer.toString(restPort));
    overrides.put("jobmanager.rpc.port", Integer.toString(freePort()));
    // The JobManager's; each TaskManager gets a directory of its own (startTaskManager), as
    // TaskManagers on machines of their own would: only input and output locations are shared.
    overrides.put("io.tmp.dirs", home.resolve("tmp").toString());

    shutdownHook = new Thread(this::destroyAll, "flink-it-" + name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      jobManager =
          launch(
              "jobmanager",
              "GET_JM_RESOURCE_PARAMS",
              "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
              Map.of(),
              List.of());
      for (int i = 0; i < taskManagers; i++) {
        startTaskManager();
      }
      awaitTaskManagers(taskManagers, Duration.ofSeconds(120));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** The JobManager's REST address, {@code localhost:PORT}: Kiln's {@code --flink-master}. */
  public String restAddress() {
    return "localhost:" + restPort;
  }

  /** Where this cluster's configuration and logs are. */
  public Path home() {
    return home;
  }

  /** The TaskManager processes started so far (killed ones included), in start order. */
  public synchronized List<Process> taskManagers() {
    return List.copyOf(taskManagerProcesses);
  }

  /** Starts one more TaskManager (for example to replace a killed one). */
  public synchronized Process startTaskManager() throws IOException, InterruptedException {
    int index = started++;
    String role = "taskmanager-" + index;
    Path tmp = Files.createDirectories(home.resolve("tmp-" + role));
    List<String> prefix =
        index < taskManagerCpus.size()
            ? List.of("taskset", "-c", taskManagerCpus.get(index))
            : List.of();
    Process tm =
        launch(
            role,
            "GET_TM_RESOURCE_PARAMS",
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            Map.of("io.tmp.dirs", tmp.toString()),
            prefix);
    taskManagerProcesses.add(tm);
    return tm;
  }

  /** Kills a TaskManager the way a crashed machine would: SIGKILL, no shutdown of any kind. */
  public synchronized void killTaskManager(int index) throws InterruptedException {
    Process tm = taskManagerProcesses.get(index);
    tm.destroyForcibly();
    if (!tm.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "TaskManager " + index + " (pid " + tm.pid() + ") did not die");
    }
  }

  /** Waits until the JobManager reports {@code count} registered TaskManagers. */
  public void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (jobManager != null && !jobManager.isAlive()) {
        throw new IllegalStateException(
            "the JobManager exited with " + jobManager.exitValue() + "; see " + home);
      }
      try {
        JsonNode overview = get("/overview");
        last = overview.toString();
        if (overview.path("taskmanagers").asInt() == count) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "no "
            + count
            + " TaskManagers registered within "
            + timeout
            + " (last /overview: "
            + last
            + "); logs in "
            + home);
  }

  /** A GET on the REST API, e.g. {@code /overview} or {@code /jobs/overview}. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Destroys every process of the cluster (forcibly: tests must never leave JVMs behind). */
  @Override
  public synchronized void close() {
    destroyAll();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or has run; it destroys the same processes.
      }
      shutdownHook = null;
    }
  }

  private void destroyAll() {
    List<Process> all = new ArrayList<>(taskManagerProcesses);
    if (jobManager != null) {
      all.add(jobManager);
    }
    for (Process p : all) {
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Starts one Flink JVM: heap and memory {@code -D}s from BashJavaUtils, then the entry point with
   * {@code --configDir} and the overrides, as {@code flink-daemon.sh} does.
   */
  private Process launch(
      String role,
      String resourceCommand,
      String mainClass,
      Map<String, String> own,
      List<String> commandPrefix)
      throws IOException, InterruptedException {
    Map<String, String> settings = new LinkedHashMap<>(overrides);
    settings.putAll(own);
    List<String> dynamic = new ArrayList<>();
    settings.forEach(
        (k, v) -> {
          dynamic.add("-D");
          dynamic.add(k + "=" + v);
        });
    List<String> resources = resourceParams(role, resourceCommand, dynamic);
    List<String> jvmParams = Arrays.asList(resources.get(0).trim().split("\\s+"));
    List<String> resourceDynamic =
        resources.size() > 1 && !resources.get(1).isBlank()
            ? Arrays.asList(resources.get(1).trim().split("\\s+"))
            : List.of();

    List<String> command = new ArrayList<>(commandPrefix);
    command.add(javaBin());
    command.addAll(jvmParams);
    command.addAll(jvmOptions);
    if (own.containsKey("io.tmp.dirs")) {
      // A TaskManager's own temporary files (a job's too) go to its private directory.
      command.add("-Djava.io.tmpdir=" + own.get("io.tmp.dirs"));
    }
    command.add("-Dlog.file=" + home.resolve(role + ".log"));
    command.add("-Dlog4j.configurationFile=file:" + home.resolve("conf/log4j.properties"));
    command.add("-classpath");
    command.add(classpath);
    command.add(mainClass);
    command.add("--configDir");
    command.add(home.resolve("conf").toString());
    command.addAll(dynamic);
    command.addAll(resourceDynamic);
    // Shell-quoted, so the file can be pasted into a shell to start the same JVM by hand.
    Files.writeString(
        home.resolve(role + ".cmd"),
        command.stream().map(FlinkSessionCluster::shellQuote).collect(Collectors.joining(" "))
            + "\n");
    return new ProcessBuilder(command)
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(home.resolve(role + ".out").toFile())
        .start();
  }

  /** The two BASH_JAVA_UTILS_EXEC_RESULT lines: JVM parameters, then dynamic properties. */
  private List<String> resourceParams(String role, String command, List<String> dynamic)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add(javaBin());
    args.addAll(jvmOptions);
    args.add("-classpath");
    args.add(classpath);
    args.add("org.apache.flink.runtime.util.bash.BashJavaUtils");
    args.add(command);
    args.add("--configDir");
    args.add(home.resolve("conf").toString());
    args.addAll(dynamic);
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "BashJavaUtils " + command + " for " + role + " failed:\n" + output);
    }
    String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
    List<String> results =
        output
            .lines()
            .filter(l -> l.startsWith(prefix))
            .map(l -> l.substring(prefix.length()))
            .toList();
    if (results.isEmpty()) {
      throw new IllegalStateException(
          "BashJavaUtils " + command + " printed no result:\n" + output);
    }
    return results;
  }

  /** {@code env.java.opts.all} of the shipped config, as Flink's scripts apply it. */
  private static List<String> javaOptsAll(Path config) throws IOException {
    Map<String, Object> yaml = new Yaml().load(Files.readString(config));
    Object opts = yaml.get("env.java.opts.all");
    if (opts == null || opts.toString().isBlank()) {
      throw new IllegalStateException(
          config + " sets no env.java.opts.all; Flink 1.19 on Java 17 needs it");
    }
    return Arrays.asList(opts.toString().trim().split("\\s+"));
  }

  /** The Kiln checkout (failsafe runs in runners/). */
  public static Path repoRoot() {
    return Path.of(requiredProperty("kiln.repoRoot")).toAbsolutePath().normalize();
  }

  private static String requiredProperty(String key) {
    String value = System.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + key + " is not set (set by failsafe in runners/pom.xml)");
    }
    return value;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String shellQuote(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flink's default file logging (conf/log4j.properties of the distribution, abridged). */
  private static final String LOG4J =
      """
      monitorInterval = 0
      rootLogger.level = INFO
      rootLogger.appenderRef.file.ref = MainAppender
      appender.main.name = MainAppender
      appender.main.type = File
      appender.main.append = true
      appender.main.fileName = ${sys:log.file}
      appender.main.layout.type = PatternLayout
      appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
      """;
}
