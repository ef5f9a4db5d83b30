package dev.kiln.transforms.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ImageReaderWriterSpi;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.spi.ServiceRegistry;

/**
 * Kiln's own ImageIO plugin registry.
 *
 * <p>Why not {@code ImageIO}/{@code IIORegistry}: that registry is JVM-global and, on a long-lived
 * Flink cluster, keeps the TwelveMonkeys providers loaded by the first job's (later closed) user
 * classloader; subsequent jobs then fail with {@code NoClassDefFoundError}. This registry lives in
 * a static field of a class loaded by the job's own classloader, so it dies with the job.
 *
 * <p>Contents: the JDK's built-in providers first (taken from the default registry but only those
 * defined by the JDK itself, i.e. by the bootstrap or platform classloader, never stale ones from
 * another classloader), then every provider visible through {@link ServiceLoader} from this class's
 * classloader (TwelveMonkeys). Registration order matters: TwelveMonkeys' JPEG provider looks up
 * its JDK delegate in {@code onRegistration}. TwelveMonkeys providers are then ordered before JDK
 * ones for every format both handle.
 */
public final class KilnImageIO {
  private static final ServiceRegistry REGISTRY = build();

  private KilnImageIO() {}

  private static ServiceRegistry build() {
    List<Class<?>> categories = List.of(ImageReaderSpi.class, ImageWriterSpi.class);
    ServiceRegistry registry = new ServiceRegistry(categories.iterator());
    ClassLoader own = KilnImageIO.class.getClassLoader();
    for (Class<?> cat : categories) {
      registerCategory(registry, cat, own);
    }
    return registry;
  }

  private static <T extends ImageReaderWriterSpi> void registerCategory(
      ServiceRegistry registry, Class<?> rawCat, ClassLoader own) {
    @SuppressWarnings("unchecked")
    Class<T> cat = (Class<T>) rawCat;
    List<T> jdk = new ArrayList<>();
    Iterator<T> defaults = IIORegistry.getDefaultInstance().getServiceProviders(cat, false);
    while (defaults.hasNext()) {
      T spi = defaults.next();
      if (isJdkProvider(spi)) {
        jdk.add(spi);
      }
    }
    // Deterministic order regardless of the global registry's hash iteration order.
    jdk.sort((a, b) -> a.getClass().getName().compareTo(b.getClass().getName()));
    for (T spi : jdk) {
      registry.registerServiceProvider(spi, cat);
    }
    List<T> plugins = new ArrayList<>();
    for (T spi : ServiceLoader.load(cat, own)) {
      if (!isJdkProvider(spi)) {
        plugins.add(spi);
      }
    }
    plugins.sort((a, b) -> a.getClass().getName().compareTo(b.getClass().getName()));
    for (T spi : plugins) {
      // registerServiceProvider calls onRegistration (RegisterableService), where the
      // TwelveMonkeys JPEG providers find their JDK delegate or deregister themselves.
      registry.registerServiceProvider(spi, cat);
    }
    for (T plugin : plugins) {
      if (!registry.contains(plugin)) {
        continue;
      }
      for (T builtIn : jdk) {
        if (sharesFormat(plugin, builtIn)) {
          registry.setOrdering(cat, plugin, builtIn);
        }
      }
    }
  }

  private static boolean isJdkProvider(Object spi) {
    ClassLoader cl = spi.getClass().getClassLoader();
    return cl == null || cl == ClassLoader.getPlatformClassLoader();
  }

  private static boolean sharesFormat(ImageReaderWriterSpi a, ImageReaderWriterSpi b) {
    for (String fa : a.getFormatNames()) {
      for (String fb : b.getFormatNames()) {
        if (fa.equalsIgnoreCase(fb)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean handles(ImageReaderWriterSpi spi, String format) {
    return Arrays.stream(spi.getFormatNames()).anyMatch(f -> f.equalsIgnoreCase(format));
  }

  /**
   * Kiln format names are the plugins' lower-case format names (jpeg, png, tiff, webp, ico, ...).
   */
  private static String pluginFormatName(String kilnFormat) {
    return kilnFormat.toLowerCase(Locale.ROOT);
  }

  /** Preferred reader provider for a Kiln format name, or null if none is installed. */
  public static ImageReaderSpi readerSpi(String format) {
    String name = pluginFormatName(format);
    Iterator<ImageReaderSpi> it =
        REGISTRY.getServiceProviders(
            ImageReaderSpi.class, spi -> handles((ImageReaderSpi) spi, name), true);
    return it.hasNext() ? it.next() : null;
  }

  /** Preferred writer provider for a Kiln format name, or null if none is installed. */
  public static ImageWriterSpi writerSpi(String format) {
    String name = pluginFormatName(format);
    Iterator<ImageWriterSpi> it =
        REGISTRY.getServiceProviders(
            ImageWriterSpi.class, spi -> handles((ImageWriterSpi) spi, name), true);
    return it.hasNext() ? it.next() : null;
  }

  /** A new reader for the format, or null if none is installed. */
  public static ImageReader reader(String format) throws java.io.IOException {
    ImageReaderSpi spi = readerSpi(format);
    return spi == null ? null : spi.createReaderInstance();
  }

  /** A new writer for the format, or null if none is installed. */
  public static ImageWriter writer(String format) throws java.io.IOException {
    ImageWriterSpi spi = writerSpi(format);
    return spi == null ? null : spi.createWriterInstance();
  }

  /** All reader providers in preference order, for diagnostics and tests. */
  public static List<ImageReaderSpi> readerSpis() {
    List<ImageReaderSpi> out = new ArrayList<>();
    REGISTRY.getServiceProviders(ImageReaderSpi.class, true).forEachRemaining(out::add);
    return out;
  }
}
