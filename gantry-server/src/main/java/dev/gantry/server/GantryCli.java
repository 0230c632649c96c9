package dev.gantry.server;

import dev.gantry.server.cli.BatchesCommand;
import dev.gantry.server.cli.CliEnvironment;
import dev.gantry.server.cli.CommandFactory;
import dev.gantry.server.cli.DemoCommand;
import dev.gantry.server.cli.EnqueueCommand;
import dev.gantry.server.cli.ErrorReporter;
import dev.gantry.server.cli.ExitCodes;
import dev.gantry.server.cli.JobsCommand;
import dev.gantry.server.cli.KeysCommand;
import dev.gantry.server.cli.MigrateCommand;
import dev.gantry.server.cli.QueuesCommand;
import dev.gantry.server.cli.SchedulesCommand;
import dev.gantry.server.cli.ServerCommand;
import dev.gantry.server.cli.VersionProvider;
import dev.gantry.server.cli.WorkflowsCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gantry} command line: the runnable jar's main class. Each subcommand is a class in
 * {@code dev.gantry.server.cli}; a new one is added to {@code subcommands} below and, if it needs
 * the environment or the database, takes a {@link CliEnvironment} in its constructor.
 *
 * <p>Exit codes: {@link ExitCodes#OK}, {@link ExitCodes#FAILED} with a one-line reason on
 * stderr, or {@link ExitCodes#USAGE} for a command line that cannot be understood.
 */
@Command(
    name = "gantry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Gantry: a durable background job queue on PostgreSQL.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DemoCommand.class, MigrateCommand.class, ServerCommand.class, KeysCommand.class,
        EnqueueCommand.class, JobsCommand.class, BatchesCommand.class, WorkflowsCommand.class, SchedulesCommand.class,
        QueuesCommand.class, CommandLine.HelpCommand.class},
    footer = {
        "",
        "Database:",
        "  GANTRY_DATABASE_URL   the PostgreSQL to use, for example",
        "                        jdbc:postgresql://localhost:5432/app?user=app or",
        "                        postgres://app:secret@localhost:5432/app",
        "  GANTRY_DATA_DIR       when no URL is set, an embedded PostgreSQL keeps its",
        "                        data here (default: .gantry/pgdata)",
        "",
        "Run 'gantry COMMAND --help' for a command's options."})
public final class GantryCli implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(CliEnvironment.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs one command line and returns its exit code, writing to the given streams; what
   * {@link #main} does, without exiting, so tests can run commands in-process.
   */
  public static int run(CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
    ErrorReporter errors = new ErrorReporter();
    return new CommandLine(GantryCli.class, new CommandFactory(environment))
        .setOut(out)
        .setErr(err)
        .setParameterExceptionHandler(errors)
        .setExecutionExceptionHandler(errors)
        .execute(args);
  }

  /** {@code gantry} alone: show what there is to run. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
