package dev.kiln.formats.kiln;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.formats.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index version 3: a dataset version that shares shards with others lists only its live records
 * (deleted and replaced samples stay in the shard files, unlisted). Java, Python and the verifier
 * read it with one read per sample; an index whose shards are all live stays version 2.
 */
class SharedShardIndexTest {
  @TempDir Path dir;

  /** Two shards of a base version, one record of each dropped, and a delta shard. */
  private List<Sample> writeSharedVersion() throws Exception {
    List<Sample> base = TestData.samples("s", 8);
    List<ShardSummary> sums =
        TestData.writeDataset(dir, 4096, List.of(base.subList(0, 4), base.subList(4, 8)));
    // A later version replaced s/img_1 (its new record is in the delta shard) and deleted s/img_6.
    Sample replaced = TestData.sample("s/img_1", 101);
    Sample added = TestData.sample("s/img_9", 9);
    ShardSummary delta =
        TestData.writeShard(dir.resolve("part-v000002-00000.kiln"), 4096, List.of(added, replaced));
    DatasetIndex base0 = DatasetIndex.read(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    Set<String> dead = Set.of("s/img_1", "s/img_6");
    List<LiveShard> shards = new ArrayList<>();
    for (int s = 0; s < base0.shardCount(); s++) {
      shards.add(LiveShard.of(base0, s, i -> !dead.contains(base0.key(i))));
    }
    shards.add(LiveShard.whole(delta));
    DatasetIndex index =
        DatasetIndex.ofLiveShards(ShardLayout.VERSION, 4096, sums.get(0).schemaJson(), shards);
    index.write(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    return List.of(
        base.get(0),
        base.get(2),
        base.get(3),
        base.get(4),
        base.get(5),
        base.get(7),
        added,
        replaced);
  }

  @Test
  void javaReadsOnlyTheLiveRecordsAndTheVerifierAccepts() throws Exception {
    List<Sample> live = writeSharedVersion();
    DatasetIndex index = DatasetIndex.read(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    assertEquals(ShardLayout.INDEX_VERSION_SHARED, index.indexVersion());
    assertEquals(ShardLayout.VERSION, index.version());
    assertEquals(4, index.shardFileRecordCount(0));
    assertEquals(3, index.shardRecordCount(0));
    try (KilnDataset ds =
        KilnDataset.open(dir, ReadOptions.defaults().withVerifyFootersOnOpen(true))) {
      assertEquals(live.size(), ds.size());
      for (int i = 0; i < live.size(); i++) {
        assertEquals(live.get(i), ds.get(i));
      }
      assertEquals(live.get(7), ds.get("s/img_1"), "the replacement, not the dead record");
      assertEquals(-1, ds.indexOf("s/img_6"), "the deleted sample is gone");
    }
    assertEquals(List.of(), DatasetVerifier.verify(dir));
  }

  @Test
  void anIndexListingARecordTheFooterDoesNotHoldIsRejected() throws Exception {
    writeSharedVersion();
    DatasetIndex index = DatasetIndex.read(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    IndexEntry real = index.entry(0);
    List<LiveShard> shards = new ArrayList<>();
    for (int s = 0; s < index.shardCount(); s++) {
      LiveShard sh = LiveShard.of(index, s, i -> true);
      if (s == 0) {
        List<IndexEntry> live = new ArrayList<>(sh.live());
        live.set(0, new IndexEntry(real.key(), real.offset() + 1, real.length(), real.crc32c()));
        sh =
            new LiveShard(
                sh.name(), sh.fileSize(), sh.fileRecordCount(), sh.fileCrc(), sh.footerCrc(), live);
      }
      shards.add(sh);
    }
    DatasetIndex.ofLiveShards(ShardLayout.VERSION, 4096, index.schemaJson(), shards)
        .write(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    CorruptShardException e =
        assertThrows(
            CorruptShardException.class,
            () -> KilnDataset.open(dir, ReadOptions.defaults().withVerifyFootersOnOpen(true)));
    assertTrue(e.getMessage().contains("is no record of the shard's footer"), e.getMessage());
    assertFalse(DatasetVerifier.verify(dir).isEmpty());
  }

  @Test
  void anIndexOfWholeShardsIsVersion2ByteForByte() throws Exception {
    List<ShardSummary> sums =
        TestData.writeDataset(
            dir, 4096, List.of(TestData.samples("w", 3), TestData.samples("x", 2)));
    byte[] written = Files.readAllBytes(dir.resolve(ShardLayout.INDEX_FILE_NAME));
    List<LiveShard> whole = sums.stream().map(LiveShard::whole).toList();
    DatasetIndex index =
        DatasetIndex.ofLiveShards(ShardLayout.VERSION, 4096, sums.get(0).schemaJson(), whole);
    assertEquals(ShardLayout.VERSION, index.indexVersion());
    assertArrayEquals(written, index.toBytes());
  }

  @Test
  void pythonReadsTheLiveRecords() throws Exception {
    List<Sample> live = writeSharedVersion();
    Process p =
        new ProcessBuilder(
                PythonScripts.python(),
                PythonScripts.script("kiln_reader_check.py"),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python reader timed out");
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    JsonNode json = new ObjectMapper().readTree(out);
    assertEquals(live.size(), json.get("count").asInt());
    for (int i = 0; i < live.size(); i++) {
      JsonNode s = json.get("samples").get(i);
      assertTrue(s.get("ok").asBoolean(), s.toString());
      assertEquals(live.get(i).key(), s.get("key").asText());
      assertEquals(live.get(i).image().length, s.get("image_len").asInt());
      assertEquals(live.get(i).contentHash(), s.get("content_hash").asText());
    }
  }
}
