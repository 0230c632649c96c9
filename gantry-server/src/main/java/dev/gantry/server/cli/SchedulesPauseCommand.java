package dev.gantry.server.cli;

import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.Schedules;
import picocli.CommandLine.Command;

/** {@code gantry schedules pause NAME}: its ticks enqueue nothing until it is resumed. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Pauses a schedule: its ticks enqueue no job until it is resumed.",
    description = {
        "Jobs it already enqueued still run. Pausing a paused schedule changes nothing (exit 0). Exits 1 with "
            + "'no schedule NAME' when there is no such schedule.",
        ""})
public final class SchedulesPauseCommand extends ScheduleCommand {
  SchedulesPauseCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Schedule act(Schedules schedules, Schedule before, StringBuilder note) {
    if (before.paused()) {
      note.append("Schedule " + name + " was already paused; nothing changed.");
      return before;
    }
    note.append("Paused schedule " + name + ": its ticks enqueue nothing until 'gantry schedules resume " + name + "'.");
    return schedules.pause(name);
  }
}
