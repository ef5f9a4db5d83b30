package dev.kiln.runners;

import dev.kiln.formats.DatasetRoot;
import dev.kiln.formats.FileTrees;
import dev.kiln.formats.objectstore.S3Location;
import dev.kiln.formats.objectstore.S3Objects;
import dev.kiln.runners.objectstore.StagedUpload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A versioned output root on S3 ({@code s3://bucket/root}): each run uploads its dataset to the
 * next version prefix ({@code root/v000001/}, ...), {@code manifest.json} last, and only then
 * rewrites the {@code root/CURRENT} object, which holds the name of the complete version readers
 * open (a single PUT, atomic for readers). A run that fails leaves {@code CURRENT} as it was and
 * removes what it uploaded; what a killed run left (versions newer than {@code CURRENT}) the next
 * run removes. Old versions beyond {@code --keep-versions} are removed, never the current one.
 *
 * <p>Unlike a local root there is no lock: two runs must not write one S3 root at once.
 */
final class ObjectStoreVersions implements Publication {
  private static final Pattern VERSION = Pattern.compile("v\\d{6}");

  private final S3Objects store;
  private final S3Location root;
  private final String versionName;
  private final Path staging;
  private final int keepVersions;
  private final List<String> uploaded = new ArrayList<>();
  private List<String> removed = List.of();

  private ObjectStoreVersions(
      S3Objects store, S3Location root, String versionName, Path staging, int keepVersions) {
    this.store = store;
    this.root = root;
    this.versionName = versionName;
    this.staging = staging;
    this.keepVersions = keepVersions;
  }

  /** Whether {@code output} is a versioned root already (it has a CURRENT object). */
  static boolean isVersionedRoot(S3Objects store, String output) throws IOException {
    return store.exists(S3Location.parse(output).resolve(DatasetRoot.CURRENT));
  }

  /** The version {@code CURRENT} of {@code root} names, or null when it has none. */
  static String currentVersion(S3Objects store, S3Location root) throws IOException {
    S3Location current = root.resolve(DatasetRoot.CURRENT);
    if (!store.exists(current)) {
      return null;
    }
    String name = store.readString(current).trim();
    if (!VERSION.matcher(name).matches()) {
      throw new IOException(current + ": holds '" + name + "', not a version name such as v000001");
    }
    return name;
  }

  /**
   * Checks the root, removes versions that failed runs left (saying so on {@code err}) and reserves
   * the next version and a local staging directory for run {@code runId}.
   */
  static ObjectStoreVersions prepare(
      S3Objects store, String output, String runId, int keepVersions, PrintStream err)
      throws UsageException {
    if (keepVersions < 1) {
      throw new UsageException("--keep-versions=" + keepVersions + ": must be at least 1");
    }
    S3Location root = S3Location.parse(output);
    try {
      store.checkBucket(root);
      String current = currentVersion(store, root);
      List<String> versions = versions(store, root);
      if (current == null && !store.list(root).isEmpty()) {
        throw new UsageException(
            "--output="
                + output
                + ": holds an unversioned dataset or other objects; give an empty prefix or a versioned root");
      }
      int last = 0;
      for (String v : versions) {
        if (current == null || v.compareTo(current) > 0) {
          // Newer than CURRENT: a run that was killed before publishing.
          int n = store.deleteAll(root.resolve(v));
          err.println(
              "kiln: removed " + n + " objects of the incomplete version " + root.resolve(v));
        } else {
          last = Math.max(last, Integer.parseInt(v.substring(1)));
        }
      }
      String next = String.format("v%06d", last + 1);
      return new ObjectStoreVersions(
          store, root, next, ObjectStoreStaging.create(runId), keepVersions);
    } catch (IOException e) {
      throw new UsageException("--output=" + output + ": " + e.getMessage());
    }
  }

  private static List<String> versions(S3Objects store, S3Location root) throws IOException {
    List<String> versions = new ArrayList<>();
    for (String name : store.listChildren(root)) {
      if (VERSION.matcher(name).matches()) {
        versions.add(name);
      }
    }
    versions.sort(null);
    return versions;
  }

  @Override
  public Path staging() {
    return staging;
  }

  @Override
  public String target() {
    return root.toString();
  }

  @Override
  public String publish() throws IOException {
    S3Location version = root.resolve(versionName);
    StagedUpload.upload(store, staging, version, uploaded);
    store.putString(root.resolve(DatasetRoot.CURRENT), versionName + "\n");
    removed = retain();
    FileTrees.delete(staging);
    return version.toString();
  }

  /** Removes all but the newest {@code keepVersions} versions, never the current one. */
  private List<String> retain() throws IOException {
    List<String> versions = versions(store, root);
    List<String> gone = new ArrayList<>();
    for (int i = 0; i < versions.size() - keepVersions; i++) {
      String v = versions.get(i);
      if (!v.equals(versionName)) {
        store.deleteAll(root.resolve(v));
        gone.add(root.resolve(v).toString());
      }
    }
    return gone;
  }

  /** Versions removed by retention when the run was published. */
  List<String> removedVersions() {
    return removed;
  }

  @Override
  public void discard() {
    Publication.super.discard();
    try {
      store.delete(root.bucket(), List.copyOf(uploaded));
    } catch (IOException e) {
      System.err.println(
          "kiln: could not remove the objects of the failed run under "
              + root.resolve(versionName)
              + " (the next run removes them): "
              + e.getMessage());
    }
  }

  @Override
  public void close() {
    // The store's client belongs to the command, which closes it.
  }
}
