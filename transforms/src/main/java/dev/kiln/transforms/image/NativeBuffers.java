package dev.kiln.transforms.image;

import com.sun.jna.Memory;

/**
 * Native buffers that the callers of the JNA-bound JPEG libraries keep from image to image: memory
 * allocated per call comes fresh from the allocator (and, past its threshold, from the kernel, a
 * page fault per 4 KiB), and JNA would copy a Java array into it and back.
 */
final class NativeBuffers {
  /** Past this size a buffer is made exactly as large as asked, with no room to grow. */
  static final long HEADROOM_LIMIT = 64L << 20;

  private NativeBuffers() {}

  /**
   * {@code current} if it holds {@code size} bytes, else a new buffer that does ({@code current}
   * freed), a quarter larger up to {@link #HEADROOM_LIMIT}, so a run of slightly larger images does
   * not reallocate for each.
   */
  static Memory atLeast(Memory current, long size) {
    if (current != null && current.size() >= size) {
      return current;
    }
    if (current != null) {
      current.close();
    }
    long wanted = Math.max(size, 1);
    return new Memory(Math.max(wanted, Math.min(HEADROOM_LIMIT, wanted + wanted / 4)));
  }
}
