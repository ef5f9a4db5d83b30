package dev.kiln.formats.objectstore;

import dev.kiln.formats.DaemonThreads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object operations Kiln uses on one S3 endpoint: small whole objects (manifest, index, {@code
 * CURRENT}), ranged reads, uploads of local files, paged listings and batched deletes. Every
 * failure is an {@link IOException} whose message names the object and the cause ({@link
 * S3Access#explain}). Thread-safe.
 */
public final class S3Objects implements Closeable {
  /** Keys one DeleteObjects request takes at most. */
  private static final int DELETE_BATCH = 1000;

  /** Most folders below one prefix that {@link #listByFolder} lists one by one. */
  public static final int MAX_FOLDERS = 1000;

  private final S3Access access;
  private final S3Client client;

  public S3Objects(S3Access access) {
    this(access, access.client());
  }

  /**
   * Operations through a client made elsewhere (a Beam worker's, from the job's options), which
   * this closes; {@code access} says where it points, for messages.
   */
  public S3Objects(S3Access access, S3Client client) {
    this.access = access;
    this.client = client;
  }

  /** The settings this client was made with. */
  public S3Access access() {
    return access;
  }

  /** Requests retried so far (transient errors, throttling). */
  public long retries() {
    return access.retries().retries();
  }

  /** Checks that the bucket of {@code location} exists and these credentials may use it. */
  public void checkBucket(S3Location location) throws IOException {
    try {
      client.headBucket(b -> b.bucket(location.bucket()));
    } catch (SdkException e) {
      throw new IOException(access.explain(e, new S3Location(location.bucket(), "")), e);
    }
  }

  /** Whether the object exists. */
  public boolean exists(S3Location object) throws IOException {
    try {
      client.headObject(b -> b.bucket(object.bucket()).key(object.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw failure(e, object);
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** The object's size in bytes. */
  public long size(S3Location object) throws IOException {
    try {
      return client.headObject(b -> b.bucket(object.bucket()).key(object.key())).contentLength();
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** The whole object. */
  public byte[] read(S3Location object) throws IOException {
    try {
      return client
          .getObjectAsBytes(b -> b.bucket(object.bucket()).key(object.key()))
          .asByteArray();
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** The whole object as UTF-8 text. */
  public String readString(S3Location object) throws IOException {
    return new String(read(object), StandardCharsets.UTF_8);
  }

  /** {@code length} bytes from {@code offset} of the object, with one ranged GET. */
  public byte[] readRange(S3Location object, long offset, int length) throws IOException {
    if (length == 0) {
      return new byte[0];
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      ResponseBytes<GetObjectResponse> bytes =
          client.getObjectAsBytes(b -> b.bucket(object.bucket()).key(object.key()).range(range));
      return bytes.asByteArray();
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** Copies the object into the local file {@code file}, which must not exist. */
  public void download(S3Location object, Path file) throws IOException {
    try {
      client.getObject(b -> b.bucket(object.bucket()).key(object.key()), file);
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** Uploads a local file as the object. */
  public void put(S3Location object, Path file) throws IOException {
    try {
      client.putObject(
          b -> b.bucket(object.bucket()).key(object.key()), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** Writes UTF-8 text as the object. */
  public void putString(S3Location object, String text) throws IOException {
    try {
      client.putObject(
          b -> b.bucket(object.bucket()).key(object.key()),
          RequestBody.fromString(text, StandardCharsets.UTF_8));
    } catch (SdkException e) {
      throw failure(e, object);
    }
  }

  /** Every object below {@code prefix} (paged through however many there are), in key order. */
  public List<S3Object> list(S3Location prefix) throws IOException {
    return listKeysFrom(prefix.bucket(), prefix.prefix());
  }

  /**
   * Every object below {@code prefix}, in S3's key order ({@link #compareKeys}), the same as {@link
   * #list} gives them from S3, listed folder by folder: one listing at '/' gives the objects
   * directly below {@code prefix} and its "folders" (common prefixes), then each folder is listed
   * on its own, up to {@code threads} at a time. Class folders of a large dataset are listed at
   * once instead of one page after another; and a server whose work per page grows with every
   * object below the prefix (s3proxy's filesystem backend reads each one's attributes for every
   * page) does a fraction of it. Below a prefix with more than {@link #MAX_FOLDERS} folders, a
   * request per folder would cost more than it saves: it is listed page by page as by {@link
   * #list}.
   */
  public List<S3Object> listByFolder(S3Location prefix, int threads) throws IOException {
    List<S3Object> direct = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    try {
      ListObjectsV2Request request = byFolder(prefix);
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        direct.addAll(page.contents());
        for (CommonPrefix p : page.commonPrefixes()) {
          folders.add(p.prefix());
        }
        if (folders.size() > MAX_FOLDERS) {
          return list(prefix);
        }
      }
    } catch (SdkException e) {
      throw failure(e, prefix);
    }
    if (folders.isEmpty()) {
      return direct;
    }
    Map<String, List<S3Object>> byFolder = listEach(prefix.bucket(), folders, threads);
    // A folder's keys all start with its prefix, so they follow each other in the whole listing,
    // where the folder's prefix sorts among the objects directly below.
    List<String> starts = new ArrayList<>(folders);
    Map<String, S3Object> directByKey = new HashMap<>();
    for (S3Object o : direct) {
      starts.add(o.key());
      directByKey.put(o.key(), o);
    }
    starts.sort(S3Objects::compareKeys);
    List<S3Object> objects = new ArrayList<>();
    for (String start : starts) {
      List<S3Object> inFolder = byFolder.get(start);
      if (inFolder != null) {
        objects.addAll(inFolder);
      } else {
        objects.add(directByKey.get(start));
      }
    }
    return objects;
  }

  /** Lists each of {@code prefixes} of {@code bucket}, up to {@code threads} at a time. */
  private Map<String, List<S3Object>> listEach(String bucket, List<String> prefixes, int threads)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(threads, prefixes.size())), DaemonThreads.named("kiln-s3-list"));
    try {
      Map<String, Future<List<S3Object>>> listed = new LinkedHashMap<>();
      for (String p : prefixes) {
        listed.put(p, pool.submit(() -> listKeysFrom(bucket, p)));
      }
      Map<String, List<S3Object>> byPrefix = new HashMap<>();
      for (Map.Entry<String, Future<List<S3Object>>> e : listed.entrySet()) {
        byPrefix.put(e.getKey(), e.getValue().get());
      }
      return byPrefix;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while listing s3://" + bucket);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every object of {@code bucket} whose key starts with {@code keyPrefix}, in key order. */
  private List<S3Object> listKeysFrom(String bucket, String keyPrefix) throws IOException {
    List<S3Object> objects = new ArrayList<>();
    try {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder().bucket(bucket).prefix(keyPrefix).build();
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        objects.addAll(page.contents());
      }
    } catch (SdkException e) {
      // Named as given, without the '/' that ends a prefix.
      throw failure(e, new S3Location(bucket, keyPrefix.replaceFirst("/$", "")));
    }
    return objects;
  }

  /**
   * S3's key order: by the keys' UTF-8 bytes, which is by their code points (Java's {@link
   * String#compareTo} differs where a character above U+FFFF meets one from U+E000 to U+FFFF).
   */
  public static int compareKeys(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /**
   * A listing of {@code prefix} one level deep: its objects, and its folders as common prefixes.
   */
  private static ListObjectsV2Request byFolder(S3Location prefix) {
    return ListObjectsV2Request.builder()
        .bucket(prefix.bucket())
        .prefix(prefix.prefix())
        .delimiter("/")
        .build();
  }

  /** The names of the "directories" directly below {@code prefix} (common prefixes, no '/'). */
  public List<String> listChildren(S3Location prefix) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      ListObjectsV2Request request = byFolder(prefix);
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        for (CommonPrefix p : page.commonPrefixes()) {
          String name = p.prefix().substring(prefix.prefix().length());
          names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
        }
      }
    } catch (SdkException e) {
      throw failure(e, prefix);
    }
    return names;
  }

  /** Deletes these keys of {@code bucket}, a thousand per request. */
  public void delete(String bucket, List<String> keys) throws IOException {
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String k : keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(k).build());
      }
      try {
        var response =
            client.deleteObjects(
                b -> b.bucket(bucket).delete(Delete.builder().objects(batch).build()));
        if (!response.errors().isEmpty()) {
          var first = response.errors().get(0);
          throw new IOException(
              "s3://"
                  + bucket
                  + "/"
                  + first.key()
                  + ": not deleted: "
                  + first.code()
                  + " "
                  + first.message());
        }
      } catch (SdkException e) {
        throw failure(e, new S3Location(bucket, keys.get(i)));
      }
    }
  }

  /** Deletes every object below {@code prefix}; returns how many. */
  public int deleteAll(S3Location prefix) throws IOException {
    List<String> keys = new ArrayList<>();
    for (S3Object o : list(prefix)) {
      keys.add(o.key());
    }
    delete(prefix.bucket(), keys);
    return keys.size();
  }

  private IOException failure(SdkException e, S3Location location) {
    // Suppressed rather than the cause: a run's one-line error is its innermost cause, and
    // this message names the object and explains the SDK's exception.
    IOException failure = new IOException(location + ": " + access.explain(e, location));
    failure.addSuppressed(e);
    return failure;
  }

  @Override
  public void close() {
    client.close();
  }
}
