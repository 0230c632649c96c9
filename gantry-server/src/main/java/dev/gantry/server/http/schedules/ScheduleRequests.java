package dev.gantry.server.http.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.schedule.CronParsers;
import dev.gantry.schedule.MissedTicks;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.jobs.EnqueueRequests;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the body of {@code PUT /v1/schedules/{name}} into a {@link ScheduleDefinition}, checking
 * every field (the expression too) and listing every mistake. The name comes from the path and the
 * tenant from the caller's key or the {@code tenant} query parameter, not from the body.
 */
public final class ScheduleRequests {
  static final Duration MIN_GRACE = Duration.ofSeconds(1);
  static final Duration MAX_GRACE = Duration.ofDays(31);

  private ScheduleRequests() {}

  /**
   * The schedule a body defines, named {@code name}.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static ScheduleDefinition definition(String name, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    String cron = f.requiredString("cron");
    String timeZone = f.optionalString("time_zone");
    // The job each tick enqueues: kind, args and the job fields a schedule takes, read and checked
    // as a job body's are.
    JobRequest job = EnqueueRequests.scheduleJob(f, errors);
    String missed = f.optionalString("missed");
    Duration grace = f.optionalDuration("grace", MIN_GRACE, MAX_GRACE);
    f.finish();

    if (cron != null) {
      try {
        CronParsers.require().parse(cron);
      } catch (IllegalArgumentException e) {
        f.reject("cron", "'" + cron + "' is not a valid cron expression: " + e.getMessage()
            + "; use 5 fields (minute hour day-of-month month day-of-week) such as '0 3 * * *', or 6 with seconds first");
      }
    }
    ZoneId zone = ScheduleDefinition.UTC;
    if (timeZone != null) {
      try {
        zone = ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        f.reject("time_zone", "must be a time zone such as Europe/Berlin, America/New_York or UTC, got '" + timeZone + "'");
      }
    }
    MissedTicks missedTicks = MissedTicks.SKIP;
    if (missed != null) {
      try {
        missedTicks = MissedTicks.of(missed);
      } catch (IllegalArgumentException e) {
        f.reject("missed", "must be skip (missed ticks get no job) or run_once (one job for all of them), got '"
            + missed + "'");
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new ScheduleDefinition(name, cron, zone, job.kind(), job.args(), job.options(), missedTicks,
        grace == null ? ScheduleDefinition.DEFAULT_GRACE : grace);
  }
}
