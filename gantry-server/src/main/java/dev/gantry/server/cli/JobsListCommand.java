package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gantry jobs list}: one page of jobs, newest first, as a table (or JSON), followed by the
 * cursor of the next page. Pages are keyset-paginated: {@code --cursor} continues after the last
 * job shown, stable while new jobs arrive.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Lists jobs, newest first.",
    description = {
        "Prints a table of jobs and, when there are more, the --cursor value that shows the next page (with the same "
            + "filters). Creation times are the database's. With --json: {\"jobs\": [...], \"next_cursor\": ID or null}.",
        ""})
public final class JobsListCommand implements Callable<Integer> {
  static final int DEFAULT_LIMIT = 50;

  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Option(names = "--queue", paramLabel = "Q", description = "Only jobs of this queue.")
  private String queue;

  @Option(names = "--kind", paramLabel = "KIND", description = "Only jobs of this kind.")
  private String kind;

  @Option(names = "--state", paramLabel = "STATE", converter = JobStateConverter.class,
      description = "Only jobs in this state: pending (workflow steps waiting for their dependencies), scheduled, "
          + "available, running, retryable, completed, dead or cancelled.")
  private JobState state;

  @Option(names = "--tag", paramLabel = "T", description = "Only jobs with this tag.")
  private String tag;

  @Option(names = "--created-after", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only jobs created at or after this instant, such as 2026-11-23T10:00:00Z (ISO 8601 with an offset).")
  private Instant createdAfter;

  @Option(names = "--created-before", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only jobs created before this instant (exclusive), such as 2026-11-24T00:00:00Z.")
  private Instant createdBefore;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
      description = "Jobs per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
  private int limit;

  @Option(names = "--cursor", paramLabel = "ID", converter = JobIdConverter.class,
      description = "Continue after this job: the cursor the previous page printed.")
  private UUID cursor;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  JobsListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    JobFilter filter;
    try {
      filter = JobFilter.all().withLimit(limit);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--limit': " + e.getMessage(), e);
    }
    if (createdAfter != null && createdBefore != null && !createdAfter.isBefore(createdBefore)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--created-after': must be before"
          + " --created-before (inclusive start, exclusive end), got " + createdAfter + " and " + createdBefore);
    }
    filter = filter.withQueue(queue).withKind(kind).withState(state).withTag(tag)
        .withCreatedAfter(createdAfter).withCreatedBefore(createdBefore).withAfter(cursor);
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      JobPage page = cli.gantry().jobs(filter);
      if (json) {
        ObjectMapper mapper = cli.gantry().mapper();
        ObjectNode node = mapper.createObjectNode();
        ArrayNode jobs = node.putArray("jobs");
        page.jobs().forEach(j -> jobs.add(JobJson.of(mapper, j)));
        node.put("next_cursor", page.nextCursor() == null ? null : page.nextCursor().toString());
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
      } else if (page.jobs().isEmpty()) {
        out.println(cursor == null ? "No jobs match." : "No more jobs.");
      } else {
        TextTable table = new TextTable("ID", "STATE", "QUEUE", "KIND", "ATTEMPT", "CREATED");
        for (Job j : page.jobs()) {
          table.row(j.id(), j.state().dbName(), j.queue(), j.kind(), j.attempt(), j.createdAt().truncatedTo(ChronoUnit.SECONDS));
        }
        table.print(out);
        out.println(page.nextCursor() == null ? "(last page)" : "Next page: --cursor " + page.nextCursor());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
