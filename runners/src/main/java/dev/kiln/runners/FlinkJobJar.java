package dev.kiln.runners;

import dev.kiln.pipelines.KilnVersion;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Finds Kiln's Flink job jar, {@code kiln-<version>-flink.jar}: the one file a Flink session
 * cluster needs to run a Kiln job (all of Kiln and Beam, none of Flink; built by {@code runners}'
 * shade execution). {@code --runner=flink} stages it with the job, so the cluster needs nothing
 * Kiln-specific installed.
 *
 * <p>Where it is looked for, first match wins:
 *
 * <ol>
 *   <li>{@code KILN_FLINK_JAR} (environment) or {@code kiln.flink.jar} (system property), for a jar
 *       kept elsewhere;
 *   <li>the jar this class was loaded from, when that is the job jar itself (under {@code flink run
 *       -c dev.kiln.runners.Kiln kiln-<version>-flink.jar prepare ...});
 *   <li>{@code runners/target/}, beside the {@code classes/} directory or the normal jar this class
 *       was loaded from (how {@code ./kiln} and the tests run).
 * </ol>
 */
public final class FlinkJobJar {
  private FlinkJobJar() {}

  /** The job jar's file name for this Kiln version. */
  public static String fileName() {
    return "kiln-" + KilnVersion.get() + "-flink.jar";
  }

  /**
   * Returns the job jar's absolute path.
   *
   * @throws UsageException when it cannot be found, saying where it was expected and how to build
   *     it
   */
  public static Path locate() throws UsageException {
    String configured = System.getenv("KILN_FLINK_JAR");
    if (configured == null || configured.isBlank()) {
      configured = System.getProperty("kiln.flink.jar");
    }
    if (configured != null && !configured.isBlank()) {
      Path jar = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(jar)) {
        throw new UsageException("the Flink job jar " + jar + " (KILN_FLINK_JAR) does not exist");
      }
      return jar;
    }
    Path loadedFrom = codeSource();
    if (loadedFrom == null) {
      throw new UsageException(
          "cannot tell where Kiln was loaded from to find "
              + fileName()
              + "; set KILN_FLINK_JAR to its path");
    }
    if (Files.isRegularFile(loadedFrom) && loadedFrom.getFileName().toString().equals(fileName())) {
      return loadedFrom;
    }
    // target/classes or target/kiln-runners-<version>.jar: the job jar is built into target/.
    Path jar = loadedFrom.getParent().resolve(fileName());
    if (!Files.isRegularFile(jar)) {
      throw new UsageException(
          "--runner=flink submits the Flink job jar "
              + jar
              + ", which is not built; run"
              + " `mvn -B -DskipTests package` in the Kiln checkout (./kiln does it when sources"
              + " change) or set KILN_FLINK_JAR");
    }
    return jar;
  }

  private static Path codeSource() {
    CodeSource source = FlinkJobJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
