package dev.kiln.runners;

/** Bad usage or configuration: reported as one line naming the flag or file, exit code 2. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
