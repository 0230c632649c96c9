package dev.gantry.job;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.notify.Notifier;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jobs to finish without polling: the job is marked {@code watched}, and the statement
 * that finishes it sends a NOTIFY with its id, which the {@link Notifier} hands here.
 */
public final class CompletionWaiter {
  /** A safety net against a lost notification: re-read at most this long after the last read. */
  private static final Duration RECHECK = Duration.ofSeconds(5);

  private final WatchFlag watchFlag;
  private final JobReader reader;
  private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

  public CompletionWaiter(Db db, Sql sql, JobReader reader, Notifier notifier) {
    this.watchFlag = new WatchFlag(db, sql);
    this.reader = reader;
    notifier.onFinished(this::finished);
    notifier.onReconnect(this::wakeAll);
  }

  /**
   * Returns the job once it has finished (completed, dead or cancelled), or empty if it has not
   * within the timeout.
   *
   * @param tenant when not null, only a job of this tenant is waited for; another's is not found
   * @throws JobNotFoundException if there is no such job (of that tenant)
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public Optional<Job> await(UUID id, String tenant, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      CompletableFuture<Void> signal = new CompletableFuture<>();
      waiters.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(signal);
      try {
        watchFlag.mark(id, tenant);
        Job job = reader.find(id, tenant).orElseThrow(() -> new JobNotFoundException(id));
        if (job.state().isFinished()) {
          return Optional.of(job);
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return Optional.empty();
        }
        try {
          signal.get(Math.min(remaining, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
          // re-read below: either the deadline or the safety-net re-check
        }
      } finally {
        waiters.computeIfPresent(id, (k, set) -> {
          set.remove(signal);
          return set.isEmpty() ? null : set;
        });
      }
    }
  }

  private void finished(String payload) {
    UUID id;
    try {
      id = UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      return;
    }
    Set<CompletableFuture<Void>> set = waiters.get(id);
    if (set != null) {
      set.forEach(f -> f.complete(null));
    }
  }

  private void wakeAll() {
    waiters.values().forEach(set -> set.forEach(f -> f.complete(null)));
  }
}
