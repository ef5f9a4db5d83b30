package dev.kiln.formats.kiln;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The checksum every CRC field of a Kiln shard and index holds, which the format version decides
 * ({@code formats/FORMAT.md}, "Versions"): version 1 uses CRC32C, version 2 CRC-32 (ISO-HDLC, the
 * one of zlib, PNG and {@link java.util.zip.CRC32}).
 *
 * <p>Version 2 exists for readers in other languages: Python's standard library computes CRC-32
 * ({@code zlib.crc32}) at memory speed but has no CRC32C, and a pure-Python CRC32C capped a
 * checksummed reader at ~600 samples/s. In Java both are intrinsics of the same speed.
 */
public enum LayoutChecksum {
  /** CRC32C (Castagnoli): {@code crc("123456789") = 0xE3069283}. Format version 1. */
  CRC32C("CRC32C") {
    @Override
    public Checksum create() {
      return new CRC32C();
    }

    @Override
    public int of(byte[] b, int off, int len) {
      CRC32C c = new CRC32C();
      c.update(b, off, len);
      return (int) c.getValue();
    }

    @Override
    public int of(ByteBuffer b) {
      CRC32C c = new CRC32C();
      c.update(b.duplicate());
      return (int) c.getValue();
    }
  },
  /** CRC-32 (ISO-HDLC, zlib's): {@code crc("123456789") = 0xCBF43926}. Format version 2. */
  CRC32("CRC-32") {
    @Override
    public Checksum create() {
      return new CRC32();
    }

    @Override
    public int of(byte[] b, int off, int len) {
      CRC32 c = new CRC32();
      c.update(b, off, len);
      return (int) c.getValue();
    }

    @Override
    public int of(ByteBuffer b) {
      CRC32 c = new CRC32();
      c.update(b.duplicate());
      return (int) c.getValue();
    }
  };

  private final String label;

  LayoutChecksum(String label) {
    this.label = label;
  }

  /** A fresh checksum to update piece by piece. */
  public abstract Checksum create();

  /** The checksum of {@code len} bytes of {@code b} from {@code off}. */
  public abstract int of(byte[] b, int off, int len);

  /** The checksum of {@code b}'s bytes from its position to its limit (left unchanged). */
  public abstract int of(ByteBuffer b);

  /** The name messages use: {@code CRC32C} or {@code CRC-32}. */
  public String label() {
    return label;
  }

  /**
   * The checksum of a format version.
   *
   * @throws IllegalArgumentException if no version of that number exists
   */
  public static LayoutChecksum forVersion(int version) {
    return switch (version) {
      case ShardLayout.VERSION_1 -> CRC32C;
      case ShardLayout.VERSION_2 -> CRC32;
      default ->
          throw new IllegalArgumentException(
              "unsupported version "
                  + version
                  + " (this Kiln reads versions "
                  + ShardLayout.VERSION_1
                  + " to "
                  + ShardLayout.VERSION
                  + ")");
    };
  }
}
