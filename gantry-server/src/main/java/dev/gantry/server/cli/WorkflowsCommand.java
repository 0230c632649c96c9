package dev.gantry.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry workflows}: the group of commands that read and cancel workflows; alone, it shows them. */
@Command(
    name = "workflows",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows and cancels workflows: graphs of jobs where a step runs once those it depends on have finished.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {WorkflowsShowCommand.class, WorkflowsCancelCommand.class, CommandLine.HelpCommand.class},
    description = {
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    footer = {"", "Run 'gantry workflows COMMAND --help' for a command's options."})
public final class WorkflowsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
