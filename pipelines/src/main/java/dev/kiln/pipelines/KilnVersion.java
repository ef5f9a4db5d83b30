package dev.kiln.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The Kiln version, as built by Maven; recorded in every manifest. */
public final class KilnVersion {
  private static final String VERSION = load();

  private KilnVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = KilnVersion.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
