package dev.kiln.pipelines;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What Kiln needs to know about a {@code prepare} setting beyond Beam's {@code @Description} and
 * {@code @Default}: placed on its getter in {@link PrepareOptions}, which together make the
 * setting's one declaration ({@link DeclaredSetting} reads them for parsing, {@code --help}, the
 * README's settings table, the manifest's configuration and the incremental rebuild rule).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Setting {
  /** A {@link #shownDefault()} that shows no default (the setting is off unless given). */
  String NOTHING = " ";

  /**
   * Whether a different value can change a sample's bytes or key (size, encoding, framing, ...): an
   * incremental run then rebuilds every sample instead of carrying them over. Settings that say
   * where inputs and outputs are, how the run is executed, limits, thresholds, shard layout and
   * labels (carried samples are relabelled without decoding) do not.
   */
  boolean shapesSamples();

  /**
   * The flag when it is not the property's kebab case ({@code getKilnRunner} is {@code --runner}).
   */
  String flag() default "";

  /**
   * The default as a user reads it in {@code --help} and the README, when it is not the
   * {@code @Default} value itself ({@code cores} for a default computed at run time).
   */
  String shownDefault() default "";

  /**
   * Whether the manifest records the setting's value. Settings of how a run is executed on a Beam
   * runner (parallelism, Flink master) are not: the dataset does not depend on them.
   */
  boolean recorded() default true;
}
