package dev.kiln.runners.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link S3Objects#listByFolder} against a real S3 server: the same objects in the same order as
 * the listing page by page, whatever mix of folders and objects, and whatever characters.
 */
class FolderListingTest {
  @RegisterExtension static final S3ProxyServer S3 = new S3ProxyServer();

  /**
   * Each object's key and size, without "directory" keys (ending in '/'), which inputs skip:
   * s3proxy's files backend shows each directory as such an object in the listings from above it,
   * but not in the directory's own listing, where S3 would list a marker object too.
   */
  private static List<String> described(List<S3Object> objects) {
    return objects.stream()
        .filter(o -> !o.key().endsWith("/"))
        .map(o -> o.key() + " " + o.size())
        .toList();
  }

  @Test
  void foldersListedOneByOneGiveTheWholeListingInKeyOrder() throws Exception {
    S3.createBucket("folders");
    List<String> keys =
        List.of(
            "raw/a.jpg", // '.' sorts before '/': before the folder a/
            "raw/a/x.jpg",
            "raw/a/y/z.jpg",
            "raw/a0.jpg", // '0' sorts after '/': after the folder a/
            "raw/b/",
            "raw/b/c.png",
            "raw/top.png",
            "raw/\u00e9t\u00e9/1.jpg",
            "raw/\ud83d\ude00/2.jpg",
            "rawer/not-below.jpg");
    try (S3Objects store = S3.store()) {
      int size = 1;
      for (String key : keys) {
        // A "directory" marker is empty, as tools write it (and s3proxy's files backend requires).
        store.putString(
            new S3Location("folders", key), key.endsWith("/") ? "" : "x".repeat(size++));
      }
      S3Location raw = S3Location.parse("s3://folders/raw");
      List<String> pages = described(store.list(raw));
      for (String key :
          keys.subList(0, keys.size() - 1).stream().filter(k -> !k.endsWith("/")).toList()) {
        assertTrue(pages.stream().anyMatch(o -> o.startsWith(key + " ")), key + " in " + pages);
      }
      assertEquals(pages, described(store.listByFolder(raw, 3)));
      assertEquals(pages, described(store.listByFolder(raw, 1)));
      S3Location a = S3Location.parse("s3://folders/raw/a");
      assertEquals(described(store.list(a)), described(store.listByFolder(a, 2)));
      assertEquals(List.of(), store.listByFolder(S3Location.parse("s3://folders/nothing-here"), 4));
    }
  }

  @Test
  void keysSortAsS3SortsThemByTheirUtf8Bytes() {
    // U+FF21 is above the surrogates that encode U+1F600 in UTF-16, and below U+1F600 in UTF-8.
    assertTrue(S3Objects.compareKeys("raw/\uff21.jpg", "raw/\ud83d\ude00/") < 0);
    assertTrue("raw/\uff21.jpg".compareTo("raw/\ud83d\ude00/") > 0, "String order differs");
    assertTrue(S3Objects.compareKeys("raw/a.jpg", "raw/a/") < 0);
    assertTrue(S3Objects.compareKeys("raw/a0.jpg", "raw/a/") > 0);
    assertTrue(S3Objects.compareKeys("raw/a", "raw/a/") < 0);
    assertEquals(0, S3Objects.compareKeys("raw/\u00e9", "raw/\u00e9"));
  }

  @Test
  void moreFoldersThanAreWorthARequestEachAreListedPageByPage() throws Exception {
    S3.createBucket("many");
    int folders = S3Objects.MAX_FOLDERS + 1;
    try (S3Objects store = S3.store()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < folders; i++) {
          S3Location object = new S3Location("many", "raw/f" + i + "/image.jpg");
          puts.add(
              pool.submit(
                  () -> {
                    store.putString(object, "image");
                    return null;
                  }));
        }
        for (Future<?> put : puts) {
          put.get();
        }
      } finally {
        pool.shutdownNow();
      }
      S3Location raw = S3Location.parse("s3://many/raw");
      List<String> pages = described(store.list(raw));
      assertTrue(pages.size() >= folders, "every object: " + pages.size());
      assertEquals(pages, described(store.listByFolder(raw, 8)));
    }
  }
}
