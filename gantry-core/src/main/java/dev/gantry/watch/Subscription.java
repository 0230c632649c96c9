package dev.gantry.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.GantryException;
import dev.gantry.job.Job;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's watch on one job. Notifications only mark it dirty; one delivery task at a time
 * reads the job and calls the subscriber, so calls never overlap and come in the order the reads
 * were made. Several notifications that arrive during one read are answered by one more read, and
 * a read that shows nothing new (a lease renewal, a repeated notification) calls nobody.
 */
final class Subscription implements JobSubscription {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);
  /** After a failed read, try again this long later (the change it was for is not lost). */
  private static final long RETRY_SECONDS = 1;

  /** What a call reports: a new value of any of these is a change worth a call. */
  private record Snapshot(JobState state, int attempt, Instant scheduledAt, Instant attemptedAt, Integer progressPercent,
      String progressMessage, JsonNode progressItems, boolean cancelRequested, Instant finishedAt) {
    static Snapshot of(Job j) {
      return new Snapshot(j.state(), j.attempt(), j.scheduledAt(), j.attemptedAt(), j.progressPercent(),
          j.progressMessage(), j.progressItems(), j.cancelRequested(), j.finishedAt());
    }
  }

  private final UUID id;
  private final String tenant;
  private final Consumer<Job> onChange;
  private final JobReader reader;
  private final Executor executor;
  private final Consumer<Subscription> onClose;
  /** Held by whoever delivers: the creator until the first call is made, then one task at a time. */
  private final AtomicBoolean delivering = new AtomicBoolean(true);
  private final ReentrantLock callLock = new ReentrantLock();
  private volatile boolean dirty;
  private volatile boolean closed;
  private Snapshot last;

  Subscription(UUID id, String tenant, Consumer<Job> onChange, JobReader reader, Executor executor,
      Consumer<Subscription> onClose) {
    this.id = id;
    this.tenant = tenant;
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.reader = reader;
    this.executor = executor;
    this.onClose = onClose;
  }

  @Override
  public UUID jobId() {
    return id;
  }

  /** The first call, on the creating thread; then notifications may start deliveries. */
  void deliverFirst(Job job) {
    try {
      call(job);
    } finally {
      delivering.set(false);
      startIfNeeded();
    }
  }

  /** The job may have changed. */
  void signal() {
    dirty = true;
    startIfNeeded();
  }

  private void startIfNeeded() {
    if (!closed && dirty && delivering.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        delivering.set(false); // the watcher is closing
      }
    }
  }

  private void drain() {
    try {
      while (dirty && !closed) {
        dirty = false;
        Optional<Job> job;
        try {
          job = reader.find(id, tenant);
        } catch (GantryException e) {
          log.warn("Reading watched job {} failed ({}); trying again in {} s", id, e.getMessage(), RETRY_SECONDS);
          CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS).execute(this::signal);
          return;
        }
        // A deleted job has nothing more to report; its subscription stays open but silent.
        job.ifPresent(this::call);
      }
    } finally {
      delivering.set(false);
    }
    startIfNeeded(); // a signal that came after the loop's last check
  }

  private void call(Job job) {
    callLock.lock();
    try {
      Snapshot now = Snapshot.of(job);
      if (closed || now.equals(last)) {
        return;
      }
      last = now;
      try {
        onChange.accept(job);
      } catch (RuntimeException e) {
        log.error("A watcher of job {} failed on a change; it stays subscribed", id, e);
      }
    } finally {
      callLock.unlock();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    onClose.accept(this);
    // Wait out a call under way (unless this is that call, closing itself: the lock is reentrant).
    callLock.lock();
    callLock.unlock();
  }
}
