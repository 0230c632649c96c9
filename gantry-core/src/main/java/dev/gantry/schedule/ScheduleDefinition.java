package dev.gantry.schedule;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recurring schedule: at every tick of a cron expression, read in a time zone, one job of
 * {@code kind} with {@code args} and {@code options} is enqueued. Start from
 * {@link #of(String, String, String, Object)} and change what you need; every {@code with...}
 * method returns a new value and checks its argument at once. The expression itself is checked
 * by {@link Schedules#define}, which needs a {@link CronParser} (gantry-cron).
 *
 * @param name unique within the tenant: 1 to 200 letters, digits, {@code _ . : -}
 * @param cron the expression, such as {@code 0 3 * * *} (03:00 every day); gantry-cron reads 5-field
 *     Unix cron, {@code @daily}-style nicknames, and 6 fields with seconds first
 * @param timeZone the zone whose local time the expression's fields are read in (default UTC)
 * @param kind the kind of the jobs enqueued
 * @param args their args, any Jackson-serialisable value (null for none)
 * @param options their queue, priority, max attempts, timeout, tags, metadata and tenant (the
 *     schedule's tenant too); a run time, delay or unique key would mean nothing here and is refused
 * @param missed what happens to ticks missed by more than {@code grace}
 * @param grace how late a tick may still run as usual (default 1 minute, 1 second to 31 days):
 *     ticks that came up to this long ago each get their job, in order, when the ticker reaches
 *     them; older ones are missed and handled by {@code missed}
 */
public record ScheduleDefinition(
    String name,
    String cron,
    ZoneId timeZone,
    String kind,
    Object args,
    JobOptions options,
    MissedTicks missed,
    Duration grace) {

  public static final ZoneId UTC = ZoneId.of("UTC");
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
  static final Duration MIN_GRACE = Duration.ofSeconds(1);
  static final Duration MAX_GRACE = Duration.ofDays(31);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final int MAX_CRON = 200;

  /** @throws IllegalArgumentException naming the field at fault */
  public ScheduleDefinition {
    requireName(name);
    if (cron == null || cron.isBlank() || cron.length() > MAX_CRON) {
      throw new IllegalArgumentException("cron: must be a cron expression of 1 to " + MAX_CRON
          + " characters, such as '0 3 * * *', got: " + cron);
    }
    cron = cron.strip();
    Objects.requireNonNull(timeZone, "timeZone");
    try {
      new JobRequest(kind, null, JobOptions.defaults());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kind: " + e.getMessage(), e);
    }
    Objects.requireNonNull(options, "options");
    if (options.runAt() != null || options.delay() != null) {
      throw new IllegalArgumentException("options: a scheduled job runs at its tick; leave runAt and delay out");
    }
    if (options.uniqueKey() != null) {
      throw new IllegalArgumentException("options: a scheduled job cannot have a unique key; leave uniqueKey out");
    }
    Objects.requireNonNull(missed, "missed");
    if (grace == null || grace.compareTo(MIN_GRACE) < 0 || grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException("grace: must be between " + MIN_GRACE + " and " + MAX_GRACE + ", got " + grace);
    }
  }

  /**
   * A schedule read in UTC, its jobs with default options, missed ticks skipped after one minute's grace.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  public static ScheduleDefinition of(String name, String cron, String kind, Object args) {
    return new ScheduleDefinition(name, cron, UTC, kind, args, JobOptions.defaults(), MissedTicks.SKIP, DEFAULT_GRACE);
  }

  /**
   * Checks a schedule name: 1 to 200 letters, digits, {@code _ . : -}.
   *
   * @throws IllegalArgumentException naming {@code name}
   */
  public static String requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: must be 1 to 200 characters of letters, digits, '_', '.', ':' or '-', got: " + name);
    }
    return name;
  }

  /** The schedule's tenant, its jobs' tenant: {@code options.tenant()}, null for none. */
  public String tenant() {
    return options.tenant();
  }

  public ScheduleDefinition withCron(String cron) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }

  public ScheduleDefinition withTimeZone(ZoneId timeZone) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }

  public ScheduleDefinition withArgs(Object args) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }

  public ScheduleDefinition withOptions(JobOptions options) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }

  public ScheduleDefinition withMissed(MissedTicks missed) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }

  public ScheduleDefinition withGrace(Duration grace) {
    return new ScheduleDefinition(name, cron, timeZone, kind, args, options, missed, grace);
  }
}
