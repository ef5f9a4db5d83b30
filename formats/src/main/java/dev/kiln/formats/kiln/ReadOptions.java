package dev.kiln.formats.kiln;

/**
 * How {@link KilnDataset} opens and reads a dataset. Immutable; start from {@link #defaults()}.
 *
 * <ul>
 *   <li>{@code directIo} (default false): read records with O_DIRECT into 4096-aligned buffers,
 *       bypassing the page cache. Worth it when the dataset is much larger than RAM and read in
 *       random order (the cache only evicts useful pages); if the filesystem refuses O_DIRECT the
 *       dataset falls back to buffered reads and says why in {@link KilnDataset#directIoFallback()}.
 *   <li>{@code requireIndex} (default false): fail if {@code index.kidx} is missing instead of
 *       rebuilding the index from every shard footer (which costs a full pass over the data).
 *   <li>{@code verifyFootersOnOpen} (default false): additionally read every shard's footer on
 *       open and check it against the index. Off by default because it is one more read per
 *       shard; size and trailer checks are always done.
 * </ul>
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULTS = new ReadOptions(false, false, false);

  private final boolean directIo;
  private final boolean requireIndex;
  private final boolean verifyFootersOnOpen;

  private ReadOptions(boolean directIo, boolean requireIndex, boolean verifyFootersOnOpen) {
    this.directIo = directIo;
    this.requireIndex = requireIndex;
    this.verifyFootersOnOpen = verifyFootersOnOpen;
  }

  /** Buffered reads, index optional, no footer reads on open. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  public ReadOptions withDirectIo(boolean directIo) {
    return new ReadOptions(directIo, requireIndex, verifyFootersOnOpen);
  }

  public ReadOptions withRequireIndex(boolean requireIndex) {
    return new ReadOptions(directIo, requireIndex, verifyFootersOnOpen);
  }

  public ReadOptions withVerifyFootersOnOpen(boolean verify) {
    return new ReadOptions(directIo, requireIndex, verify);
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
    return "ReadOptions{directIo=" + directIo + ", requireIndex=" + requireIndex
        + ", verifyFootersOnOpen=" + verifyFootersOnOpen + "}";
  }
}
