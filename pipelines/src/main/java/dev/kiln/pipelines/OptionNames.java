package dev.kiln.pipelines;

/** Kiln's kebab-case flag names and Beam's camelCase option names, converted both ways. */
public final class OptionNames {
  private OptionNames() {}

  /** {@code max-reject-fraction} to {@code maxRejectFraction}; camelCase passes unchanged. */
  public static String toCamel(String name) {
    StringBuilder b = new StringBuilder(name.length());
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '-' || c == '_') {
        upper = b.length() > 0;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }

  /** {@code maxRejectFraction} to {@code max-reject-fraction}. */
  public static String toKebab(String name) {
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (char c : name.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('-').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
