package dev.kiln.formats;

/** Shard file names: {@code <prefix>-NNNNN.<extension>}, numbered from 0 in shard order. */
public final class ShardNames {
  private ShardNames() {}

  public static String name(String prefix, int index, String extension) {
    return String.format("%s-%05d.%s", prefix, index, extension);
  }
}
