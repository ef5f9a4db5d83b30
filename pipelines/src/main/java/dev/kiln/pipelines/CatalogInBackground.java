package dev.kiln.pipelines;

import dev.kiln.formats.CatalogEntry;
import dev.kiln.formats.DaemonThreads;
import dev.kiln.formats.TaskFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code catalog.parquet} written on a thread of its own: parquet-java is loaded as soon as this
 * starts, and the rows go in once {@link #write} hands them over.
 *
 * <p>Its code is cold in a short run, and {@link StagedDataset#finish} has other files to write
 * meanwhile. (Starting it earlier, beside the writing of shards, made nightly runs no faster: that
 * phase has no idle core to give.)
 */
final class CatalogInBackground implements AutoCloseable {
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("kiln-catalog"));
  private final CompletableFuture<Rows> rows = new CompletableFuture<>();

  /** The rows, and the catalog of the version whose shards the dataset shares, or null. */
  private record Rows(
      List<CatalogEntry> entries, Path previousVersion, List<CatalogEntry> before) {}

  private final Future<Void> written;

  private CatalogInBackground(Path datasetDir) {
    written = thread.submit(() -> writeCatalog(datasetDir));
  }

  /** Starts setting up the catalog of the dataset in {@code datasetDir}. */
  static CatalogInBackground start(Path datasetDir) {
    return new CatalogInBackground(datasetDir);
  }

  /**
   * Hands over the catalog's rows, in shard order.
   *
   * @param previousVersion the version whose shards the dataset shares, whose catalog rows were
   *     {@code before}: the row groups of its catalog that hold the same rows are copied; null (and
   *     {@code before} null) when the dataset shares none
   */
  void write(List<CatalogEntry> entries, Path previousVersion, List<CatalogEntry> before) {
    rows.complete(new Rows(entries, previousVersion, before));
  }

  /** Waits until the catalog is written, rethrowing its failure as what it was. */
  void await() throws IOException {
    TaskFailure.await(written, "writing " + CatalogWriter.FILE_NAME);
  }

  private Void writeCatalog(Path datasetDir)
      throws IOException, InterruptedException, ExecutionException {
    CatalogWriter.warmUp();
    Rows given = rows.get();
    PreviousCatalog previous =
        given.previousVersion() == null
            ? null
            : PreviousCatalog.read(given.previousVersion(), given.before());
    CatalogWriter.write(datasetDir, given.entries(), previous);
    return null;
  }

  /**
   * Stops the thread. When finishing failed, the staging directory is deleted next: the writer,
   * interrupted (or told that no rows will come) and its channel closed, lets go of its file first.
   */
  @Override
  public void close() {
    rows.completeExceptionally(new IOException("the run ended before the catalog's rows came"));
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
