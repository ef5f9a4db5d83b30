package dev.kiln.runners.tools;

import static dev.kiln.runners.tools.ToolsTestData.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.kiln.CorruptRecordException;
import dev.kiln.formats.kiln.CorruptShardException;
import dev.kiln.formats.kiln.KilnDataset;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln verify} on real datasets, intact and damaged the ways disks and copies damage them.
 */
class VerifyCommandTest {
  @TempDir Path tmp;

  private Path kilnDataset() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("ds"));
    ToolsTestData.kilnDataset(
        dir, List.of(ToolsTestData.samples("cats", 0, 7), ToolsTestData.samples("dogs", 7, 6)));
    return dir;
  }

  private Path webDataset() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("wds"));
    ToolsTestData.webDataset(
        dir, List.of(ToolsTestData.samples("cats", 0, 5), ToolsTestData.samples("dogs", 5, 4)));
    return dir;
  }

  private static void flipByte(Path file, long position) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(position);
      int b = f.read();
      f.seek(position);
      f.write(b ^ 0x40);
    }
  }

  @Test
  void intactKilnDatasetVerifies() throws Exception {
    Path dir = kilnDataset();
    ToolsTestData.Run run = kiln("verify", dir.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("OK (kiln, 13 samples in 2 shards)"), run.out());
  }

  @Test
  void flippedRecordByteIsReportedWithShardAndRecordAndTheRecordFailsToRead() throws Exception {
    Path dir = kilnDataset();
    int target;
    long offset;
    int length;
    try (KilnDataset ds = KilnDataset.open(dir)) {
      target = ds.indexOf("dogs/img_10");
      offset = ds.index().offset(target);
      length = ds.index().length(target);
    }
    flipByte(dir.resolve("shard-00001.kiln"), offset + length / 2);

    ToolsTestData.Run run = kiln("verify", dir.toString());
    assertEquals(1, run.code(), run.out());
    assertTrue(
        run.out().contains("shard-00001.kiln record 3 (key 'dogs/img_10'): CRC-32 mismatch"),
        run.out());
    assertTrue(run.out().contains("problems found"), run.out());
    try (KilnDataset ds = KilnDataset.open(dir)) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> ds.readRecord(target));
      assertTrue(e.getMessage().contains("dogs/img_10"), e.getMessage());
      ds.readRecord(target - 1); // neighbours stay readable
    }
  }

  @Test
  void truncatedShardIsReportedAndRefusedOnOpen() throws Exception {
    Path dir = kilnDataset();
    Path shard = dir.resolve("shard-00000.kiln");
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100);
    }
    ToolsTestData.Run run = kiln("verify", dir.toString());
    assertEquals(1, run.code(), run.out());
    assertTrue(
        run.out().lines().anyMatch(l -> l.contains("shard-00000.kiln") && l.contains("truncated")),
        run.out());
    assertThrows(CorruptShardException.class, () -> KilnDataset.open(dir));
  }

  @Test
  void intactWebDatasetVerifies() throws Exception {
    ToolsTestData.Run run = kiln("verify", webDataset().toString());
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("OK (webdataset, 9 samples in 2 shards)"), run.out());
  }

  @Test
  void modifiedTarByteIsASha256Mismatch() throws Exception {
    Path dir = webDataset();
    flipByte(dir.resolve("shard-00001.tar"), 2000);
    ToolsTestData.Run run = kiln("verify", dir.toString());
    assertEquals(1, run.code(), run.out());
    assertTrue(
        run.out().lines().anyMatch(l -> l.startsWith("shard-00001.tar: SHA-256 is")), run.out());
  }

  @Test
  void missingMemberAndExtraShardAreReported() throws Exception {
    Path dir = webDataset();
    Files.copy(dir.resolve("shard-00000.tar"), dir.resolve("shard-00002.tar"));
    Files.delete(dir.resolve("shard-00001.tar"));
    ToolsTestData.Run run = kiln("verify", dir.toString());
    assertEquals(1, run.code(), run.out());
    assertTrue(
        run.out().contains("shard-00001.tar: listed in manifest.json but missing"), run.out());
    assertTrue(run.out().contains("shard-00002.tar: shard not listed in manifest.json"), run.out());
  }

  @Test
  void badUsageIsOneLineAndExit2() throws Exception {
    ToolsTestData.Run missing = kiln("verify");
    assertEquals(2, missing.code());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    ToolsTestData.Run flag = kiln("verify", tmp.toString(), "--bogus");
    assertEquals(2, flag.code());
    assertTrue(flag.err().contains("--bogus"), flag.err());
    assertEquals(2, kiln("verify", tmp.resolve("nope").toString()).code());
  }

  @Test
  void directoryWithoutADatasetIsAProblem() throws Exception {
    ToolsTestData.Run run = kiln("verify", tmp.toString());
    assertEquals(1, run.code());
    assertTrue(run.out().contains("not a Kiln dataset"), run.out());
  }
}
