package dev.gantry.server.http.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.server.http.ApiJson;
import java.time.Instant;

/**
 * A schedule as the API shows it ({@code Schedule} in {@code openapi.json}), and {@code gantry
 * schedules show --json}: snake_case fields, durations and timestamps in ISO-8601.
 */
public final class ScheduleView {
  private ScheduleView() {}

  public static ObjectNode of(Schedule schedule) {
    ScheduleDefinition d = schedule.definition();
    JobOptions o = d.options();
    ObjectNode v = ApiJson.object();
    v.put("name", d.name());
    v.put("tenant", d.tenant());
    v.put("cron", d.cron());
    v.put("time_zone", d.timeZone().getId());
    v.put("kind", d.kind());
    v.set("args", d.args() == null ? ApiJson.object() : ApiJson.mapper().valueToTree(d.args()));
    v.put("queue", o.queue());
    v.put("priority", o.priority());
    if (o.maxAttempts() == null) {
      v.putNull("max_attempts");
    } else {
      v.put("max_attempts", o.maxAttempts());
    }
    v.put("timeout", o.timeout() == null ? null : o.timeout().toString());
    ArrayNode tags = v.putArray("tags");
    o.tags().forEach(tags::add);
    JsonNode metadata = ApiJson.mapper().valueToTree(o.metadata());
    v.set("metadata", metadata);
    v.put("missed", d.missed().dbName());
    v.put("grace", d.grace().toString());
    v.put("paused", schedule.paused());
    v.put("paused_at", text(schedule.pausedAt()));
    v.put("next_run_at", text(schedule.nextRunAt()));
    v.put("last_run_at", text(schedule.lastRunAt()));
    v.put("last_job_id", schedule.lastJobId() == null ? null : schedule.lastJobId().toString());
    v.put("created_at", text(schedule.createdAt()));
    v.put("updated_at", text(schedule.updatedAt()));
    return v;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
