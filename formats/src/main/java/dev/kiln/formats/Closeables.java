package dev.kiln.formats;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;

/** Closing many resources where one failing must not leave the others open. */
public final class Closeables {
  private Closeables() {}

  /** Closes every one (nulls skipped), then throws the first failure with the others suppressed. */
  public static void closeEach(Collection<? extends Closeable> all) throws IOException {
    IOException first = null;
    for (Closeable c : all) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
