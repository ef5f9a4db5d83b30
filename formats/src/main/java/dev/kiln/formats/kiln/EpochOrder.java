package dev.kiln.formats.kiln;

/**
 * The order in which an epoch reads a dataset: a pseudo-random permutation of {@code [0, size)}
 * that depends only on the size, a seed and the epoch number, never on how many ranks or workers
 * read it. {@code kiln_reader.epoch_order(size, seed, epoch)} in Python computes the same
 * permutation (the algorithm is specified in {@code formats/FORMAT.md}, "Epoch order", and a test
 * compares the two).
 *
 * <p>{@link #at(long) at(p)} is the sample read at position {@code p} of the epoch, computed on its
 * own in constant time and memory: a keyed Feistel network on the smallest even power of two
 * holding {@code size}, walking the cycle until the value falls inside the dataset. A reader of any
 * share of the epoch therefore computes only the positions it reads, and a job resumed at position
 * {@code m} goes on from there without materialising the first {@code m}.
 *
 * <p>How the positions are shared: {@link #rankPosition}. Immutable and thread-safe.
 */
public final class EpochOrder {
  /** Feistel rounds; six mix well even in the smallest domains. */
  static final int ROUNDS = 6;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final long size;
  private final boolean shuffled;
  private final int halfBits;
  private final long halfMask;
  private final long[] keys = new long[ROUNDS];

  private EpochOrder(long size, long seed, long epoch, boolean shuffled) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must not be negative: " + epoch);
    }
    this.size = size;
    this.shuffled = shuffled;
    int bits = size <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(size - 1);
    this.halfBits = Math.max(1, (bits + 1) / 2);
    this.halfMask = (1L << halfBits) - 1;
    long base = mix64(mix64(seed + GOLDEN) ^ epoch);
    for (int r = 0; r < ROUNDS; r++) {
      keys[r] = mix64(base + (r + 1) * GOLDEN);
    }
  }

  /** The shuffled order of epoch {@code epoch} of a dataset of {@code size} samples. */
  public static EpochOrder shuffled(long size, long seed, long epoch) {
    return new EpochOrder(size, seed, epoch, true);
  }

  /** Dataset order ({@code at(p) = p}), for readers that do not shuffle. */
  public static EpochOrder sequential(long size) {
    return new EpochOrder(size, 0, 0, false);
  }

  /** Number of positions (and samples). */
  public long size() {
    return size;
  }

  /**
   * The sample (dataset position, as in {@link KilnDataset#get(int)}) read at {@code position} of
   * the epoch.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= position < size}
   */
  public long at(long position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " of " + size);
    }
    if (!shuffled || size == 1) {
      return position;
    }
    // Cycle walking: the permutation of the larger domain, applied until the value is in range,
    // is a permutation of [0, size); the domain is less than 4 x size, so few steps are needed.
    long y = feistel(position);
    while (y >= size) {
      y = feistel(y);
    }
    return y;
  }

  /** The whole order as an array (for tests and small datasets). */
  public long[] toArray() {
    long[] out = new long[Math.toIntExact(size)];
    for (int p = 0; p < out.length; p++) {
      out[p] = at(p);
    }
    return out;
  }

  private long feistel(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int r = 0; r < ROUNDS; r++) {
      long next = left ^ (mix64(right ^ keys[r]) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  /** SplitMix64's finaliser: a bijection of 64-bit values whose every output bit hangs on all. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * How many positions of {@code [start, size)} rank {@code rank} of {@code worldSize} reads: the
   * ranks take turns ({@link #rankPosition}), so shares differ by at most one sample; with {@code
   * dropLast} every rank reads {@code (size - start) / worldSize} and the last positions of the
   * epoch are not read.
   */
  public static long rankShare(long size, long start, int rank, int worldSize, boolean dropLast) {
    checkRank(rank, worldSize);
    long left = Math.max(0, size - start);
    long even = left / worldSize;
    return dropLast || rank >= left % worldSize ? even : even + 1;
  }

  /**
   * The epoch position of the {@code i}-th sample rank {@code rank} reads when the epoch goes on
   * from position {@code start}: {@code start + rank + i * worldSize}. The first {@code m} samples
   * of every rank are then exactly positions {@code [start, start + m * worldSize)}, so after every
   * rank has read {@code m}, the epoch goes on from there at any world size.
   */
  public static long rankPosition(long start, int rank, int worldSize, long i) {
    checkRank(rank, worldSize);
    return start + rank + i * worldSize;
  }

  private static void checkRank(int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " of world size " + worldSize);
    }
  }
}
