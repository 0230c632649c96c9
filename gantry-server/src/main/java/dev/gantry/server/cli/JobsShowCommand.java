package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gantry jobs show ID}: everything stored about one job, running or finished. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows one job: its state, options, args, result and errors.",
    description = {
        "Exits 1 with 'no job ID' when there is no such job (never enqueued, deleted, or pruned). "
            + "The text view shows each failed attempt's message; --json has their stack traces too.",
        ""})
public final class JobsShowCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "ID", converter = JobIdConverter.class, description = "The job's id.")
  private UUID id;

  @Option(names = "--json", description = "Print the job as JSON.")
  private boolean json;

  JobsShowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Job job = cli.gantry().job(id).orElseThrow(() -> new GantryException("no job " + id));
      if (json) {
        out.println(cli.gantry().mapper().writerWithDefaultPrettyPrinter().writeValueAsString(JobJson.of(cli.gantry().mapper(), job)));
      } else {
        print(out, job);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static void print(PrintWriter out, Job job) {
    TextTable table = new TextTable("id", job.id().toString());
    table.row("kind", job.kind());
    table.row("queue", job.queue());
    table.row("state", job.state().dbName() + (job.cancelRequested() ? " (cancel requested)" : ""));
    table.row("attempt", job.attempt() + (job.maxAttempts() == null ? " (max set by the kind's retry policy)" : " of " + job.maxAttempts()));
    table.row("priority", job.priority());
    table.row("timeout", job.timeout() == null ? "worker's default" : job.timeout().toString());
    table.row("unique key", job.uniqueKey());
    table.row("tags", job.tags().isEmpty() ? null : String.join(", ", job.tags()));
    table.row("progress", job.progressPercent() == null && job.progressMessage() == null ? null
        : (job.progressPercent() == null ? "" : job.progressPercent() + "% ") + (job.progressMessage() == null ? "" : job.progressMessage()));
    table.row("created", time(job.createdAt()));
    table.row("scheduled", time(job.scheduledAt()));
    table.row("attempted", time(job.attemptedAt()));
    table.row("finished", time(job.finishedAt()));
    table.row("lease until", time(job.leaseExpiresAt()));
    table.row("worker", job.workerId());
    table.row("args", job.args());
    table.row("metadata", job.metadata());
    table.row("result", job.result());
    table.print(out);
    if (!job.errors().isEmpty()) {
      out.println("errors:");
      for (JobError e : job.errors()) {
        out.println("  attempt " + e.attempt() + " at " + time(e.at()) + ": " + e.errorClass()
            + (e.message() == null ? "" : ": " + e.message().strip().replaceAll("\\s*\\R\\s*", " ")));
      }
    }
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
