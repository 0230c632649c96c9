package dev.gantry.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.GantryException;
import dev.gantry.events.JobEvent;
import dev.gantry.internal.Context;
import dev.gantry.internal.Json;
import dev.gantry.job.ErrorJson;
import dev.gantry.job.Transition;
import dev.gantry.job.Transition.Outcome;
import dev.gantry.workflow.DependencyReader;
import dev.gantry.maintenance.HotTableVacuum;
import dev.gantry.maintenance.LeaseRescuer;
import dev.gantry.maintenance.Pruner;
import dev.gantry.maintenance.Stager;
import dev.gantry.schedule.ScheduleTicker;
import dev.gantry.webhook.DeliveryPruner;
import dev.gantry.webhook.WebhookDeliverer;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker node: one {@link JobFetcher} per queue claims jobs, each attempt runs on its
 * own virtual thread, the {@link JobCompleter} writes outcomes in batches, the
 * {@link Heartbeater} keeps leases alive, and (unless switched off) the maintenance tasks stage
 * due jobs, rescue expired leases and prune.
 *
 * <p>{@link #close()} shuts down gracefully: it stops claiming, lets running jobs finish within
 * the shutdown timeout, gives the rest back at once (available again, no attempt used up), and
 * writes every outcome before it returns.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final Context ctx;
  private final DependencyReader dependencyReader;
  private final WorkerSettings settings;
  private final Map<String, Registration<?>> handlers;
  private final Map<String, JobFetcher> fetchers = new ConcurrentHashMap<>();
  private final Map<UUID, JobExecution> inFlight = new ConcurrentHashMap<>();
  private final ExecutorService handlerThreads;
  private final ScheduledThreadPoolExecutor timers = newTimers();
  /** Staging, rescue and pruning, on their own thread so that a slow one never delays a timeout. */
  private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gantry-maintenance").factory());
  /** Webhook deliveries, on a thread of their own: a slow receiver must never delay staging or rescue. */
  private final ScheduledExecutorService webhookThread = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gantry-webhooks").factory());
  private volatile WebhookDeliverer webhookDeliverer;
  private final JobCompleter completer;
  private final Heartbeater heartbeater;
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private volatile boolean closed;

  Worker(Context ctx, WorkerSettings settings, Map<String, Registration<?>> handlers) {
    this.dependencyReader = new DependencyReader(ctx.db(), ctx.sql(), ctx.mapper());
    this.ctx = ctx;
    this.settings = settings;
    this.handlers = handlers;
    this.handlerThreads = Executors.newThreadPerTaskExecutor(settings.handlerThreads());
    this.completer = new JobCompleter(ctx, settings.completeBatchSize(), settings.maxPendingCompletions(),
        settings.completeFlushInterval(), this::written, this::rejected);
    this.heartbeater = new Heartbeater(ctx.db(), ctx.sql(), settings.heartbeatInterval(), settings.leaseDuration(),
        inFlight::values, this::leaseLost);
    settings.queues().forEach((queue, concurrency) -> fetchers.put(queue, new JobFetcher(queue, concurrency,
        settings.workerId(), ctx.db(), ctx.sql(), settings.fetchBatchSize(), settings.pollInterval(),
        settings.leaseDuration(), settings.claimKinds(), this::dispatch, ctx.limits())));
  }

  private static ScheduledThreadPoolExecutor newTimers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().daemon().name("gantry-timers").factory());
    // Every attempt schedules its timeout; finished attempts must not leave theirs queued.
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  public String workerId() {
    return settings.workerId();
  }

  /** Jobs this node holds now: running, or finished with their outcome not yet written. */
  public int inFlightCount() {
    return inFlight.size();
  }

  void start() {
    // First: it learns of limit changes before the fetchers it would otherwise race are woken.
    ctx.limits().queues().start();
    unsubscribe.add(ctx.notifier().onWakeup(queue -> {
      JobFetcher f = fetchers.get(queue);
      if (f != null) {
        f.wake();
      }
    }));
    unsubscribe.add(ctx.notifier().onControl(this::control));
    unsubscribe.add(ctx.notifier().onReconnect(() -> fetchers.values().forEach(JobFetcher::wake)));
    completer.start();
    heartbeater.start();
    fetchers.values().forEach(JobFetcher::start);
    if (settings.maintenance()) {
      startMaintenance();
    }
    log.info("Gantry worker {} started on queues {}", settings.workerId(),
        settings.queues().isEmpty() ? "(none: maintenance only)" : settings.queues());
  }

  private void startMaintenance() {
    Stager stager = new Stager(ctx.db(), ctx.sql(), 1_000);
    LeaseRescuer rescuer = new LeaseRescuer(ctx.db(), ctx.sql(), ctx.transitions(), ctx.mapper(), ctx.listeners(),
        kind -> retryPolicy(kind).maxAttempts(), 500);
    Pruner pruner = new Pruner(ctx.db(), ctx.sql(), settings.retention(), 1_000, 10);
    every(settings.stageInterval(), "staging due jobs", stager::run);
    every(settings.rescueInterval(), "rescuing expired leases", rescuer::run);
    every(settings.pruneInterval(), "pruning finished jobs", pruner::run);
    if (!settings.vacuumInterval().isZero()) {
      HotTableVacuum vacuum = new HotTableVacuum(ctx.db(), ctx.sql(), 10_000, 0.1);
      every(settings.vacuumInterval(), "vacuuming the jobs table", vacuum::run);
    }
    if (!settings.scheduleInterval().isZero()) {
      ScheduleTicker.withFoundParser(ctx.db(), ctx.sql(), ctx.mapper(), ctx.listeners(), 100)
          .ifPresent(ticker -> every(settings.scheduleInterval(), "ticking schedules", ticker::run));
    }
    if (settings.webhooks().canSign()) {
      webhookDeliverer = new WebhookDeliverer(ctx.db(), ctx.sql(), settings.webhooks());
      every(webhookThread, settings.webhooks().pollInterval(), "delivering webhooks", webhookDeliverer::run);
    }
    DeliveryPruner deliveryPruner = new DeliveryPruner(ctx.db(), ctx.sql(), settings.webhooks().retention(), 1_000, 10);
    every(settings.pruneInterval(), "pruning webhook deliveries", deliveryPruner::run);
  }

  private void every(Duration interval, String what, Runnable task) {
    every(maintenance, interval, what, task);
  }

  private void every(ScheduledExecutorService thread, Duration interval, String what, Runnable task) {
    thread.scheduleWithFixedDelay(() -> {
      if (closed) {
        return;
      }
      try {
        task.run();
      } catch (GantryException e) {
        log.warn("Gantry maintenance ({}) failed: {}", what, e.getMessage());
      } catch (RuntimeException e) {
        log.error("Gantry maintenance ({}) failed", what, e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void control(String message) {
    if (message.startsWith("freed:") || message.startsWith("limits:")) {
      JobFetcher f = fetchers.get(message.substring(message.indexOf(':') + 1));
      if (f != null && message.startsWith("freed:")) {
        f.limitedSlotFreed();
      } else if (f != null) {
        f.limitChanged();
      }
    } else if (message.startsWith("cancel:")) {
      try {
        JobExecution e = inFlight.get(UUID.fromString(message.substring("cancel:".length())));
        if (e != null) {
          e.requestCancel();
        }
      } catch (IllegalArgumentException ignored) {
        // not a job id: a message for some other version of Gantry; nothing of ours to cancel
      }
    }
  }

  private RetryPolicy retryPolicy(String kind) {
    Registration<?> r = handlers.get(kind);
    return r == null ? ExponentialBackoff.DEFAULT : r.options().retryPolicy();
  }

  private void dispatch(ClaimedJob job) {
    int maxAttempts = job.maxAttempts() != null ? job.maxAttempts() : retryPolicy(job.kind()).maxAttempts();
    JobExecution execution = new JobExecution(job, maxAttempts, Json.read(ctx.mapper(), job.metadataJson()),
        this::writeProgress, id -> dependencyReader.read(id, null));
    JobExecution overtaken = inFlight.put(job.id(), execution);
    if (overtaken != null) {
      // This node still runs an older attempt of the job: its lease was lost (rescued while its
      // heartbeats failed), or the job could not have been claimed again. Stop it as a heartbeat
      // would have; otherwise no heartbeat ever sees it again and its handler runs on unaware.
      leaseLost(overtaken);
    }
    handlerThreads.execute(() -> run(execution));
  }

  private void run(JobExecution execution) {
    ClaimedJob job = execution.job();
    execution.bindThread(Thread.currentThread());
    ctx.listeners().fire(new JobEvent.Started(job.id(), job.queue(), job.kind(), job.attempt()));
    Registration<?> registration = handlers.get(job.kind());
    Duration timeout = timeoutOf(job, registration);
    ScheduledFuture<?> timer = timers.schedule(() -> {
      if (!execution.isSettled()) {
        execution.markTimedOut();
        settle(execution, null, new JobTimeoutException(timeout));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    Object result = null;
    Throwable failure = null;
    try {
      // A job whose cancel was requested before it started is not run: settle records it as cancelled.
      if (execution.cancelRequested()) {
        result = null;
      } else if (registration == null) {
        failure = new IllegalStateException("no handler for kind '" + job.kind() + "' on worker " + settings.workerId());
      } else {
        result = invoke(registration, execution);
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      timer.cancel(false);
      Thread.interrupted(); // a late cancel or timeout interrupt must not leak into the next task
    }
    settle(execution, result, failure);
  }

  private <A> Object invoke(Registration<A> registration, JobExecution execution) throws Exception {
    A args = ctx.mapper().readValue(execution.job().argsJson(), registration.argsType());
    return registration.handler().handle(args, execution);
  }

  private Duration timeoutOf(ClaimedJob job, Registration<?> registration) {
    if (job.timeoutMillis() != null) {
      return Duration.ofMillis(job.timeoutMillis());
    }
    if (registration != null && registration.options().timeout() != null) {
      return registration.options().timeout();
    }
    return settings.defaultTimeout();
  }

  /** Decides the attempt's outcome and hands it to the completer; only the first settle counts. */
  private void settle(JobExecution execution, Object result, Throwable failure) {
    if (!execution.settle()) {
      return;
    }
    ClaimedJob job = execution.job();
    Transition transition;
    JobEvent event;
    Duration runTime = Duration.ofNanos(System.nanoTime() - execution.startNanos());
    if (execution.timedOut() && !(failure instanceof JobTimeoutException)) {
      failure = new JobTimeoutException(timeoutOf(job, handlers.get(job.kind())));
    }
    String resultJson = null;
    if (failure == null && !execution.cancelRequested()) {
      try {
        resultJson = result == null ? null : ctx.mapper().writeValueAsString(result);
      } catch (JsonProcessingException e) {
        failure = new IllegalStateException("the handler's result cannot be serialised to JSON: " + e.getOriginalMessage(), e);
      }
    }
    if (execution.cancelRequested()) {
      transition = transition(job, Outcome.CANCELLED, null, null, 0);
      event = new JobEvent.Cancelled(job.id(), job.queue(), job.kind(), job.attempt());
    } else if (failure == null) {
      transition = transition(job, Outcome.COMPLETED, resultJson, null, 0);
      event = new JobEvent.Completed(job.id(), job.queue(), job.kind(), job.attempt(), runTime);
    } else if (failure instanceof SnoozeJob snooze) {
      transition = transition(job, Outcome.SNOOZE, null, null, snooze.delay().toMillis());
      event = new JobEvent.Snoozed(job.id(), job.queue(), job.kind(), snooze.delay());
    } else if (failure instanceof CancelJob) {
      transition = transition(job, Outcome.CANCELLED, null, error(job, failure), 0);
      event = new JobEvent.Cancelled(job.id(), job.queue(), job.kind(), job.attempt());
    } else if (failure instanceof PermanentFailure || job.attempt() >= execution.maxAttempts()) {
      transition = transition(job, Outcome.DEAD, null, error(job, failure), 0);
      event = new JobEvent.Dead(job.id(), job.queue(), job.kind(), job.attempt(), describe(failure));
    } else {
      Duration backoff = retryPolicy(job.kind()).backoff(job.attempt());
      transition = transition(job, Outcome.RETRY, null, error(job, failure), backoff.toMillis());
      event = new JobEvent.Failed(job.id(), job.queue(), job.kind(), job.attempt(), describe(failure), backoff);
    }
    if (failure != null && !(failure instanceof JobControl)) {
      log.warn("Job {} ({}) attempt {} failed: {}", job.id(), job.kind(), job.attempt(), describe(failure));
    }
    releaseSlot(job);
    completer.submit(new JobCompleter.Pending(execution, transition, event));
    if (ctx.limits().queues().isKnownLimited(job.queue())) {
      completer.flushSoon();
    }
    execution.markHandedOver();
  }

  private static Transition transition(ClaimedJob job, Outcome outcome, String result, String error, long delayMillis) {
    return new Transition(job.id(), job.leaseToken(), outcome, result, error, delayMillis);
  }

  private String error(ClaimedJob job, Throwable failure) {
    return ErrorJson.of(ctx.mapper(), job.attempt(), failure);
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private void releaseSlot(ClaimedJob job) {
    JobFetcher f = fetchers.get(job.queue());
    if (f != null) {
      f.release();
    }
  }

  private void written(JobCompleter.Pending p) {
    inFlight.remove(p.transition().jobId(), p.execution());
    String queue = p.execution().job().queue();
    if (ctx.limits().queues().isKnownLimited(queue)) {
      // Committed: the job no longer counts against its queue's limit; workers waiting for a slot may
      // claim, this node's at once, the others once the notification reaches them.
      JobFetcher f = fetchers.get(queue);
      if (f != null) {
        f.limitedSlotFreed();
      }
      ctx.limits().freedSlots().freed(queue);
    }
    ctx.listeners().fire(p.event());
  }

  private void rejected(JobCompleter.Pending p) {
    inFlight.remove(p.transition().jobId(), p.execution());
    ClaimedJob job = p.execution().job();
    log.info("Job {} ({}) attempt {}: lease lost before its outcome was written; the newer attempt stands",
        job.id(), job.kind(), job.attempt());
    ctx.listeners().fire(new JobEvent.LeaseLost(job.id(), job.queue(), job.kind(), job.attempt()));
  }

  private void leaseLost(JobExecution execution) {
    if (!execution.settle()) {
      return; // already finished here; the completer learns the outcome's fate on its own
    }
    execution.markLeaseLost();
    execution.markHandedOver(); // nothing to write: the lease, and with it the job, is gone
    ClaimedJob job = execution.job();
    inFlight.remove(job.id(), execution);
    releaseSlot(job);
    log.warn("Job {} ({}) attempt {}: lease lost while running; stopping it, another worker may run it",
        job.id(), job.kind(), job.attempt());
    ctx.listeners().fire(new JobEvent.LeaseLost(job.id(), job.queue(), job.kind(), job.attempt()));
  }

  private void writeProgress(JobExecution execution, int percent, String message, List<?> items) {
    ClaimedJob job = execution.job();
    String itemsJson = items == null ? null : Json.write(ctx.mapper(), items, "progress items of job " + job.id());
    ctx.db().run("recording progress of job " + job.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement(ctx.sql().get("progress"))) {
        ps.setInt(1, percent);
        ps.setString(2, message);
        ps.setString(3, itemsJson);
        ps.setObject(4, job.id());
        ps.setObject(5, job.leaseToken());
        return ps.execute();
      }
    });
  }

  /**
   * Stops this node gracefully: no new claims; running jobs get the shutdown timeout to finish;
   * those still running then are interrupted and given back at once (available, no attempt used
   * up) instead of waiting for their leases to expire; every outcome is written before this returns.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    unsubscribe.forEach(Runnable::run);
    fetchers.values().forEach(JobFetcher::stop);
    maintenance.shutdown();
    webhookThread.shutdown();
    if (webhookDeliverer != null) {
      webhookDeliverer.stop();
    }
    try {
      // A maintenance statement under way finishes; none starts after close() returns.
      maintenance.awaitTermination(10, TimeUnit.SECONDS);
      // Webhook attempts under way get their timeouts; one cut short is tried again (by any node)
      // once its claim runs out.
      webhookThread.awaitTermination(10, TimeUnit.SECONDS);
      for (JobFetcher f : fetchers.values()) {
        f.join(Duration.ofSeconds(10));
      }
      waitWhile(this::hasUnsettled, settings.shutdownTimeout());
      for (JobExecution e : List.copyOf(inFlight.values())) {
        if (e.settle()) {
          ClaimedJob job = e.job();
          e.interrupt();
          releaseSlot(job);
          completer.submit(new JobCompleter.Pending(e, transition(job, Outcome.SNOOZE, null, null, 0),
              new JobEvent.Released(job.id(), job.queue(), job.kind())));
          e.markHandedOver();
        }
      }
      // A handler that settled just before may still be preparing its outcome (serialising its
      // result): let it reach the completer, or it would be lost once the completer has stopped.
      waitWhile(this::isHandingOver, Duration.ofSeconds(10));
      int unwritten = completer.stop(Duration.ofSeconds(10));
      if (unwritten > 0) {
        log.error("Gantry worker {} stopped with {} job outcomes unwritten (database unreachable); "
            + "those jobs will be rescued when their leases expire", settings.workerId(), unwritten);
      }
      heartbeater.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      maintenance.shutdownNow();
      webhookThread.shutdownNow();
      if (webhookDeliverer != null) {
        webhookDeliverer.close();
      }
      timers.shutdownNow();
      handlerThreads.shutdownNow();
    }
    log.info("Gantry worker {} stopped", settings.workerId());
  }

  /** Checks the condition every 10 ms until it is false or the timeout has passed (shutdown only). */
  private static void waitWhile(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private boolean isHandingOver() {
    for (JobExecution e : inFlight.values()) {
      if (e.isHandingOver()) {
        return true;
      }
    }
    return false;
  }

  private boolean hasUnsettled() {
    for (JobExecution e : inFlight.values()) {
      if (!e.isSettled()) {
        return true;
      }
    }
    return false;
  }
}
