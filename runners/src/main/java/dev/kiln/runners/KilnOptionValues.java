package dev.kiln.runners;

import dev.kiln.pipelines.DeclaredSetting;
import dev.kiln.pipelines.PrepareOptions;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Kiln's settings ({@link PrepareOptions}) read without Beam's PipelineOptionsFactory, for runs on
 * Kiln's local runner: the factory's first use validates every options interface on the class path
 * (Flink's, GCP's, ...) and took 1.5 s of a 6 s nightly run before Kiln did anything.
 *
 * <p>It takes only settings it reads exactly as Beam does: every name one of Kiln's settings
 * (declared by {@link PrepareOptions} itself), every value in a form Beam's parser gives the same
 * value for (plain decimal numbers in range, {@code true}/{@code false}), and the required ones
 * present. Anything else it leaves to Beam ({@link #parse} is empty), whose parse then gives the
 * accepted values or the error message, so a setting means the same, and a mistake reads the same,
 * with or without Beam.
 *
 * <p>The options are a proxy of {@link PrepareOptions}: Kiln's settings come from a map of values,
 * with the defaults their {@code @Default} annotations declare, as Beam's do. The methods only
 * Beam's options have ({@code as}, the job name, display data, ...) are answered by Beam's options
 * made from the same settings on the first such call, and from then on every call goes to those, so
 * the two never disagree; a local run makes no such call.
 */
final class KilnOptionValues implements InvocationHandler {
  /** Numbers as JSON writes them, which Beam's parser (Jackson) reads as Java does. */
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

  private static final Pattern DECIMAL =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

  /** Every Kiln setting's getter by property name (camelCase, as Beam names them). */
  private static final Map<String, Method> GETTERS = getters();

  private final Map<String, Object> values;
  private final Supplier<PrepareOptions> beam;

  /** Beam's options once a method only they have was called; guarded by this. */
  private PrepareOptions delegate;

  private KilnOptionValues(Map<String, Object> values, Supplier<PrepareOptions> beam) {
    this.values = values;
    this.beam = beam;
  }

  /**
   * The options {@code settings} (camelCase name to value) give, or empty when one of them is not a
   * Kiln setting, a value is not in a form read here, or a required setting is missing.
   *
   * @param beam makes Beam's options from the same settings, should a method only they have be
   *     called
   */
  static Optional<PrepareOptions> parse(
      Map<String, String> settings, Supplier<PrepareOptions> beam) {
    Map<String, Object> values = new HashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Method getter = GETTERS.get(e.getKey());
      if (getter == null) {
        return Optional.empty();
      }
      Object value = convert(e.getValue(), getter.getReturnType());
      if (value == null) {
        return Optional.empty();
      }
      values.put(e.getKey(), value);
    }
    for (Map.Entry<String, Method> g : GETTERS.entrySet()) {
      if (DeclaredSetting.byProperty(g.getKey()).orElseThrow().required()
          && !values.containsKey(g.getKey())) {
        return Optional.empty();
      }
    }
    return Optional.of(
        (PrepareOptions)
            Proxy.newProxyInstance(
                PrepareOptions.class.getClassLoader(),
                new Class<?>[] {PrepareOptions.class},
                new KilnOptionValues(values, beam)));
  }

  /** The value of {@code text} as {@code type}, or null when it is not in a form read here. */
  static Object convert(String text, Class<?> type) {
    if (type == String.class) {
      return text;
    }
    if (type == boolean.class) {
      return text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
    }
    try {
      if ((type == int.class || type == Integer.class) && INTEGER.matcher(text).matches()) {
        return Integer.parseInt(text);
      }
      if (type == long.class && INTEGER.matcher(text).matches()) {
        return Long.parseLong(text);
      }
      if (type == double.class && DECIMAL.matcher(text).matches()) {
        double d = Double.parseDouble(text);
        return Double.isInfinite(d) ? null : d;
      }
    } catch (NumberFormatException outOfRange) {
      return null;
    }
    return null;
  }

  @Override
  public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      return switch (name) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default ->
            delegate != null ? delegate.toString() : "PrepareOptions" + new TreeMap<>(values);
      };
    }
    if (delegate == null && method.getDeclaringClass() == PrepareOptions.class) {
      if (name.startsWith("set")) {
        values.put(property(name), args[0]);
        return null;
      }
      String property = property(name);
      return values.containsKey(property)
          ? values.get(property)
          : DeclaredSetting.byProperty(property).orElseThrow().defaultObject();
    }
    try {
      return method.invoke(beamOptions(), args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Beam's options from the same settings, with every Kiln setting as it is now. */
  private PrepareOptions beamOptions() throws ReflectiveOperationException {
    if (delegate == null) {
      PrepareOptions made = beam.get();
      for (Map.Entry<String, Object> v : values.entrySet()) {
        Method getter = GETTERS.get(v.getKey());
        PrepareOptions.class
            .getMethod("s" + getter.getName().substring(1), getter.getReturnType())
            .invoke(made, v.getValue());
      }
      delegate = made;
    }
    return delegate;
  }

  /** {@code getMaxRejectFraction} or {@code setMaxRejectFraction} to {@code maxRejectFraction}. */
  private static String property(String accessor) {
    return Character.toLowerCase(accessor.charAt(3)) + accessor.substring(4);
  }

  private static Map<String, Method> getters() {
    Map<String, Method> getters = new HashMap<>();
    for (DeclaredSetting s : DeclaredSetting.all()) {
      getters.put(s.property(), s.getter());
    }
    return Collections.unmodifiableMap(getters);
  }
}
