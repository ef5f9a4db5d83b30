package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher's class-archive training prepares on every embedded runner and leaves nothing. */
class ClassArchiveTrainingTest {
  private static List<Path> trainingDirs() throws Exception {
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith("kiln-class-archive-")).toList();
    }
  }

  @Test
  void preparesTheSamplesOnEachEmbeddedRunnerAndRemovesItsOutputs() throws Exception {
    List<Path> before = trainingDirs();
    PrepareCommandTest.Run run =
        PrepareCommandTest.kiln("class-archive-training", PrepareCommandTest.SAMPLES.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(before, trainingDirs(), "its temporary outputs are removed");
  }

  @Test
  void withoutADirectoryItIsAUsageError() {
    PrepareCommandTest.Run run = PrepareCommandTest.kiln("class-archive-training", "/no/such/dir");
    assertEquals(ExitCode.USAGE, run.code());
    assertTrue(run.err().contains("give a directory"), run.err());
  }
}
