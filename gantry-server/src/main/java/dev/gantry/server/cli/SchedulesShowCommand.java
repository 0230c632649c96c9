package dev.gantry.server.cli;

import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.Schedules;
import picocli.CommandLine.Command;

/** {@code gantry schedules show NAME}: a schedule's definition, state, next and last run. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows one schedule: its expression, its next and last run, and the jobs it enqueues.",
    description = {
        "Times are the database's, in UTC; the expression is read in the schedule's time zone. Exits 1 with "
            + "'no schedule NAME' when there is no such schedule. --json prints what GET /v1/schedules/{name} answers.",
        ""})
public final class SchedulesShowCommand extends ScheduleCommand {
  SchedulesShowCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Schedule act(Schedules schedules, Schedule before, StringBuilder note) {
    return before;
  }
}
