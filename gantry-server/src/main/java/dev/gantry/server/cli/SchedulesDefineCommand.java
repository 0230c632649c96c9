package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.schedule.CronParsers;
import dev.gantry.schedule.Defined;
import dev.gantry.schedule.MissedTicks;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.schedule.Schedules;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gantry schedules define NAME --cron EXPR --kind KIND}: creates a schedule or replaces the
 * one of that name, as {@code PUT /v1/schedules/{name}} does. Every value, the expression included,
 * is checked before the database is opened, so a bad one is a usage error (exit 2) naming the option.
 */
@Command(
    name = "define",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Creates a schedule, or replaces the one with the same name.",
    description = {
        "At every tick of --cron, read in --time-zone, one job of --kind is enqueued by the worker nodes (the "
            + "server's included), exactly once however many run. Replacing a schedule keeps its next tick unless "
            + "--cron or --time-zone changed; a paused one stays paused. Defining it again as it is changes nothing.",
        ""})
public final class SchedulesDefineCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "NAME", converter = ScheduleNameConverter.class,
      description = "The schedule's name, unique within its tenant.")
  private String name;

  @Option(names = "--cron", paramLabel = "EXPR", required = true,
      description = "Unix cron: 5 fields (minute hour day-of-month month day-of-week) such as '0 3 * * *', "
          + "@hourly/@daily/@weekly/@monthly/@yearly, or 6 fields with seconds first.")
  private String cron;

  @Option(names = "--kind", paramLabel = "KIND", required = true, description = "The kind of the jobs it enqueues.")
  private String kind;

  @Option(names = "--time-zone", paramLabel = "ZONE",
      description = "The zone the expression is read in, such as Europe/Berlin (default: UTC).")
  private String timeZone;

  @Option(names = "--args", paramLabel = "JSON", converter = JsonConverter.class,
      description = "The jobs' arguments as JSON (default: {}).")
  private JsonNode args;

  @Option(names = "--queue", paramLabel = "Q", description = "The jobs' queue (default: " + JobOptions.DEFAULT_QUEUE + ").")
  private String queue;

  @Option(names = "--priority", paramLabel = "N", description = "-100 to 100, lower runs first (default: 0).")
  private Integer priority;

  @Option(names = "--max-attempts", paramLabel = "N",
      description = "Attempts before a job is dead (default: the kind's retry policy).")
  private Integer maxAttempts;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Per-attempt timeout, such as 30s or 5m (default: the worker's).")
  private Duration timeout;

  @Option(names = "--tag", paramLabel = "T", description = "A label for the jobs; repeat for more.")
  private List<String> tags = new ArrayList<>();

  @Option(names = "--metadata", paramLabel = "JSON", converter = JsonConverter.class,
      description = "A JSON object stored with each job, next to schedule and scheduled_for.")
  private JsonNode metadata;

  @Option(names = "--missed", paramLabel = "POLICY",
      description = "What ticks later than --grace get (every node was down): skip (none, the default) or run_once "
          + "(one job for the latest of them).")
  private String missed;

  @Option(names = "--grace", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How late a tick may be and still get its job, 1s to 31d (default: 1m).")
  private Duration grace;

  @Option(names = "--tenant", paramLabel = "T", converter = TenantConverter.class,
      description = "The tenant the schedule and its jobs belong to (default: none).")
  private String tenant;

  @Option(names = "--json", description = "Print the schedule as JSON, as PUT /v1/schedules/{name} answers.")
  private boolean json;

  SchedulesDefineCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    ScheduleDefinition definition = definition();
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Schedules schedules = cli.gantry().schedules();
      Defined defined;
      try {
        defined = schedules.define(definition);
      } catch (IllegalArgumentException e) {
        // What needs the database clock: an expression that never fires.
        throw invalid(e.getMessage().startsWith("cron: ") ? "--cron" : "NAME", e);
      }
      if (!json) {
        out.println(defined.created() ? "Created schedule " + name + "."
            : defined.changed() ? "Replaced schedule " + name + "."
            : "Schedule " + name + " was already defined so; nothing changed.");
      }
      ScheduleOutput.print(out, defined.schedule(), json);
      out.flush();
      return ExitCodes.OK;
    }
  }

  private ScheduleDefinition definition() {
    ScheduleDefinition d;
    try {
      d = ScheduleDefinition.of(name, cron, kind, args);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage().startsWith("kind: ") ? "--kind" : "--cron", e);
    }
    try {
      CronParsers.require().parse(cron);
    } catch (IllegalArgumentException e) {
      throw invalid("--cron", e);
    }
    if (timeZone != null) {
      try {
        d = d.withTimeZone(ZoneId.of(timeZone));
      } catch (DateTimeException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--time-zone': expected a time zone "
            + "such as Europe/Berlin, America/New_York or UTC, got: " + timeZone, e);
      }
    }
    JobOptions options = JobOptions.defaults();
    options = set(options, "--queue", queue, JobOptions::withQueue);
    options = set(options, "--priority", priority, JobOptions::withPriority);
    options = set(options, "--max-attempts", maxAttempts, JobOptions::withMaxAttempts);
    options = set(options, "--timeout", timeout, JobOptions::withTimeout);
    options = set(options, "--tag", tags.isEmpty() ? null : tags.toArray(String[]::new), JobOptions::withTags);
    if (metadata != null) {
      if (!metadata.isObject()) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--metadata': expected a JSON "
            + "object such as '{\"team\": \"ops\"}'");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      metadata.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
      options = options.withMetadata(values);
    }
    options = set(options, "--tenant", tenant, JobOptions::withTenant);
    d = d.withOptions(options);
    if (missed != null) {
      try {
        d = d.withMissed(MissedTicks.of(missed));
      } catch (IllegalArgumentException e) {
        throw invalid("--missed", e);
      }
    }
    if (grace != null) {
      try {
        d = d.withGrace(grace);
      } catch (IllegalArgumentException e) {
        throw invalid("--grace", e);
      }
    }
    return d;
  }

  /** Applies one option with the same checks as the Java API, reporting a refusal against the option's name. */
  private <T> JobOptions set(JobOptions options, String option, T value, BiFunction<JobOptions, T, JobOptions> with) {
    if (value == null) {
      return options;
    }
    try {
      return with.apply(options, value);
    } catch (IllegalArgumentException e) {
      throw invalid(option, e);
    }
  }

  private ParameterException invalid(String option, IllegalArgumentException e) {
    String message = e.getMessage().replaceFirst("^[a-z]+: ", "");
    String what = option.startsWith("--") ? "option '" + option + "'" : option;
    return new ParameterException(spec.commandLine(), "Invalid value for " + what + ": " + message, e);
  }
}
