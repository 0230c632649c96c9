package dev.gantry.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** A parsed cron expression: the instants it fires at, read in a time zone. Thread-safe. */
public interface CronExpression {
  /**
   * The first instant strictly after {@code after} at which the expression fires, its fields read
   * as local time in {@code zone}.
   *
   * @return empty if it never fires after {@code after} (such as {@code 0 0 30 2 *}, February 30th)
   */
  Optional<Instant> next(Instant after, ZoneId zone);
}
