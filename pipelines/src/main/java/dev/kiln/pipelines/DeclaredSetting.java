package dev.kiln.pipelines;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * One {@code prepare} setting as its getter in {@link PrepareOptions} declares it: Beam's
 * {@code @Description} (the help), {@code @Default} (the default), {@code @Validation.Required},
 * and Kiln's {@link Setting}. Everything that lists, reads or compares settings goes through {@link
 * #all()}, so a new getter is a new setting everywhere at once.
 *
 * @param property the camelCase name Beam uses ({@code maxRejectFraction})
 * @param flag the kebab-case name users write ({@code max-reject-fraction})
 * @param help the one-paragraph description
 * @param type the getter's value type ({@code String}, {@code int}, {@code boolean}, ...)
 * @param defaultValue the {@code @Default} value as text, or null when there is none
 * @param shownDefault the default as users read it ({@code (required)}, {@code cores}, or the
 *     default value), or empty
 * @param required whether a run needs it
 * @param shapesSamples see {@link Setting#shapesSamples()}
 * @param recorded see {@link Setting#recorded()}
 * @param getter the getter in {@link PrepareOptions}
 */
public record DeclaredSetting(
    String property,
    String flag,
    String help,
    Class<?> type,
    String defaultValue,
    String shownDefault,
    boolean required,
    boolean shapesSamples,
    boolean recorded,
    Method getter) {

  private static final List<DeclaredSetting> ALL = read();
  private static final Map<String, DeclaredSetting> BY_PROPERTY = index(ALL, true);
  private static final Map<String, DeclaredSetting> BY_FLAG = index(ALL, false);

  /** Every setting of {@code prepare}, sorted by flag. */
  public static List<DeclaredSetting> all() {
    return ALL;
  }

  /** The setting whose camelCase property name is {@code property}. */
  public static Optional<DeclaredSetting> byProperty(String property) {
    return Optional.ofNullable(BY_PROPERTY.get(property));
  }

  /** The setting whose flag (kebab case, without {@code --}) is {@code flag}. */
  public static Optional<DeclaredSetting> byFlag(String flag) {
    return Optional.ofNullable(BY_FLAG.get(flag));
  }

  /** Whether the setting is a switch ({@code --keep-alpha} alone means true). */
  public boolean isSwitch() {
    return type == boolean.class || type == Boolean.class;
  }

  /**
   * The value the getter returns when the setting is not given, as Beam returns it: the
   * {@code @Default} value, or Java's default for primitives, or null.
   */
  public Object defaultObject() {
    if (defaultValue == null) {
      if (type == boolean.class) {
        return false;
      } else if (type == int.class) {
        return 0;
      } else if (type == long.class) {
        return 0L;
      } else if (type == double.class) {
        return 0.0;
      }
      return null;
    }
    if (type == int.class || type == Integer.class) {
      return Integer.valueOf(defaultValue);
    } else if (type == long.class || type == Long.class) {
      return Long.valueOf(defaultValue);
    } else if (type == double.class || type == Double.class) {
      return Double.valueOf(defaultValue);
    } else if (isSwitch()) {
      return Boolean.valueOf(defaultValue);
    }
    return defaultValue;
  }

  private static List<DeclaredSetting> read() {
    List<DeclaredSetting> all = new ArrayList<>();
    for (Method m : PrepareOptions.class.getDeclaredMethods()) {
      Description d = m.getAnnotation(Description.class);
      if (d == null || !m.getName().startsWith("get") || m.getParameterCount() != 0) {
        continue;
      }
      Setting s = m.getAnnotation(Setting.class);
      if (s == null) {
        throw new IllegalStateException(
            "PrepareOptions." + m.getName() + " has no @Setting: say whether it shapes samples");
      }
      String property = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      String flag = s.flag().isEmpty() ? OptionNames.toKebab(property) : s.flag();
      String defaultValue = defaultValue(m);
      boolean required = m.isAnnotationPresent(Validation.Required.class);
      String shown =
          required ? "(required)" : !s.shownDefault().isEmpty() ? s.shownDefault() : defaultValue;
      all.add(
          new DeclaredSetting(
              property,
              flag,
              d.value(),
              m.getReturnType(),
              defaultValue,
              shown == null ? "" : shown.trim(),
              required,
              s.shapesSamples(),
              s.recorded(),
              m));
    }
    all.sort(Comparator.comparing(DeclaredSetting::flag));
    return List.copyOf(all);
  }

  private static String defaultValue(Method m) {
    if (m.getAnnotation(Default.String.class) != null) {
      return m.getAnnotation(Default.String.class).value();
    } else if (m.getAnnotation(Default.Integer.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Integer.class).value());
    } else if (m.getAnnotation(Default.Long.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Long.class).value());
    } else if (m.getAnnotation(Default.Double.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Double.class).value());
    } else if (m.getAnnotation(Default.Boolean.class) != null) {
      return String.valueOf(m.getAnnotation(Default.Boolean.class).value());
    }
    return null;
  }

  private static Map<String, DeclaredSetting> index(List<DeclaredSetting> all, boolean byProperty) {
    Map<String, DeclaredSetting> index = new LinkedHashMap<>();
    for (DeclaredSetting s : all) {
      index.put(byProperty ? s.property() : s.flag(), s);
    }
    return Map.copyOf(index);
  }
}
