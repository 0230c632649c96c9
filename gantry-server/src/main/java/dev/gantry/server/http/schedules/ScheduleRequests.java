package dev.gantry.server.http.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.schedule.CronParsers;
import dev.gantry.schedule.MissedTicks;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the body of {@code PUT /v1/schedules/{name}} into a {@link ScheduleDefinition}, checking
 * every field (the expression too) and listing every mistake. The name comes from the path and the
 * tenant from the caller's key or the {@code tenant} query parameter, not from the body.
 */
public final class ScheduleRequests {
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_TIMEOUT = Duration.ofDays(7);
  static final Duration MIN_GRACE = Duration.ofSeconds(1);
  static final Duration MAX_GRACE = Duration.ofDays(31);
  static final int MAX_ATTEMPTS = 10_000;
  static final int MAX_TAGS = 50;

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
    String kind = f.requiredString("kind");
    ObjectNode args = f.optionalObject("args");
    String queue = f.optionalString("queue");
    Integer priority = f.optionalInt("priority", -100, 100);
    Integer maxAttempts = f.optionalInt("max_attempts", 1, MAX_ATTEMPTS);
    Duration timeout = f.optionalDuration("timeout", MIN_TIMEOUT, MAX_TIMEOUT);
    List<String> tags = f.optionalStrings("tags", MAX_TAGS,
        t -> t.isBlank() || t.length() > 200 ? "must be 1 to 200 characters and not blank" : null);
    ObjectNode metadata = f.optionalObject("metadata");
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
    if (kind != null) {
      checked(f, "kind", () -> JobRequest.of(kind, null));
    }
    if (queue != null) {
      checked(f, "queue", () -> JobOptions.requireQueueName(queue));
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

    JobOptions options = JobOptions.defaults();
    if (queue != null) {
      options = options.withQueue(queue);
    }
    if (priority != null) {
      options = options.withPriority(priority);
    }
    if (maxAttempts != null) {
      options = options.withMaxAttempts(maxAttempts);
    }
    if (timeout != null) {
      options = options.withTimeout(timeout);
    }
    if (tags != null) {
      options = options.withTags(tags.toArray(String[]::new));
    }
    if (metadata != null) {
      // JSON values as they are, so that nulls and nesting survive (as for a job's metadata).
      Map<String, Object> values = new LinkedHashMap<>();
      metadata.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
      options = options.withMetadata(values);
    }
    return new ScheduleDefinition(name, cron, zone, kind, args, options, missedTicks,
        grace == null ? ScheduleDefinition.DEFAULT_GRACE : grace);
  }

  /** Runs one of Gantry's own checks and records its message against the field. */
  private static void checked(JsonFields f, String field, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      f.reject(field, e.getMessage());
    }
  }
}
