package dev.kiln.transforms.image;

/**
 * The Vector API kernel, used only once it has agreed with the scalar kernel and the JIT has
 * compiled it; the scalar kernel until then.
 *
 * <p>Until C2 compiles it, every Vector API operation runs as interpreted Java that allocates a
 * vector object, which makes the vector kernel some forty times slower than the scalar one: a
 * nightly run that prepares a hundred new images spent two seconds in it. A daemon thread therefore
 * calls the vector kernel on small rows until it has been called often enough to be compiled, while
 * workers use the scalar kernel; the two give identical bytes, so which one served a row never
 * shows in the output.
 *
 * <p>The warm-up starts only after the scalar kernel has served {@link #WARM_UP_AFTER_ROWS} rows
 * (about 200 images at 256x256): below that the scalar kernel's extra cost is smaller than the
 * warm-up's own, which took 0.35-1.3 s of a nightly run that prepared 100 new images on 2 cores.
 * The warm-up begins with {@link Lanczos#agrees}, the self-test that both kernels give the same
 * bytes: run when the class was loaded, it held every resampling thread for 60 ms of interpreted
 * Vector API code, which a nightly run with a hundred new images then never used.
 */
final class WarmingKernel implements RowKernel {
  /** Calls per timed batch of the warm-up. */
  private static final int BATCH = 100;

  /** Give up (and stay scalar) after this many calls: the JIT never compiled the kernel. */
  static final int MAX_WARM_UP_CALLS = 100_000;

  /** Rows the scalar kernel serves before the warm-up starts. */
  static final long WARM_UP_AFTER_ROWS = 100_000;

  private final RowKernel scalar;
  private final RowKernel vector;
  private final java.util.concurrent.atomic.AtomicBoolean started =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean warm;

  /** Whether the self-test found the kernels giving different bytes: then rows stay scalar. */
  private volatile boolean disagreed;

  /**
   * Rows served by the scalar kernel; updated without synchronisation, as an estimate is enough.
   */
  private long scalarRows;

  WarmingKernel(RowKernel scalar, RowKernel vector) {
    this.scalar = scalar;
    this.vector = vector;
  }

  private void startWarmUp() {
    Thread t = new Thread(this::warmUp, "kiln-vector-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /**
   * Calls the vector kernel on short rows (the call and loop counts, not the work per call, get a
   * method compiled) in timed batches, until a batch runs at a twentieth of the first one's time:
   * compiled code is hundreds of times faster than interpreted Vector API code, so the drop is
   * unmistakable, and stopping there keeps the warm-up to a fraction of a second of one core
   * instead of a fixed, much longer run.
   */
  private void warmUp() {
    if (!Lanczos.agrees(vector, scalar)) {
      disagreed = true; // stays scalar: this JVM's vector kernel gives other bytes
      return;
    }
    byte[] in = new byte[4 * 96];
    for (int i = 0; i < in.length; i++) {
      in[i] = (byte) (i * 37);
    }
    int[] weights = {-700, 9000, 9000, -916};
    byte[] out = new byte[96];
    long first = -1;
    for (int call = 0; call < MAX_WARM_UP_CALLS; ) {
      long start = System.nanoTime();
      for (int end = call + BATCH; call < end; call++) {
        vector.row(in, 0, 96, weights, 0, 1 + call % 4, out, 0, 96 - call % 3);
      }
      long took = System.nanoTime() - start;
      if (first < 0) {
        first = took;
      } else if (took * 20 < first) {
        warm = true;
        return;
      }
    }
  }

  /** Whether rows now go to the vector kernel. */
  boolean warm() {
    return warm;
  }

  @Override
  public void row(
      byte[] in,
      int inOff,
      int inStride,
      int[] weights,
      int wOff,
      int taps,
      byte[] out,
      int outOff,
      int len) {
    if (warm) {
      vector.row(in, inOff, inStride, weights, wOff, taps, out, outOff, len);
      return;
    }
    scalar.row(in, inOff, inStride, weights, wOff, taps, out, outOff, len);
    if (++scalarRows >= WARM_UP_AFTER_ROWS
        && !started.get()
        && started.compareAndSet(false, true)) {
      startWarmUp();
    }
  }

  @Override
  public String name() {
    return disagreed ? scalar.name() : vector.name();
  }
}
