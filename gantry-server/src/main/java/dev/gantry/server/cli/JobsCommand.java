package dev.gantry.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry jobs}: the group of commands that read and manage jobs; alone, it shows them. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Lists, shows, cancels and retries jobs.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {JobsListCommand.class, JobsShowCommand.class, JobsCancelCommand.class, JobsRetryCommand.class,
        CommandLine.HelpCommand.class},
    description = {
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    footer = {"", "Run 'gantry jobs COMMAND --help' for a command's options."})
public final class JobsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
