package dev.kiln.runners;

/** Exit codes a scheduler can act on; documented in the README. */
public final class ExitCode {
  /** The job ran and published its output. */
  public static final int OK = 0;

  /** The job failed; nothing new was published. */
  public static final int FAILED = 1;

  /** Bad usage or configuration; nothing was run or written. */
  public static final int USAGE = 2;

  /** The job completed and published, but rejected more than --max-reject-fraction of inputs. */
  public static final int TOO_MANY_REJECTS = 3;

  private ExitCode() {}
}
