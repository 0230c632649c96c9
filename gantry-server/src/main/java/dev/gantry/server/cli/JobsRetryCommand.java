package dev.gantry.server.cli;

import dev.gantry.GantryException;
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
 * {@code gantry jobs retry ID}: runs a finished job again (attempts reset, error history kept), or
 * makes a job waiting for its time or its backoff due now.
 */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Runs a finished or waiting job again, now.",
    description = {
        "A dead, cancelled or completed job becomes available again with its attempts reset and its error history "
            + "kept; a scheduled or retryable job becomes due now. Exits 1 when the job is running, already "
            + "available or pending (a workflow step waiting for its dependencies), when an unfinished job now "
            + "holds its unique key, or with 'no job ID' when there is no such job.",
        ""})
public final class JobsRetryCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "ID", converter = JobIdConverter.class, description = "The job's id.")
  private UUID id;

  JobsRetryCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      try {
        cli.gantry().retry(id);
      } catch (JobNotFoundException e) {
        throw new GantryException("no job " + id, e);
      }
      out.println("Job " + id + " is available to run again.");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
