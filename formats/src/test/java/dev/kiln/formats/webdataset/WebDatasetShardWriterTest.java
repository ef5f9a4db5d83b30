package dev.kiln.formats.webdataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Sample;
import dev.kiln.formats.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar a WebDataset shard writer produces, read back with Commons Compress's own reader. */
class WebDatasetShardWriterTest {
  @TempDir Path tmp;

  @Test
  void imageLocationsReturnedWhileWritingAreWhereTheTarHeadersPutTheData() throws IOException {
    // Long and non-ASCII keys take PAX headers, which move the data further along.
    List<Sample> samples = new ArrayList<>();
    samples.add(sample("short", 10));
    samples.add(sample("d/" + "long-name-".repeat(15), 700));
    samples.add(sample("café/crème", 1));
    samples.add(sample("x", 3_000_000)); // larger than the writer's buffer
    samples.add(sample("after-the-big-one", 511));
    Path file = tmp.resolve("shard-00000.tar");
    WebDatasetShardWriter writer = WebDatasetShardWriter.open(file);
    List<long[]> returned = new ArrayList<>();
    for (Sample s : samples) {
      returned.add(writer.write(s));
    }
    writer.close();

    Map<String, long[]> fromHeaders = dataLocations(file);
    Map<String, byte[]> members = WebDatasetReader.members(tmp);
    for (int i = 0; i < samples.size(); i++) {
      String name = samples.get(i).key() + ".jpg";
      assertArrayEquals(fromHeaders.get(name), returned.get(i), name);
      assertArrayEquals(samples.get(i).image(), members.get(name), name);
    }
    assertEquals(FileDigest.sha256(file), writer.summary().sha256());
    assertEquals(Files.size(file), writer.summary().bytes());
    assertEquals(samples.size(), writer.summary().samples());
  }

  @Test
  void sameSamplesGiveTheSameBytes() throws IOException {
    List<Sample> samples = List.of(sample("a", 100), sample("b", 2_500_000), sample("c", 7));
    byte[][] files = new byte[2][];
    for (int run = 0; run < 2; run++) {
      Path file = tmp.resolve("run" + run + ".tar");
      WebDatasetShardWriter writer = WebDatasetShardWriter.open(file);
      for (Sample s : samples) {
        writer.write(s);
      }
      writer.close();
      files[run] = Files.readAllBytes(file);
    }
    assertArrayEquals(files[0], files[1]);
  }

  /**
   * Member name to {offset, length} of its data, from the tar headers (Commons Compress's reader).
   */
  private static Map<String, long[]> dataLocations(Path tar) throws IOException {
    Map<String, long[]> locations = new TreeMap<>();
    try (TarFile file = new TarFile(tar)) {
      for (TarArchiveEntry e : file.getEntries()) {
        locations.put(e.getName(), new long[] {e.getDataOffset(), e.getSize()});
      }
    }
    return locations;
  }

  private static Sample sample(String key, int imageBytes) {
    byte[] image = new byte[imageBytes];
    for (int i = 0; i < image.length; i++) {
      image[i] = (byte) (i * 31 + key.length());
    }
    SourceInfo source =
        new SourceInfo("/in/" + key + ".jpg", imageBytes, "jpeg", "rgb", 8, null, 1, 4, 3, 1);
    return new Sample(
        key,
        image,
        "jpeg",
        4,
        3,
        3,
        List.of("cat"),
        List.of(),
        source,
        "%064x".formatted(imageBytes));
  }
}
