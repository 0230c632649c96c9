package dev.gantry.cron;

import com.cronutils.model.time.ExecutionTime;
import dev.gantry.schedule.CronExpression;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A parsed expression's ticks in a time zone: every instant whose local time matches it, and,
 * where a daylight saving change skips the local time it names (02:30 on the night the clocks
 * jump from 02:00 to 03:00), the instant that local time is shifted to by the gap (03:30), so that
 * a daily job does not silently miss that day. A local time that happens twice (the night the
 * clocks go back) fires at its first occurrence, as in Unix cron; expressions that match every
 * hour or minute keep matching through the repeated hour.
 */
final class ZonedCron implements CronExpression {
  private final ExecutionTime executions;

  ZonedCron(ExecutionTime executions) {
    this.executions = executions;
  }

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    // Ticks are whole seconds; cron-utils keeps the fraction of a start time it is given.
    Instant from = after.truncatedTo(ChronoUnit.SECONDS);
    Optional<Instant> inZone = executions.nextExecution(from.atZone(zone)).map(ZonedDateTime::toInstant);
    Optional<Instant> shifted = nextLocal(from, zone).filter(t -> t.isAfter(after));
    if (shifted.isPresent() && (inZone.isEmpty() || shifted.get().isBefore(inZone.get()))) {
      return shifted;
    }
    return inZone;
  }

  /**
   * The next matching local time, read on a clock without daylight saving and then placed in the
   * zone: {@link ZonedDateTime#of} moves a local time in a gap forward by the gap's length. It
   * differs from cron-utils' answer only in a gap, where cron-utils skips the local time.
   */
  private Optional<Instant> nextLocal(Instant from, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(from, zone);
    return executions.nextExecution(local.atZone(ZoneOffset.UTC))
        .map(t -> ZonedDateTime.of(t.toLocalDateTime(), zone).toInstant());
  }
}
