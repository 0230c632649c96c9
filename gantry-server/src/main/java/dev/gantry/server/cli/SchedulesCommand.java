package dev.gantry.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry schedules}: the group of commands that define, read and manage recurring schedules. */
@Command(
    name = "schedules",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Defines, lists, pauses, resumes and deletes recurring schedules.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {SchedulesListCommand.class, SchedulesShowCommand.class, SchedulesDefineCommand.class,
        SchedulesPauseCommand.class, SchedulesResumeCommand.class, SchedulesDeleteCommand.class,
        CommandLine.HelpCommand.class},
    description = {
        "A schedule enqueues one job at every tick of its cron expression; worker nodes with maintenance on (the "
            + "server's included) tick it, exactly once however many run.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    footer = {"", "Run 'gantry schedules COMMAND --help' for a command's options."})
public final class SchedulesCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
