package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.job.CancelResult;
import dev.gantry.job.JobNotFoundException;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gantry jobs cancel ID}: a job that has not started is cancelled at once; a running one is
 * flagged and its worker stops it. Cancelling a finished job changes nothing and still exits 0.
 */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Cancels a job.",
    description = {
        "A job that has not started is cancelled at once and never runs. A running job's worker, on whichever node, "
            + "is told to stop it; it ends as cancelled. A finished job is left as it is (exit 0). "
            + "Exits 1 with 'no job ID' when there is no such job.",
        ""})
public final class JobsCancelCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "ID", converter = JobIdConverter.class, description = "The job's id.")
  private UUID id;

  JobsCancelCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      CancelResult result;
      try {
        result = cli.gantry().cancel(id);
      } catch (JobNotFoundException e) {
        throw new GantryException("no job " + id, e);
      }
      switch (result) {
        case CANCELLED -> out.println("Cancelled job " + id + ".");
        case CANCEL_REQUESTED -> out.println("Job " + id + " is running; its worker was told to stop it, and it ends as cancelled.");
        case ALREADY_FINISHED -> out.println("Job " + id + " had already finished ("
            + cli.gantry().job(id).map(j -> j.state().dbName()).orElse("and is gone") + "); nothing changed.");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
