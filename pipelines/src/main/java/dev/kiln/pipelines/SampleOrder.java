package dev.kiln.pipelines;

import dev.kiln.formats.FileDigest;
import dev.kiln.formats.Sample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The fixed pseudo-random order of samples: a salted SHA-256 of the key decides both the shard a
 * sample goes to and its place inside the shard, so the same inputs give the same files on every
 * runner and at every parallelism, and readers that walk shards in order see shuffled classes.
 */
public final class SampleOrder {
  private static final byte[] SALT = "kiln-sample-order-v1\0".getBytes(StandardCharsets.UTF_8);

  /**
   * A digest that has taken the salt, never updated again: each hash starts from a clone of it,
   * which costs less than looking SHA-256 up and hashing the salt again (a run hashes every key
   * several times).
   */
  private static final MessageDigest SALTED = saltedDigest();

  /** Orders keys by their hash, then by the key itself (hash collisions stay deterministic). */
  public static final Comparator<String> KEYS =
      Comparator.comparing((String k) -> hash(k), Long::compareUnsigned)
          .thenComparing(Comparator.naturalOrder());

  private SampleOrder() {}

  /** The samples in {@link #KEYS} order, each key hashed once (not once per comparison). */
  public static List<Sample> sorted(List<Sample> samples) {
    return sorted(samples, Sample::key);
  }

  /** Items in {@link #KEYS} order of their keys, each key hashed once. */
  public static <T> List<T> sorted(List<T> items, Function<T, String> keyOf) {
    long[] hashes = new long[items.size()];
    String[] keys = new String[items.size()];
    for (int i = 0; i < hashes.length; i++) {
      keys[i] = keyOf.apply(items.get(i));
      hashes[i] = hash(keys[i]);
    }
    List<T> sorted = new ArrayList<>(hashes.length);
    for (int i : order(hashes, keys)) {
      sorted.add(items.get(i));
    }
    return sorted;
  }

  /**
   * The positions of {@code keys} in {@link #KEYS} order, given each key's {@link #hash} at the
   * same position of {@code hashes} (for callers that kept the hashes).
   */
  public static int[] order(long[] hashes, String[] keys) {
    Integer[] order = new Integer[hashes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int byHash = Long.compareUnsigned(hashes[a], hashes[b]);
          return byHash != 0 ? byHash : keys[a].compareTo(keys[b]);
        });
    int[] positions = new int[order.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = order[i];
    }
    return positions;
  }

  /** 64 bits of the salted SHA-256 of the key. */
  public static long hash(String key) {
    byte[] d = salted().digest(key.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h;
  }

  private static MessageDigest saltedDigest() {
    MessageDigest sha = FileDigest.newSha256();
    sha.update(SALT);
    return sha;
  }

  /** A fresh digest that has taken the salt. */
  private static MessageDigest salted() {
    try {
      return (MessageDigest) SALTED.clone();
    } catch (CloneNotSupportedException e) {
      return saltedDigest(); // a provider whose SHA-256 cannot be cloned
    }
  }

  /**
   * The shard of a key among {@code shards}: a range partition of the hash space, so shards
   * concatenated in order are in hash order.
   */
  public static int shardOf(String key, int shards) {
    return shardOfHash(hash(key), shards);
  }

  /** {@link #shardOf} for a key whose {@link #hash} is {@code keyHash}. */
  public static int shardOfHash(long keyHash, int shards) {
    long top = keyHash >>> 32; // < 2^32, so top * shards fits in a long
    return (int) ((top * shards) >>> 32);
  }
}
