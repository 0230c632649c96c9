package dev.gantry.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry batches}: the group of commands that read and manage batches; alone, it shows them. */
@Command(
    name = "batches",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows, seals and cancels batches of jobs.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {BatchesShowCommand.class, BatchesSealCommand.class, BatchesCancelCommand.class,
        CommandLine.HelpCommand.class},
    description = {
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    footer = {"", "Run 'gantry batches COMMAND --help' for a command's options."})
public final class BatchesCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
