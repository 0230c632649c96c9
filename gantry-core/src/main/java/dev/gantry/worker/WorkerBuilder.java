package dev.gantry.worker;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.internal.Context;
import dev.gantry.maintenance.Retention;
import dev.gantry.webhook.SigningKeys;
import dev.gantry.webhook.WebhookSettings;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;

/**
 * Configures a worker node: the queues it serves with their concurrency, the handlers it runs,
 * and its timings. Every setting has a default; {@link #start()} starts the node.
 */
public final class WorkerBuilder {
  private final Context ctx;
  private final Map<String, Integer> queues = new LinkedHashMap<>();
  private final Map<String, Registration<?>> handlers = new HashMap<>();
  private String workerId = defaultWorkerId();
  private Duration leaseDuration = Duration.ofSeconds(30);
  private Duration heartbeatInterval = Duration.ofSeconds(10);
  private Duration pollInterval = Duration.ofSeconds(1);
  private int fetchBatchSize = 100;
  private int completeBatchSize = 1_000;
  private Duration completeFlushInterval = Duration.ofMillis(10);
  private int maxPendingCompletions = 10_000;
  private Duration defaultTimeout = Duration.ofMinutes(30);
  private Duration shutdownTimeout = Duration.ofSeconds(30);
  private boolean maintenance = true;
  private boolean onlyHandledKinds;
  private Duration stageInterval = Duration.ofMillis(500);
  private Duration rescueInterval;
  private Duration pruneInterval = Duration.ofMinutes(1);
  private Duration vacuumInterval = Duration.ofSeconds(1);
  private Duration scheduleInterval = Duration.ofSeconds(1);
  private Retention retention = Retention.DEFAULT;
  private WebhookSettings webhooks = WebhookSettings.defaults();
  private ThreadFactory handlerThreads = Thread.ofVirtual().name("gantry-job-", 0).factory();

  public WorkerBuilder(Context ctx) {
    this.ctx = ctx;
  }

  /** Serve this queue with up to {@code concurrency} jobs running at once on this node. */
  public WorkerBuilder queue(String name, int concurrency) {
    JobOptions.requireQueueName(name);
    if (concurrency < 1 || concurrency > 100_000) {
      throw new IllegalArgumentException("concurrency of queue " + name + " must be between 1 and 100000, got " + concurrency);
    }
    queues.put(name, concurrency);
    return this;
  }

  /** Run jobs of {@code kind} with this handler; their JSON args are read into {@code argsType}. */
  public <A> WorkerBuilder handler(String kind, Class<A> argsType, JobHandler<A> handler) {
    return handler(kind, argsType, handler, HandlerOptions.defaults());
  }

