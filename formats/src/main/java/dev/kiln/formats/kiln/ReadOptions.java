package dev.kiln.formats.kiln;

/**
 * How {@link KilnDataset} opens and reads a dataset. Immutable; start from {@link #defaults()}.
 *
 * <ul>
 *   <li>{@code directIo} (default false): read records with O_DIRECT into 4096-aligned buffers,
 *       bypassing the page cache. Worth it when the dataset is much larger than RAM and read in
 *       random order (the cache only evicts useful pages); if the filesystem refuses O_DIRECT the
 *       dataset falls back to buffered reads and says why in {@link
 *       KilnDataset#directIoFallback()}.
 *   <li>{@code requireIndex} (default false): fail if {@code index.kidx} is missing instead of
 *       rebuilding the index from every shard footer (which costs a full pass over the data).
 *   <li>{@code verifyFootersOnOpen} (default false): additionally read every shard's footer on open
 *       and check it against the index. Off by default because it is one more read per shard; size
 *       and trailer checks are always done.
 *   <li>{@code channelsPerShard} (default 32): how many file descriptors a shard may have open, one
 *       per reader thread up to this many, opened as threads first need them. Each positional read
 *       registers its thread with the channel under the channel's lock, so one channel shared by 32
 *       threads costs a fifth of the random-read rate on 2 cores; with one per thread Kiln matches
 *       fio, which opens the file once per job. Lower it for datasets of thousands of shards read
 *       by many threads: up to shards x min(threads, this) descriptors.
 * </ul>
 */
public final class ReadOptions {
  /** Descriptors per shard by default: one per thread of a typical 32-thread loader. */
  public static final int DEFAULT_CHANNELS_PER_SHARD = 32;

  private static final ReadOptions DEFAULTS =
      new ReadOptions(false, false, false, DEFAULT_CHANNELS_PER_SHARD);

  private final boolean directIo;
  private final boolean requireIndex;
  private final boolean verifyFootersOnOpen;
  private final int channelsPerShard;

  private ReadOptions(
      boolean directIo, boolean requireIndex, boolean verifyFootersOnOpen, int channelsPerShard) {
    this.directIo = directIo;
    this.requireIndex = requireIndex;
    this.verifyFootersOnOpen = verifyFootersOnOpen;
    this.channelsPerShard = channelsPerShard;
  }

  /** Buffered reads, index optional, no footer reads on open. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  public ReadOptions withDirectIo(boolean directIo) {
    return new ReadOptions(directIo, requireIndex, verifyFootersOnOpen, channelsPerShard);
  }

  public ReadOptions withRequireIndex(boolean requireIndex) {
    return new ReadOptions(directIo, requireIndex, verifyFootersOnOpen, channelsPerShard);
  }

  public ReadOptions withVerifyFootersOnOpen(boolean verify) {
    return new ReadOptions(directIo, requireIndex, verify, channelsPerShard);
  }

  /**
   * @throws IllegalArgumentException unless {@code 1 <= channels <= 1024}
   */
  public ReadOptions withChannelsPerShard(int channels) {
    if (channels < 1 || channels > 1024) {
      throw new IllegalArgumentException("channels per shard must be 1-1024: " + channels);
    }
    return new ReadOptions(directIo, requireIndex, verifyFootersOnOpen, channels);
  }

  public int channelsPerShard() {
    return channelsPerShard;
  }

  public boolean directIo() {
    return directIo;
  }

  public boolean requireIndex() {
    return requireIndex;
  }

  public boolean verifyFootersOnOpen() {
    return verifyFootersOnOpen;
  }

  @Override
  public String toString() {
    return "ReadOptions{directIo="
        + directIo
        + ", requireIndex="
        + requireIndex
        + ", verifyFootersOnOpen="
        + verifyFootersOnOpen
        + ", channelsPerShard="
        + channelsPerShard
        + "}";
  }
}
