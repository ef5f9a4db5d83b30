package dev.kiln.formats.webdataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a WebDataset output back: every member of every {@code .tar} shard in a dataset directory.
 * Meant for tools and checks on modest datasets (it holds all members in memory); training reads
 * tars with its own loaders.
 */
public final class WebDatasetReader {
  private WebDatasetReader() {}

  /**
   * All members by name, over the dataset's shards in name order.
   *
   * @throws IOException when a shard cannot be read or a member name appears twice
   */
  public static Map<String, byte[]> members(Path dataset) throws IOException {
    Map<String, byte[]> members = new TreeMap<>();
    try (Stream<Path> files = Files.list(dataset)) {
      for (Path tar :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".tar")).sorted()::iterator) {
        try (InputStream in = Files.newInputStream(tar);
            TarArchiveInputStream t = new TarArchiveInputStream(in, "UTF-8")) {
          TarArchiveEntry e;
          while ((e = t.getNextEntry()) != null) {
            if (members.put(e.getName(), t.readAllBytes()) != null) {
              throw new IOException("member " + e.getName() + " appears twice in " + dataset);
            }
          }
        }
      }
    }
    return members;
  }
}