  /** As {@link #handler(String, Class, JobHandler)}, with this kind's retry policy and timeout. */
  public <A> WorkerBuilder handler(String kind, Class<A> argsType, JobHandler<A> handler, HandlerOptions options) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(argsType, "argsType");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    if (handlers.putIfAbsent(kind, new Registration<>(kind, argsType, handler, options)) != null) {
      throw new IllegalArgumentException("a handler for kind " + kind + " is already registered");
    }
    return this;
  }

  /**
   * Claim only jobs whose kind has a handler on this node, and leave the queues' other kinds to
   * other workers: remote workers over HTTP, or nodes of another service, on the same queues.
   * By default a node claims every kind of its queues, and an attempt of a kind it has no
   * handler for fails (so a mistyped kind ends up dead instead of waiting forever); with this,
   * a job whose kind no worker claims stays available.
   *
   * <p>Claims walk the queue's claim index past the jobs of other kinds, so a long run of jobs
   * for others ahead of this node's makes its claims slower.
   */
  public WorkerBuilder onlyHandledKinds() {
    this.onlyHandledKinds = true;
    return this;
  }

  /** This node's name in jobs' {@code worker_id}; default host-pid-random. */
  public WorkerBuilder workerId(String workerId) {
    if (workerId == null || workerId.isBlank() || workerId.length() > 200) {
      throw new IllegalArgumentException("workerId must be non-blank and at most 200 characters");
    }
    this.workerId = workerId;
    return this;
  }

  /** How long a claim holds a job without a heartbeat before it may be rescued; default 30 s. */
  public WorkerBuilder leaseDuration(Duration leaseDuration) {
    this.leaseDuration = positive(leaseDuration, "leaseDuration");
    return this;
  }

  /** How often leases are renewed; default 10 s. Must be well under the lease duration. */
  public WorkerBuilder heartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
    return this;
  }

  /** How often each queue is polled when no notification arrives; default 1 s. */
  public WorkerBuilder pollInterval(Duration pollInterval) {
    this.pollInterval = positive(pollInterval, "pollInterval");
    return this;
  }

  /** Most jobs claimed by one statement; default 100. */
  public WorkerBuilder fetchBatchSize(int size) {
    this.fetchBatchSize = atLeastOne(size, "fetchBatchSize");
    return this;
  }

  /** Most outcomes written by one statement; default 1,000. */
  public WorkerBuilder completeBatchSize(int size) {
    this.completeBatchSize = atLeastOne(size, "completeBatchSize");
    return this;
  }

  /** Longest an outcome waits for its batch to fill before it is written anyway; default 10 ms. */
  public WorkerBuilder completeFlushInterval(Duration interval) {
    this.completeFlushInterval = positive(interval, "completeFlushInterval");
    return this;
  }

  /** Attempt timeout for jobs and kinds that set none; default 30 minutes. */
  public WorkerBuilder defaultTimeout(Duration timeout) {
    this.defaultTimeout = positive(timeout, "defaultTimeout");
    return this;
  }

  /** How long {@link Worker#close()} lets running jobs finish before giving them back; default 30 s. */
  public WorkerBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
    return this;
  }

  /**
   * Whether this node also stages due jobs, rescues expired leases, prunes, vacuums the hot
   * table when due and ticks schedules; default true.
   */
  public WorkerBuilder maintenance(boolean enabled) {
    this.maintenance = enabled;
    return this;
  }

  /** How often due delayed and retrying jobs are made available; default 500 ms. */
  public WorkerBuilder stageInterval(Duration interval) {
    this.stageInterval = positive(interval, "stageInterval");
    return this;
  }

  /** How often expired leases are looked for; default a quarter of the lease duration. */
  public WorkerBuilder rescueInterval(Duration interval) {
    this.rescueInterval = positive(interval, "rescueInterval");
    return this;
  }

  /** How often finished jobs past their retention are pruned; default 1 minute. */
  public WorkerBuilder pruneInterval(Duration interval) {
    this.pruneInterval = positive(interval, "pruneInterval");
    return this;
  }

  /**
   * How often this node checks whether the hot jobs table needs a vacuum; default 1 s, and
   * {@link Duration#ZERO} switches it off (leaving the table to autovacuum). The check reads
   * PostgreSQL's statistics only; a vacuum runs when the table holds at least 10,000 dead row
   * versions and at least a tenth as many as live rows. Under heavy load this keeps claims from
   * reading through the index entries of jobs already claimed (see
   * {@link dev.gantry.maintenance.HotTableVacuum}). It needs a database user that may vacuum the
   * table (its owner); otherwise it logs a warning once and stops.
   */
  public WorkerBuilder vacuumInterval(Duration interval) {
    Objects.requireNonNull(interval, "vacuumInterval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("vacuumInterval must be positive, or zero to switch it off, got " + interval);
    }
    this.vacuumInterval = interval;
    return this;
  }

  /**
   * How often this node looks for due schedules and enqueues their jobs (see
   * {@link dev.gantry.schedule.Schedules}); default 1 s, and {@link Duration#ZERO} switches it off.
   * Any number of nodes may tick: each tick still enqueues exactly one job. A tick's job is
   * enqueued within about this long after the tick. A node without a cron parser on its class
   * path (gantry-cron) does not tick.
   */
  public WorkerBuilder scheduleInterval(Duration interval) {
    Objects.requireNonNull(interval, "scheduleInterval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("scheduleInterval must be positive, or zero to switch it off, got " + interval);
    }
    this.scheduleInterval = interval;
    return this;
  }

  /**
   * How this node delivers webhooks; default the Gantry instance's ({@code Gantry.Builder.webhooks}).
   * With maintenance on and a secret or signing keys to sign with, the node delivers due webhook
   * deliveries on a thread of its own (so that a slow receiver never delays staging or rescue),
   * every {@link WebhookSettings#pollInterval()}, and prunes old ones with the finished jobs.
   */
  public WorkerBuilder webhooks(WebhookSettings webhooks) {
    this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
    return this;
  }

  /**
   * Keeps the webhook settings and adds the signing keys this node resolves, so that it also
   * delivers the webhooks that name one (the HTTP server: its API keys' secrets).
   */
  public WorkerBuilder webhookSigningKeys(SigningKeys signingKeys) {
    this.webhooks = webhooks.withSigningKeys(signingKeys);
    return this;
  }

  /** How long finished jobs are kept; default {@link Retention#DEFAULT}. */
  public WorkerBuilder retention(Retention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    return this;
  }

  /**
   * The threads handlers run on, one per attempt; default virtual threads. Pass a platform
   * thread factory for handlers that pin their carrier (long {@code synchronized} blocks around
   * I/O, native calls).
   */
  public WorkerBuilder handlerThreads(ThreadFactory factory) {
    this.handlerThreads = Objects.requireNonNull(factory, "handlerThreads");
    return this;
  }

  /**
   * Starts claiming and running jobs. A node with no queues claims nothing and runs only
   * maintenance: staging, rescuing expired leases (remote workers' too, retried with
   * {@link ExponentialBackoff#DEFAULT}'s attempts for kinds without a handler here) and pruning.
   *
   * @throws IllegalStateException if there is nothing to do (no queue and maintenance off), the
   *     heartbeat is not shorter than the lease, or {@link #onlyHandledKinds()} was asked of a
   *     node with queues but no handler
   */
  public Worker start() {
    if (queues.isEmpty() && !maintenance) {
      throw new IllegalStateException(
          "a worker needs at least one queue (call queue(name, concurrency)) or maintenance on (a maintenance-only node)");
    }
    if (heartbeatInterval.compareTo(leaseDuration) >= 0) {
      throw new IllegalStateException("heartbeatInterval (" + heartbeatInterval + ") must be shorter than leaseDuration ("
          + leaseDuration + "), or every lease would expire");
    }
    if (onlyHandledKinds && !queues.isEmpty() && handlers.isEmpty()) {
      throw new IllegalStateException("onlyHandledKinds() needs at least one handler (call handler(kind, ...)),"
          + " or this node's queues would claim nothing");
    }
    Duration rescue = rescueInterval != null ? rescueInterval : leaseDuration.dividedBy(4);
    WorkerSettings settings = new WorkerSettings(workerId, Map.copyOf(queues), leaseDuration, heartbeatInterval,
        pollInterval, fetchBatchSize, completeBatchSize, completeFlushInterval, maxPendingCompletions, defaultTimeout,
        shutdownTimeout, maintenance, stageInterval, rescue, pruneInterval, vacuumInterval, scheduleInterval, retention,
        handlerThreads, onlyHandledKinds ? Set.copyOf(handlers.keySet()) : null, webhooks);
    Worker worker = new Worker(ctx, settings, Map.copyOf(handlers));
    worker.start();
    return worker;
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
    return d;
  }

  private static int atLeastOne(int n, String name) {
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + n);
    }
    return n;
  }

  private static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "host";
    }
    long pid = ManagementFactory.getRuntimeMXBean().getPid();
    return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
