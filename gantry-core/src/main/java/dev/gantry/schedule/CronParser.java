package dev.gantry.schedule;

/**
 * Reads cron expressions: the service Gantry's schedules find with {@link java.util.ServiceLoader}.
 * gantry-core ships none (it depends on nothing beyond the JDBC driver, Jackson and SLF4J); the
 * module {@code dev.gantry:gantry-cron} provides one, for standard 5-field Unix cron and a 6-field
 * form with seconds. Another implementation registers itself in
 * {@code META-INF/services/dev.gantry.schedule.CronParser}.
 *
 * <p>Implementations are thread-safe and stateless between calls.
 */
public interface CronParser {
  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException if it is not a valid expression; the message says what is wrong
   */
  CronExpression parse(String expression);
}
