package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gantry enqueue KIND}: enqueues one job and prints its id. Every value is checked before
 * the database is opened, so a bad one is a usage error (exit 2) naming the option; a unique key
 * an unfinished job already holds prints that job's id and says so on stderr.
 */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Enqueues a job and prints its id.",
    description = {
        "Prints the new job's id, or with --json {\"id\": ..., \"duplicate\": ...}. When an unfinished job already "
            + "holds the --unique-key, nothing is inserted and that job's id is printed.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set. Does not create or upgrade "
            + "the schema: run 'gantry migrate' first.",
        ""})
public final class EnqueueCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "KIND", description = "Which handler runs the job, for example email.send.")
  private String kind;

  @Option(names = "--args", paramLabel = "JSON", converter = JsonConverter.class,
      description = "The job's arguments as JSON (default: {}).")
  private JsonNode args;

  @Option(names = "--queue", paramLabel = "Q", description = "The queue (default: " + JobOptions.DEFAULT_QUEUE + ").")
  private String queue;

  @Option(names = "--priority", paramLabel = "N", description = "-100 to 100, lower runs first (default: 0).")
  private Integer priority;

  @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Run no earlier than this long from now by the database clock: 500ms, 30s, 5m, 2h, 1d or PT1M30S.")
  private Duration delay;

  @Option(names = "--max-attempts", paramLabel = "N",
      description = "Attempts before the job is dead (default: the kind's retry policy).")
  private Integer maxAttempts;

  @Option(names = "--unique-key", paramLabel = "K",
      description = "While an unfinished job holds this key, return that job instead of adding one.")
  private String uniqueKey;

  @Option(names = "--tag", paramLabel = "T", description = "A label to filter by; repeat for more.")
  private List<String> tags = new ArrayList<>();

  @Option(names = "--json", description = "Print {\"id\": ..., \"duplicate\": ...} instead of the bare id.")
  private boolean json;

  EnqueueCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    JobRequest request = request();
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      EnqueueResult result = cli.gantry().enqueue(request.kind(), request.args(), request.options());
      if (json) {
        ObjectNode node = cli.gantry().mapper().createObjectNode()
            .put("id", result.id().toString())
            .put("duplicate", result.duplicate());
        out.println(cli.gantry().mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
      } else {
        out.println(result.id());
        if (result.duplicate()) {
          PrintWriter err = spec.commandLine().getErr();
          err.println(spec.qualifiedName() + ": unfinished job " + result.id() + " already holds unique key "
              + uniqueKey + "; no job was added");
          err.flush();
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private JobRequest request() {
    JobOptions options = JobOptions.defaults();
    options = set(options, "--queue", queue, JobOptions::withQueue);
    options = set(options, "--priority", priority, JobOptions::withPriority);
    options = set(options, "--delay", delay, JobOptions::withDelay);
    options = set(options, "--max-attempts", maxAttempts, JobOptions::withMaxAttempts);
    options = set(options, "--unique-key", uniqueKey, JobOptions::withUniqueKey);
    options = set(options, "--tag", tags.isEmpty() ? null : tags.toArray(String[]::new), JobOptions::withTags);
    try {
      return new JobRequest(kind, args, options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for KIND: " + e.getMessage(), e);
    }
  }

  /** Applies one option with the same checks as the Java API, reporting a refusal against the option's name. */
  private <T> JobOptions set(JobOptions options, String option, T value, BiFunction<JobOptions, T, JobOptions> with) {
    if (value == null) {
      return options;
    }
    try {
      return with.apply(options, value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + e.getMessage(), e);
    }
  }
}
