package dev.gantry.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.schedules.ScheduleView;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * How the {@code gantry schedules} commands print a schedule: a block of one field a line, or with
 * {@code --json} the JSON of {@code GET /v1/schedules/{name}}.
 */
final class ScheduleOutput {
  private ScheduleOutput() {}

  static void print(PrintWriter out, Schedule schedule, boolean json) throws JsonProcessingException {
    if (json) {
      out.println(ApiJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(ScheduleView.of(schedule)));
      return;
    }
    ScheduleDefinition d = schedule.definition();
    JobOptions o = d.options();
    TextTable table = new TextTable("name", d.name());
    table.row("tenant", d.tenant());
    table.row("state", state(schedule));
    table.row("cron", d.cron() + " (" + d.timeZone().getId() + ")");
    table.row("next run", time(schedule.nextRunAt()));
    table.row("last run", schedule.lastRunAt() == null ? null
        : time(schedule.lastRunAt()) + " (job " + schedule.lastJobId() + ")");
    table.row("kind", d.kind());
    table.row("args", ApiJson.mapper().valueToTree(d.args() == null ? java.util.Map.of() : d.args()));
    table.row("queue", o.queue());
    table.row("priority", o.priority());
    table.row("max attempts", o.maxAttempts() == null ? "the kind's retry policy" : o.maxAttempts());
    table.row("timeout", o.timeout() == null ? "the worker's" : o.timeout());
    table.row("tags", o.tags().isEmpty() ? null : String.join(", ", o.tags()));
    table.row("metadata", ApiJson.mapper().valueToTree(o.metadata()));
    table.row("missed ticks", d.missed().dbName() + " (after " + d.grace() + " late)");
    table.row("created", time(schedule.createdAt()));
    table.row("updated", time(schedule.updatedAt()));
    table.print(out);
  }

  /** {@code paused since ...} or {@code running}. */
  static String state(Schedule schedule) {
    return schedule.paused() ? "paused since " + time(schedule.pausedAt()) : "running";
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
