package dev.gantry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.batch.BatchWatcher;
import dev.gantry.batch.Batches;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobInserter;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Context;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.job.CancelResult;
import dev.gantry.job.CompletionWaiter;
import dev.gantry.job.Job;
import dev.gantry.job.JobAdmin;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobTransitions;
import dev.gantry.job.QueueCount;
import dev.gantry.limits.LimitEnforcement;
import dev.gantry.limits.Limits;
import dev.gantry.notify.Channels;
import dev.gantry.notify.Notifier;
import dev.gantry.remote.JobLeases;
import dev.gantry.schedule.Schedules;
import dev.gantry.schema.Migrator;
import dev.gantry.stats.QueueStats;
import dev.gantry.stats.QueueStatsReader;
import dev.gantry.tenant.TenantJobs;
import dev.gantry.watch.JobSubscription;
import dev.gantry.watch.JobWatcher;
import dev.gantry.webhook.WebhookSettings;
import dev.gantry.webhook.Webhooks;
import dev.gantry.worker.WorkerBuilder;
import dev.gantry.workflow.DependencyReader;
import dev.gantry.workflow.Workflows;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Gantry's entry point: enqueue jobs, read and manage them, and start worker nodes, all against
 * one PostgreSQL {@link DataSource}.
 *
 * <pre>{@code
 * Gantry gantry = Gantry.builder(dataSource).build();          // applies migrations
 * gantry.enqueue("email.send", new Email("a@example.com"));
 * Worker worker = gantry.worker()
 *     .queue("default", 10)
 *     .handler("email.send", Email.class, (email, ctx) -> mailer.send(email))
 *     .start();
 * }</pre>
 *
 * <p>Thread-safe; one instance per application and schema. {@link #close()} stops its
 * notification listener (close workers first).
 */
public final class Gantry implements AutoCloseable {
  private final Context ctx;
  private final JobInserter inserter;
  private final JobReader reader;
  private final JobAdmin admin;
  private final CompletionWaiter waiter;
  private final JobWatcher watcher;
  private final JobLeases leases;
  private final QueueStatsReader stats;
  private final Batches batches;
  private final BatchWatcher batchWatcher;
  private final Workflows workflows;
  private final Limits limits;
  private final WebhookSettings webhookSettings;
  private final Webhooks webhooks;
  private final Schedules schedules;
  private final TenantJobs.Operations tenantOperations = new TenantOperations();

  private Gantry(Builder b) {
    Db db = new Db(b.dataSource);
    Sql sql = new Sql(b.schema);
    Notifier notifier = new Notifier(b.dataSource, Channels.forSchema(b.schema));
    JobTransitions transitions = new JobTransitions(sql);
    this.ctx = new Context(db, sql, b.mapper, notifier, new Listeners(b.listeners), transitions,
        LimitEnforcement.create(db, sql, notifier, this::ensureListening));
    this.inserter = new JobInserter(sql, b.mapper, b.webhooks.allowedHosts());
    this.reader = new JobReader(db, sql, b.mapper);
    this.admin = new JobAdmin(db, sql, transitions, reader);
    this.waiter = new CompletionWaiter(db, sql, reader, notifier);
    this.watcher = new JobWatcher(db, sql, reader, notifier);
    this.leases = new JobLeases(db, sql, b.mapper, notifier, this::ensureListening, transitions, reader, ctx.listeners(),
        ctx.limits());
    this.stats = new QueueStatsReader(db, sql, reader);
    this.batchWatcher = new BatchWatcher(notifier, this::ensureListening);
    this.batches = new Batches(db, sql, b.mapper, inserter, transitions, this::fireEnqueued, batchWatcher, null);
    this.workflows = new Workflows(db, sql, b.mapper, inserter, batches, new DependencyReader(db, sql, b.mapper),
        this::fireEnqueued, null);
    this.limits = new Limits(db, sql);
    this.webhookSettings = b.webhooks;
    this.webhooks = new Webhooks(db, sql, b.mapper, b.webhooks, null);
    this.schedules = new Schedules(db, sql, b.mapper, null);
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The full schema SQL, for teams that run migrations themselves ({@code migrate(false)}). */
  public static String migrationScript(String schema) {
    return new Migrator(schema).script();
  }

  // ---- enqueue ----

  /** Enqueues a job with default options; see {@link #enqueue(String, Object, JobOptions)}. */
  public EnqueueResult enqueue(String kind, Object args) {
    return enqueue(kind, args, JobOptions.defaults());
  }

  /**
   * Enqueues a job in its own transaction.
   *
   * @param args any Jackson-serialisable value (null for none); workers read it into their handler's type
   * @return the new job's id, or, when an unfinished job holds the same unique key, that job's id
   *     with {@code duplicate() == true}
   * @throws IllegalArgumentException if the kind, options, args or metadata are invalid
   * @throws GantryException if the database refuses or cannot be reached; no job was created
   */
  public EnqueueResult enqueue(String kind, Object args, JobOptions options) {
    return enqueueAll(List.of(new JobRequest(kind, args, options))).get(0);
  }

  /**
   * Enqueues a job on the caller's connection, inside the caller's transaction: the job exists
   * if and only if the caller commits. Workers are woken at commit. The connection is not
   * committed, rolled back or closed here.
   *
   * @throws SQLException if the insert fails; the caller's transaction is then aborted
   */
  public EnqueueResult enqueue(Connection transaction, String kind, Object args, JobOptions options) throws SQLException {
    return enqueueAll(transaction, List.of(new JobRequest(kind, args, options))).get(0);
  }

  /**
   * Enqueues many jobs in one statement and one round trip (thousands at a time), all or none.
   *
   * @return one result per request, in order
   * @throws GantryException if the database refuses or cannot be reached; no job was created
   */
  public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
    // The insert is one statement, so autocommit already makes it all or none; an explicit
    // transaction would only add a COMMIT round trip to every enqueue.
    List<EnqueueResult> results = ctx.db().run("enqueueing " + requests.size() + " jobs",
        c -> inserter.insert(c, requests));
    fireEnqueued(requests, results);
    return results;
  }

  /** As {@link #enqueueAll(List)}, inside the caller's transaction (see {@link #enqueue(Connection, String, Object, JobOptions)}). */
  public List<EnqueueResult> enqueueAll(Connection transaction, List<JobRequest> requests) throws SQLException {
    List<EnqueueResult> results = inserter.insert(transaction, requests);
    fireEnqueued(requests, results);
    return results;
  }

  private void fireEnqueued(List<JobRequest> requests, List<EnqueueResult> results) {
    if (ctx.listeners().isEmpty()) {
      return;
    }
    for (int i = 0; i < results.size(); i++) {
      JobRequest r = requests.get(i);
      ctx.listeners().fire(new JobEvent.Enqueued(results.get(i).id(), r.options().queue(), r.kind(), results.get(i).duplicate()));
    }
  }

  /**
   * Batches: jobs enqueued together with live counts and callbacks fired once when the last one
   * finishes; see {@link Batches}.
   */
  public Batches batches() {
    return batches;
  }

  /**
   * Workflows: graphs of jobs where a step runs once the steps it depends on have completed; see
   * {@link Workflows}.
   */
  public Workflows workflows() {
    return workflows;
  }

  /**
   * Recurring schedules: a job enqueued at every tick of a cron expression, exactly once however
   * many worker nodes tick them; see {@link Schedules}. Cron expressions need
   * {@code dev.gantry:gantry-cron} on the class path.
   */
  public Schedules schedules() {
    return schedules;
  }

  /**
   * Webhooks: the deliveries made for finished jobs, batches and workflows that named a webhook
   * URL, and the hosts such URLs may call; see {@link Webhooks}.
   */
  public Webhooks webhooks() {
    return webhooks;
  }

  /**
   * Limits per queue, enforced across every node: concurrency, concurrency per partition (tenant,
   * kind or an args value), and starts per period; see {@link Limits}.
   */
  public Limits limits() {
    return limits;
  }

  // ---- read ----

  /** The job with this id, running or finished; empty if there is none (or it was pruned). */
  public Optional<Job> job(UUID id) {
    return reader.find(id);
  }

  /**
   * The jobs with these ids, read on the caller's connection and so inside its transaction: jobs
   * it enqueued and has not committed yet are seen (which {@link #job(UUID)}, on a connection of
   * its own, cannot do). The connection is not committed, rolled back or closed here.
   *
   * @return the jobs in the order of {@code ids}; an id with no job is left out, a repeated id
   *     gives its job again
   * @throws SQLException if the read fails; the caller's transaction is then aborted
   */
  public List<Job> jobs(Connection transaction, List<UUID> ids) throws SQLException {
    return reader.find(transaction, ids);
  }

  /** A page of jobs, newest first, filtered by queue, kind, state, tag, tenant and creation time. */
  public JobPage jobs(JobFilter filter) {
    return reader.list(filter);
  }

  /** How many jobs each queue has in each state (finished counts drop as jobs are pruned). */
  public List<QueueCount> queueCounts() {
    return reader.counts();
  }

  /**
   * Per-queue statistics: jobs in each state now, and for the jobs that finished within the
   * window (by the database clock) how many completed, died or were cancelled, how many finished
   * per minute, and percentiles of their last attempt's wait and run time.
   *
   * @param window how far back to look, 1 second to 31 days
   * @return one entry per queue that has jobs or had jobs finish within the window, by queue name
   * @throws IllegalArgumentException if the window is out of range
   * @throws GantryException if the database cannot be reached
   */
  public List<QueueStats> queueStats(Duration window) {
    return stats.read(window);
  }

  /**
   * Waits until the job finishes, woken by a notification rather than by polling.
   *
   * @return the finished job, or empty if it did not finish within the timeout
   * @throws JobNotFoundException if there is no such job
   */
  public Optional<Job> awaitCompletion(UUID id, Duration timeout) throws InterruptedException {
    return tenantOperations.awaitCompletion(id, null, timeout);
  }

  /**
   * Watches a job: calls {@code onChange} at once, on the calling thread, with the job as it is
   * now, and then, on another thread, one call at a time and in order, with the job as read from
   * the database after each change of its state or progress (claimed, progress written, retried,
   * snoozed, staged, cancel requested, finished), until the returned subscription is closed.
   * Driven by NOTIFY (the job is marked watched, and only watched jobs notify), not by polling.
   * Changes quicker than a read may be reported together, by one call with the later state; a
   * call that would show nothing new is not made. A finished job gives its one call and then
   * none, unless it is retried. {@code onChange} must not block for long; an exception it throws
   * is logged and the subscription goes on.
   *
   * @throws JobNotFoundException if there is no such job
   * @throws GantryException if the database cannot be reached
   */
  public JobSubscription watch(UUID id, Consumer<Job> onChange) {
    return tenantOperations.watch(id, null, onChange);
  }

  // ---- tenants and remote workers ----

  /**
   * One tenant's view: it enqueues jobs for the tenant and sees, changes and waits for only the
   * tenant's jobs; another tenant's job looks exactly like a missing one.
   *
   * @throws IllegalArgumentException if the tenant name is not 1 to 100 letters, digits, {@code . _ : -}
   */
  public TenantJobs forTenant(String tenant) {
    return new TenantJobs(tenant, tenantOperations);
  }

  /** Leases for workers outside this JVM: claim, heartbeat, complete, fail; see {@link JobLeases}. */
  public JobLeases leases() {
    return leases;
  }

  // ---- manage ----

  /**
   * Cancels a job; see {@link JobAdmin#cancel(UUID, String)}. A job cancelled before it ran fires its
   * {@link JobEvent.Cancelled} here; one cancelled while running fires it on the node that ran it.
   */
  public CancelResult cancel(UUID id) {
    return tenantOperations.cancel(id, null);
  }

  /** Runs a finished or waiting job again; see {@link JobAdmin#retry(UUID, String)}. */
  public void retry(UUID id) {
    admin.retry(id, null);
  }

  /** Deletes a job that is not running; see {@link JobAdmin#delete(UUID, String)}. */
  public void delete(UUID id) {
    admin.delete(id, null);
  }

  // ---- work ----

  /**
   * Configures a worker node that runs jobs in this process; {@link WorkerBuilder#start()} starts
   * it. A node with no queues runs only maintenance (staging, rescue of expired leases, including
   * remote workers', and pruning), and delivers webhooks when this instance's
   * {@link WebhookSettings} give it a secret to sign with.
   */
  public WorkerBuilder worker() {
    ensureListening();
    return new WorkerBuilder(ctx).webhooks(webhookSettings);
  }

  /** The schema this instance uses. */
  public String schema() {
    return ctx.sql().schema();
  }

  /** The JSON mapper used for args, metadata and results. */
  public ObjectMapper mapper() {
    return ctx.mapper();
  }

  private boolean listening;

  private synchronized void ensureListening() {
    if (!listening) {
      ctx.notifier().start();
      listening = true;
    }
  }

  /** Stops watching and the notification listener. Close workers first. */
  @Override
  public synchronized void close() {
    watcher.close();
    batchWatcher.close();
    if (listening) {
      ctx.notifier().close();
    }
  }

  /** The tenant-guarded operations; a null tenant is the unscoped API. */
  private final class TenantOperations implements TenantJobs.Operations {
    @Override
    public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
      return Gantry.this.enqueueAll(requests);
    }

    @Override
    public Optional<Job> job(UUID id, String tenant) {
      return reader.find(id, tenant);
    }

    @Override
    public JobPage jobs(JobFilter filter) {
      return reader.list(filter);
    }

    @Override
    public CancelResult cancel(UUID id, String tenant) {
      CancelResult result = admin.cancel(id, tenant);
      if (result == CancelResult.CANCELLED && !ctx.listeners().isEmpty()) {
        reader.find(id, tenant)
            .ifPresent(j -> ctx.listeners().fire(new JobEvent.Cancelled(j.id(), j.queue(), j.kind(), j.attempt())));
      }
      return result;
    }

    @Override
    public void retry(UUID id, String tenant) {
      admin.retry(id, tenant);
    }

    @Override
    public void delete(UUID id, String tenant) {
      admin.delete(id, tenant);
    }

    @Override
    public Optional<Job> awaitCompletion(UUID id, String tenant, Duration timeout) throws InterruptedException {
      ensureListening();
      return waiter.await(id, tenant, timeout);
    }

    @Override
    public JobSubscription watch(UUID id, String tenant, Consumer<Job> onChange) {
      ensureListening();
      return watcher.watch(id, tenant, onChange);
    }
  }

  /** Settings for a {@link Gantry} instance. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = "gantry";
    private boolean migrate = true;
    private ObjectMapper mapper = Json.defaultMapper();
    private final List<JobListener> listeners = new ArrayList<>();
    private WebhookSettings webhooks = WebhookSettings.defaults();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The schema for Gantry's tables; default {@code gantry}. */
    public Builder schema(String schema) {
      this.schema = Sql.requireIdentifier(schema);
      return this;
    }

    /** Whether {@link #build()} applies pending migrations; default true. */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /** The Jackson mapper for args, metadata and results; default one with Java time support. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * How webhooks are checked and delivered; default {@link WebhookSettings#defaults()}: any public
     * host, and nothing delivered by this instance's workers until a secret (or signing keys) is set.
     * The allow-list checks every webhook URL enqueued through this instance; its worker nodes
     * deliver with these settings unless {@link WorkerBuilder#webhooks} says otherwise.
     */
    public Builder webhooks(WebhookSettings webhooks) {
      this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
      return this;
    }

    /** Adds a lifecycle listener (metrics, logging); see {@link JobListener}. */
    public Builder listener(JobListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Creates the instance, first applying pending migrations unless switched off.
     *
     * @throws GantryException if migrating fails (nothing of the failed migration is kept)
     */
    public Gantry build() {
      if (migrate) {
        new Migrator(schema).migrate(dataSource);
      }
      return new Gantry(this);
    }
  }
}
