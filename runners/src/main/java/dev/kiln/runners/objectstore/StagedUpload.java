package dev.kiln.runners.objectstore;

import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.Manifest;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Uploads a complete staged dataset directory to an S3 prefix, {@code manifest.json} last: a reader
 * treats a prefix without a manifest as no dataset, so until the last PUT succeeds nothing is
 * published, and after it everything the manifest lists is there. Objects are uploaded
 * concurrently; the first failure stops the rest and is thrown.
 */
public final class StagedUpload {
  private static final int THREADS = 8;

  private StagedUpload() {}

  /**
   * Uploads every file below {@code staging} to {@code target}, keyed by its relative path; {@code
   * uploaded} receives each key as its PUT begins (so a failed run can remove them).
   */
  public static void upload(S3Objects store, Path staging, S3Location target, List<String> uploaded)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(staging)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    Path manifest = staging.resolve(Manifest.FILE_NAME);
    List<Path> first = new ArrayList<>(files);
    first.remove(manifest);
    ExecutorService pool =
        Executors.newFixedThreadPool(THREADS, DaemonThreads.named("kiln-s3-upload"));
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (Path file : first) {
        S3Location object = target.resolve(relativeName(staging, file));
        synchronized (uploaded) {
          uploaded.add(object.key());
        }
        puts.add(
            pool.submit(
                () -> {
                  try {
                    store.put(object, file);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      for (Future<?> put : puts) {
        await(put);
      }
    } finally {
      pool.shutdownNow();
    }
    if (Files.isRegularFile(manifest)) {
      S3Location object = target.resolve(Manifest.FILE_NAME);
      synchronized (uploaded) {
        uploaded.add(object.key());
      }
      store.put(object, manifest);
    }
  }

  private static void await(Future<?> put) throws IOException {
    try {
      put.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("upload failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading", e);
    }
  }

  private static String relativeName(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
