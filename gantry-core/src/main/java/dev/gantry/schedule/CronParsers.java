package dev.gantry.schedule;

import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the {@link CronParser} on the class path, once: the first one {@link ServiceLoader} lists
 * (gantry-cron's, unless the application brings its own).
 */
public final class CronParsers {
  /** Said wherever a cron expression is needed and no parser is there. */
  public static final String MISSING = "no cron parser is on the class path: add the dependency dev.gantry:gantry-cron "
      + "(the same version as gantry-core) to define or run cron schedules";

  private static volatile Optional<CronParser> found;

  private CronParsers() {}

  /** The parser, or empty when no module provides one. */
  public static Optional<CronParser> find() {
    Optional<CronParser> parser = found;
    if (parser == null) {
      parser = load(CronParsers.class.getClassLoader());
      found = parser;
    }
    return parser;
  }

  /** The first parser {@code loader} provides. */
  static Optional<CronParser> load(ClassLoader loader) {
    Iterator<CronParser> it = ServiceLoader.load(CronParser.class, loader).iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  /**
   * The parser.
   *
   * @throws IllegalStateException with {@link #MISSING} when no module provides one
   */
  public static CronParser require() {
    return find().orElseThrow(() -> new IllegalStateException(MISSING));
  }
}
