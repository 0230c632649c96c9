package dev.gantry.server.cli;

import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.Schedules;
import picocli.CommandLine.Command;

/** {@code gantry schedules resume NAME}: ticking again from its next tick after now. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Resumes a paused schedule from its next tick after now.",
    description = {
        "The ticks that came while it was paused are not made up for. Resuming a running schedule changes nothing "
            + "(exit 0). Exits 1 with 'no schedule NAME' when there is no such schedule.",
        ""})
public final class SchedulesResumeCommand extends ScheduleCommand {
  SchedulesResumeCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  Schedule act(Schedules schedules, Schedule before, StringBuilder note) {
    if (!before.paused()) {
      note.append("Schedule " + name + " was not paused; nothing changed.");
      return before;
    }
    Schedule resumed = schedules.resume(name);
    note.append("Resumed schedule " + name + ": its next run is at " + ScheduleOutput.time(resumed.nextRunAt()) + ".");
    return resumed;
  }
}
