package dev.gantry.server.cli;

import dev.gantry.Gantry;
import dev.gantry.server.database.DatabaseConfig;
import dev.gantry.server.database.DatabaseSource;
import dev.gantry.server.http.GantryServer;
import dev.gantry.server.http.ServerSettings;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.webhook.HostAllowList;
import dev.gantry.webhook.WebhookSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gantry server}: serves the HTTP API until the process is told to stop (SIGTERM, Ctrl-C),
 * then stops cleanly: the HTTP server first, then Gantry, then the database.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Serves Gantry's HTTP API.",
    description = {
        "Applies pending migrations, then serves the HTTP API (described at /openapi.json) until stopped with "
            + "SIGTERM or Ctrl-C: jobs for producers, Server-Sent Events of a job's changes, and claims, heartbeats "
            + "and outcomes for remote workers. Also stages delayed jobs, rescues jobs whose worker's lease expired "
            + "and prunes finished jobs, so a server alone keeps the queue moving. Requests need an API key "
            + "(see 'gantry keys create'), except /health/live, /health/ready, /openapi.json and /metrics.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set. "
            + "GANTRY_METRICS_KEY sets the metrics key without showing it in the process list, "
            + "GANTRY_DATABASE_TIMEOUT the database timeout.",
        "",
        "Webhooks (webhook_url on jobs, batches and workflows) are off unless GANTRY_WEBHOOK_ALLOWED_HOSTS lists the "
            + "hosts they may call, separated by commas: exact hosts (hooks.example.com, 10.0.0.7), *.example.com for "
            + "its subdomains, or * for any host whose addresses are all public. Deliveries are signed with the "
            + "enqueuing key's webhook secret (see 'gantry keys webhook-secret').",
        ""})
public final class ServerCommand implements Callable<Integer> {
  /** The environment variable for {@code --metrics-key}. */
  public static final String METRICS_KEY_VARIABLE = "GANTRY_METRICS_KEY";
  /** The environment variable for {@code --database-timeout}. */
  public static final String DATABASE_TIMEOUT_VARIABLE = "GANTRY_DATABASE_TIMEOUT";
  /**
   * The hosts webhooks may call (see {@link HostAllowList#parse}); unset or blank, webhooks are
   * off: a server often runs next to internal services that its API's callers must not reach.
   */
  public static final String WEBHOOK_HOSTS_VARIABLE = "GANTRY_WEBHOOK_ALLOWED_HOSTS";
  /**
   * How long a request waits for a database connection: short, so that clients learn of an
   * unreachable database (503 with Retry-After) in seconds rather than after the pool's 30 s.
   */
  public static final Duration DEFAULT_DATABASE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ServerSettings.DEFAULT_HOST,
      description = "The address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only).")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerSettings.DEFAULT_PORT,
      description = "The port; 0 picks a free one, printed at start (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "" + ServerSettings.DEFAULT_MAX_BODY_BYTES,
      description = "The largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}, 1 MiB).")
  private long maxBodyBytes;

  @Option(names = "--metrics-key", paramLabel = "KEY",
      description = "The bearer token Prometheus sends to /metrics, at least 16 characters (or set "
          + METRICS_KEY_VARIABLE + "). Without one, /metrics answers only clients on this machine.")
  private String metricsKey;

  @Option(names = "--database-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long a request waits for a database connection before it is answered 503 with Retry-After "
          + "(or set " + DATABASE_TIMEOUT_VARIABLE + "); 1s to 10m (default: 5s).")
  private Duration databaseTimeout;

  @Mixin
  private SchemaOption schema;

  ServerCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  private Duration databaseTimeout() {
    if (databaseTimeout != null) {
      return databaseTimeout;
    }
    String fromEnvironment = environment.variables().get(DATABASE_TIMEOUT_VARIABLE);
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      return DEFAULT_DATABASE_TIMEOUT;
    }
    try {
      return new DurationConverter().convert(fromEnvironment);
    } catch (TypeConversionException e) {
      throw new ParameterException(spec.commandLine(), DATABASE_TIMEOUT_VARIABLE + ": " + e.getMessage(), e);
    }
  }

  private HostAllowList webhookHosts() {
    try {
      return HostAllowList.parse(environment.variables().get(WEBHOOK_HOSTS_VARIABLE));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), WEBHOOK_HOSTS_VARIABLE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    String key = metricsKey != null ? metricsKey : environment.variables().get(METRICS_KEY_VARIABLE);
    ServerSettings settings;
    try {
      settings = ServerSettings.defaults().withHost(host).withPort(port).withMaxBodyBytes(maxBodyBytes)
          .withMetricsKey(key == null || key.isEmpty() ? null : key);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    WebhookSettings webhooks = WebhookSettings.defaults().withAllowedHosts(webhookHosts());
    DatabaseConfig databaseConfig = environment.databaseConfig();
    try {
      databaseConfig = databaseConfig.withConnectionTimeout(databaseTimeout());
    } catch (IllegalArgumentException e) {
      String source = databaseTimeout != null ? "--database-timeout" : DATABASE_TIMEOUT_VARIABLE;
      throw new ParameterException(spec.commandLine(), source + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopRequested.countDown();
      try {
        // The JVM exits when the hooks return: wait for the clean stop below.
        stopped.await(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gantry-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ServerMetrics metrics = new ServerMetrics();
      try (DatabaseSource database = DatabaseSource.open(databaseConfig);
          Gantry gantry = Gantry.builder(database.dataSource()).schema(schema.schema).listener(metrics.jobListener())
              .webhooks(webhooks).build();
          GantryServer server = new GantryServer(gantry, database.dataSource(), settings, metrics).start()) {
        out.println("Gantry server listening on " + server.url() + " (" + database.description() + ", schema " + schema.schema + ")");
        out.flush();
        stopRequested.await();
      }
      out.println("Gantry server stopped.");
      out.flush();
      return ExitCodes.OK;
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us, and returns now that stopped is counted down
      }
    }
  }
}
