package dev.gantry.watch;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.job.Job;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobReader;
import dev.gantry.job.WatchFlag;
import dev.gantry.notify.Notifier;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Calls subscribers back each time a watched job changes, driven by NOTIFY: the job is marked
 * {@code watched}; the database then NOTIFYs {@code <schema>_changed} with its id whenever its
 * state or progress changes and {@code <schema>_finished} when it finishes, and each notification
 * makes its subscriptions read the job again. After the listener reconnects (notifications sent
 * meanwhile are lost) every subscription reads its job again.
 */
public final class JobWatcher implements AutoCloseable {
  private final WatchFlag watchFlag;
  private final JobReader reader;
  private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("gantry-watch-", 0).factory());
  private final ConcurrentHashMap<UUID, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();
  private final Runnable[] unsubscribe;

  public JobWatcher(Db db, Sql sql, JobReader reader, Notifier notifier) {
    this.watchFlag = new WatchFlag(db, sql);
    this.reader = reader;
    this.unsubscribe = new Runnable[] {
        notifier.onChanged(this::signal), notifier.onFinished(this::signal), notifier.onReconnect(this::signalAll)};
  }

  /**
   * Watches a job: calls {@code onChange} at once, on the calling thread, with the job as it is
   * now, then again (on another thread, one call at a time, in order) with the job as read after
   * each change of its state or progress, until the subscription is closed.
   *
   * @param tenant when not null, only a job of this tenant can be watched; another's is not found
   * @throws JobNotFoundException if there is no such job (of that tenant)
   * @throws GantryException if the database cannot be reached
   */
  public JobSubscription watch(UUID id, String tenant, Consumer<Job> onChange) {
    Subscription s = new Subscription(id, tenant, onChange, reader, deliveries, this::remove);
    subscriptions.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(s);
    try {
      // Marked before the first read: a change committed after that read finds the job watched
      // and notifies; one committed before it is in what the read returns.
      watchFlag.mark(id, tenant);
      Job job = reader.find(id, tenant).orElseThrow(() -> new JobNotFoundException(id));
      s.deliverFirst(job);
    } catch (RuntimeException e) {
      remove(s);
      throw e;
    }
    return s;
  }

  private void signal(String payload) {
    UUID id;
    try {
      id = UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      return; // not a job id: nothing of ours to re-read
    }
    Set<Subscription> set = subscriptions.get(id);
    if (set != null) {
      set.forEach(Subscription::signal);
    }
  }

  private void signalAll() {
    subscriptions.values().forEach(set -> set.forEach(Subscription::signal));
  }

  private void remove(Subscription s) {
    subscriptions.computeIfPresent(s.jobId(), (k, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  /** Closes every subscription and stops listening. */
  @Override
  public void close() {
    for (Runnable r : unsubscribe) {
      r.run();
    }
    subscriptions.values().forEach(set -> set.forEach(Subscription::close));
    deliveries.shutdown();
  }
}
