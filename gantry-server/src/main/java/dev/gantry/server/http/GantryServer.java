package dev.gantry.server.http;

import static dev.gantry.server.auth.Role.ADMIN;
import static dev.gantry.server.auth.Role.PRODUCER;
import static dev.gantry.server.auth.Role.WORKER;

import dev.gantry.Gantry;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.server.database.ServerStatements;
import dev.gantry.server.http.auth.Access;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.batches.BatchEventStream;
import dev.gantry.server.http.batches.BatchRoutes;
import dev.gantry.server.http.health.HealthRoutes;
import dev.gantry.server.http.jobs.IdempotentTransaction;
import dev.gantry.server.http.jobs.JobEventStream;
import dev.gantry.server.http.jobs.JobRoutes;
import dev.gantry.server.http.leases.LeaseRoutes;
import dev.gantry.server.http.metrics.MetricsRoute;
import dev.gantry.server.http.metrics.QueueDepthSampler;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.server.http.openapi.OpenApiRoute;
import dev.gantry.server.http.queues.QueueLimitRoutes;
import dev.gantry.server.http.queues.QueueRoutes;
import dev.gantry.server.http.webhooks.WebhookRoutes;
import dev.gantry.server.http.schedules.ScheduleRoutes;
import dev.gantry.server.http.workflows.WorkflowRoutes;
import dev.gantry.server.maintenance.ServerMaintenance;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gantry's HTTP API on top of a {@link Gantry} instance: the routes below (jobs, batches,
 * workflows, schedules, event streams, the remote worker protocol, queues), API key checks, problem
 * responses for every failure, Prometheus metrics, and (unless switched off) the maintenance
 * that stages delayed jobs and rescues expired leases.
 *
 * <pre>{@code
 * ServerMetrics metrics = new ServerMetrics();
 * Gantry gantry = Gantry.builder(dataSource).listener(metrics.jobListener()).build();
 * try (GantryServer server = new GantryServer(gantry, dataSource, ServerSettings.defaults(), metrics).start()) {
 *   ... server.port() ...
 * }
 * }</pre>
 *
 * <p>The server can share its {@link Gantry} with Java handlers in the same process: a
 * {@link Gantry#worker()} runs some kinds of a queue as a library, while remote workers claim the
 * other kinds of the same queue over HTTP ({@code POST /v1/claims} with {@code "kinds"}). The
 * library worker must then claim only the kinds it has handlers for, or it would take the remote
 * workers' jobs and fail them for want of a handler; the server already stages and rescues, so
 * the worker need not:
 *
 * <pre>{@code
 * try (GantryServer server = new GantryServer(gantry, dataSource, ServerSettings.defaults(), metrics).start();
 *     Worker worker = gantry.worker()
 *         .queue("reports", 8)
 *         .onlyHandledKinds()                  // kind "report.pdf" is left to remote workers
 *         .maintenance(false)                  // the server does it
 *         .handler("report.csv", Report.class, (report, ctx) -> csv.render(report))
 *         .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Both sides take their jobs with {@code SKIP LOCKED} and guard every report with the
 * claim's lease token, so a job runs on one side at a time and its outcome is written once.
 *
 * <p>{@link #close()} stops the HTTP server (ending long-polls with 503 and event streams), then the maintenance;
 * the caller closes its own workers, the Gantry instance and the data source.
 */
public final class GantryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GantryServer.class);
  /** Longer than the longest long-poll (60 s) and keep-alive interval, so Jetty never cuts a waiting request. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(90);
  /** How long a stop waits for requests in progress to finish. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final ServerSettings settings;
  private final ServerMetrics metrics;
  private final Authenticator authenticator;
  private final ErrorHandling errors;
  private final HealthRoutes health;
  private final LongRequests longRequests = new LongRequests();
  private final JobRoutes jobs;
  private final BatchRoutes batches;
  private final WorkflowRoutes workflows;
  private final WebhookRoutes webhooks;
  private final ScheduleRoutes schedules;
  private final JobEventStream events;
  private final BatchEventStream batchEvents;
  private final LeaseRoutes leases;
  private final QueueRoutes queues;
  private final QueueLimitRoutes queueLimits;
  private final OpenApiRoute openApi = new OpenApiRoute();
  private final MetricsRoute metricsRoute;
  private final QueueDepthSampler queueDepths;
  private final ServerMaintenance maintenance;
  private final List<Route> routes;
  private Javalin app;
  private boolean closed;

  /**
   * @param dataSource the pool {@code gantry} uses, for the server's own tables (API keys, idempotency keys)
   * @param metrics where requests and job events are counted; register its {@link ServerMetrics#jobListener()}
   *     on {@code gantry} to count this process's job outcomes
   */
  public GantryServer(Gantry gantry, DataSource dataSource, ServerSettings settings, ServerMetrics metrics) {
    Objects.requireNonNull(gantry, "gantry");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(dataSource, "dataSource");
    RequestBody body = new RequestBody(settings.maxBodyBytes());
    this.authenticator = new Authenticator(new KeyStore(dataSource, gantry.schema()), settings.metricsKey());
    this.errors = new ErrorHandling(settings.maxBodyBytes());
    this.health = new HealthRoutes(dataSource);
    IdempotentTransaction transaction = new IdempotentTransaction(dataSource, new ServerStatements(gantry.schema()));
    this.jobs = new JobRoutes(gantry, transaction, body, metrics, longRequests);
    this.batches = new BatchRoutes(gantry, body, metrics, transaction, longRequests);
    this.workflows = new WorkflowRoutes(gantry, body, metrics, transaction);
    this.webhooks = new WebhookRoutes(gantry);
    this.schedules = new ScheduleRoutes(gantry, body);
    this.events = new JobEventStream(gantry, longRequests, settings.keepAliveInterval());
    this.batchEvents = new BatchEventStream(gantry, longRequests, settings.keepAliveInterval());
    this.leases = new LeaseRoutes(gantry, body, metrics, longRequests);
    metrics.gaugeEventStreams(() -> events.openStreams() + batchEvents.openStreams());
    this.queues = new QueueRoutes(gantry);
    this.queueLimits = new QueueLimitRoutes(gantry, body);
    this.metricsRoute = new MetricsRoute(metrics);
    this.queueDepths = new QueueDepthSampler(gantry, metrics);
    this.maintenance = settings.maintenance() ? new ServerMaintenance(gantry, dataSource) : null;
    this.routes = routeTable();
  }

  /** As the other constructor, with metrics of its own (job outcome counters then stay at zero). */
  public GantryServer(Gantry gantry, DataSource dataSource, ServerSettings settings) {
    this(gantry, dataSource, settings, new ServerMetrics());
  }

  private List<Route> routeTable() {
    Access anyone = Access.open();
    Access producers = Access.roles(PRODUCER, ADMIN);
    Access workers = Access.roles(WORKER, ADMIN);
    // A remote worker's handler reads what its job's dependencies returned.
    Access readersAndWorkers = Access.roles(PRODUCER, WORKER, ADMIN);
    Access admins = Access.roles(ADMIN);
    Access adminsOfEveryTenant = Access.roles(ADMIN).coveringEveryTenant();
    return List.of(
        Route.get("/health/live", anyone, health::live),
        Route.get("/health/ready", anyone, health::ready),
        Route.get("/openapi.json", anyone, openApi::serve),
        Route.get("/metrics", Access.metrics(), metricsRoute::scrape),
        Route.post("/v1/jobs", producers, jobs::enqueue),
        Route.post("/v1/jobs/batch", producers, jobs::enqueueBatch),
        Route.get("/v1/jobs", producers, jobs::list),
        Route.get("/v1/jobs/{id}", producers, jobs::get),
        Route.get("/v1/jobs/{id}/wait", producers, jobs::await),
        Route.get("/v1/jobs/{id}/events", producers, events::stream),
        Route.post("/v1/jobs/{id}/cancel", producers, jobs::cancel),
        Route.post("/v1/jobs/{id}/retry", admins, jobs::retry),
        Route.delete("/v1/jobs/{id}", admins, jobs::delete),
        Route.get("/v1/jobs/{id}/dependencies", readersAndWorkers, workflows::dependencies),
        Route.get("/v1/jobs/{id}/webhooks", producers, webhooks::jobDeliveries),
        Route.post("/v1/batches", producers, batches::create),
        Route.get("/v1/batches/{id}", producers, batches::get),
        Route.get("/v1/batches/{id}/wait", producers, batches::await),
        Route.get("/v1/batches/{id}/events", producers, batchEvents::stream),
        Route.post("/v1/batches/{id}/jobs", producers, batches::add),
        Route.post("/v1/batches/{id}/seal", producers, batches::seal),
        Route.post("/v1/batches/{id}/cancel", producers, batches::cancel),
        Route.get("/v1/batches/{id}/webhooks", producers, webhooks::batchDeliveries),
        Route.post("/v1/workflows", producers, workflows::create),
        Route.get("/v1/workflows/{id}", producers, workflows::get),
        Route.post("/v1/workflows/{id}/cancel", producers, workflows::cancel),
        Route.put("/v1/schedules/{name}", producers, schedules::define),
        Route.get("/v1/schedules", producers, schedules::list),
        Route.get("/v1/schedules/{name}", producers, schedules::get),
        Route.post("/v1/schedules/{name}/pause", producers, schedules::pause),
        Route.post("/v1/schedules/{name}/resume", producers, schedules::resume),
        Route.delete("/v1/schedules/{name}", producers, schedules::delete),
        Route.post("/v1/claims", workers, leases::claim),
        Route.post("/v1/jobs/{id}/heartbeat", workers, leases::heartbeat),
        Route.post("/v1/jobs/{id}/complete", workers, leases::complete),
        Route.post("/v1/jobs/{id}/fail", workers, leases::fail),
        Route.get("/v1/queues", adminsOfEveryTenant, queues::list),
        Route.put("/v1/queues/{queue}/limits", adminsOfEveryTenant, queueLimits::put),
        Route.get("/v1/queues/{queue}/limits", adminsOfEveryTenant, queueLimits::get),
        Route.delete("/v1/queues/{queue}/limits", adminsOfEveryTenant, queueLimits::delete));
  }

  /**
   * Starts listening, the queue depth sampling and the maintenance.
   *
   * @throws IllegalStateException if already started
   * @throws RuntimeException from Jetty if the address cannot be bound (port in use ...)
   */
  public synchronized GantryServer start() {
    if (app != null) {
      throw new IllegalStateException("the server was already started");
    }
    app = Javalin.create(this::configure);
    app.start();
    queueDepths.start(settings.queueDepthInterval());
    if (maintenance != null) {
      maintenance.start();
    }
    log.info("Gantry server listening on {}", url());
    return this;
  }

  private void configure(JavalinConfig config) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.concurrency.useVirtualThreads = true;
    config.http.prefer405over404 = true;
    config.http.maxRequestSize = settings.maxBodyBytes();
    config.jetty.modifyServer(server -> {
      // A graceful stop: stop accepting, then let requests in progress (long-polls ended by
      // stopWaiting()) write their responses before the connections close.
      server.insertHandler(new GracefulHandler());
      server.setStopTimeout(STOP_TIMEOUT.toMillis());
    });
    config.jetty.addConnector((server, httpConfiguration) -> {
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
      connector.setHost(settings.host());
      connector.setPort(settings.port());
      connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
      return connector;
    });
    for (Route route : routes) {
      config.routes.addHttpHandler(route.method(), route.path(), ctx -> {
        authenticator.check(ctx, route.access());
        route.handler().handle(ctx);
      });
    }
    // Javalin answers its own HTTP exceptions (no route, wrong method) as text unless a handler
    // is registered for HttpResponseException itself.
    config.routes.exception(HttpResponseException.class, errors::handle);
    config.routes.exception(Exception.class, errors::handle);
    config.requestLogger.http((ctx, millis) -> metrics.recordRequest(ctx.method().name(), routeOf(ctx),
        ctx.statusCode(), Duration.ofNanos((long) (millis * 1_000_000))));
  }

  private static String routeOf(Context ctx) {
    try {
      var endpoint = ctx.endpoint();
      return endpoint == null || !endpoint.method.isHttpMethod() ? "UNMATCHED" : endpoint.path;
    } catch (RuntimeException noEndpoint) {
      return "UNMATCHED";
    }
  }

  /** The port listened on (the one picked when the settings asked for 0). */
  public int port() {
    if (app == null) {
      throw new IllegalStateException("the server is not started");
    }
    return app.port();
  }

  /** {@code http://host:port}. */
  public String url() {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "http://" + host + ":" + port();
  }

  /** The route table, in registration order. */
  public List<Route> routes() {
    return routes;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  /**
   * How many event streams ({@code GET /v1/jobs/{id}/events} and {@code GET /v1/batches/{id}/events})
   * are open now, each holding one watch.
   */
  public int openEventStreams() {
    return events.openStreams() + batchEvents.openStreams();
  }

  /**
   * Stops: long-polls end with 503, the HTTP server stops, then the queue depth sampling and the
   * maintenance. The Gantry instance and the data source are the caller's to close afterwards.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    longRequests.stop();
    if (app != null) {
      app.stop();
    }
    queueDepths.close();
    if (maintenance != null) {
      maintenance.close();
    }
    health.close();
    log.info("Gantry server stopped");
  }
}
