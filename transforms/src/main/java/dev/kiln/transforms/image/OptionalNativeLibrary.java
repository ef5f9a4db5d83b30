package dev.kiln.transforms.image;

/**
 * Binding of a native library Kiln can do without (libturbojpeg, libjpeg): each is a speed-up with
 * a pure-Java path giving the same output, so a library that is missing, of the wrong kind, or
 * switched off with its {@code -D} property only means the slower path.
 */
final class OptionalNativeLibrary {
  private OptionalNativeLibrary() {}

  /**
   * Runs {@code bind} unless {@code -Dproperty=false}; returns why the library is not used, or null
   * when it bound.
   */
  static String bind(String property, Runnable bind) {
    if (!Boolean.parseBoolean(System.getProperty(property, "true"))) {
      return "disabled by -D" + property + "=false";
    }
    try {
      bind.run();
      return null;
    } catch (LinkageError | RuntimeException e) {
      return e.toString();
    }
  }
}
