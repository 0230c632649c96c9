package dev.gantry.server.cli;

import ch.qos.logback.classic.Level;
import dev.gantry.server.database.DatabaseSource;
import dev.gantry.server.demo.DemoReport;
import dev.gantry.server.demo.DemoRun;
import dev.gantry.server.demo.DemoSettings;
import dev.gantry.worker.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gantry demo}: runs a sample workload through a worker in this process and shows what
 * happens, ending with a summary. Exits 0 when every job reached the state planned for it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Runs a sample workload and shows what Gantry does with it.",
    description = {
        "Enqueues jobs that succeed with progress reports, fail and are retried, fail for good, are delayed, "
            + "snooze, and are cancelled while queued and while running; runs them with a worker in this process; "
            + "prints the counts per state as it goes and a summary at the end. Exits 0 when every job reached "
            + "the state planned for it.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set. "
            + "The demo's schema is dropped and recreated at every run.",
        ""})
public final class DemoCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1000",
      description = "How many jobs to enqueue, " + DemoSettings.MIN_JOBS + " to " + DemoSettings.MAX_JOBS
          + " (default: ${DEFAULT-VALUE}).")
  private int jobs;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "50",
      description = "How many jobs run at once (default: ${DEFAULT-VALUE}).")
  private int concurrency;

  @Option(names = "--schema", paramLabel = "NAME", defaultValue = DemoSettings.DEFAULT_SCHEMA,
      converter = SchemaNameConverter.class,
      description = "The demo's schema; must start with " + DemoSettings.SCHEMA_PREFIX + " (default: ${DEFAULT-VALUE}).")
  private String schema;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up if the jobs have not all finished after this long (default: ${DEFAULT-VALUE}).")
  private long timeoutSeconds;

  @Option(names = "--verbose", description = "Also log every failed attempt (they are on purpose, so hidden by default).")
  private boolean verbose;

  DemoCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  @SuppressWarnings("try") // the log level override only has to be open while the demo runs
  public Integer call() throws InterruptedException {
    DemoSettings settings;
    try {
      settings = new DemoSettings(jobs, concurrency, schema, Duration.ofSeconds(timeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    // The worker logs a warning for every failed attempt; in the demo they are planned and
    // counted in the summary, and a warning per flaky email would bury the live counts.
    try (LogLevelOverride quiet = LogLevelOverride.raise(Worker.class.getName(), verbose ? Level.INFO : Level.ERROR);
        DatabaseSource database = DatabaseSource.open(environment.databaseConfig())) {
      out.println("Gantry demo on " + database.description());
      DemoReport report = new DemoRun(database.dataSource(), settings, out).run();
      report.print(out);
      if (!report.asExpected()) {
        throw new IllegalStateException("the demo did not end as planned: " + String.join("; ", report.differences()));
      }
      return ExitCodes.OK;
    }
  }
}
