package dev.gantry.worker;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.limits.LimitEnforcement;
import dev.gantry.limits.LimitedClaim;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs of one queue (of every kind, or only of the given kinds) for this node, as many as it has free slots (up to the batch size), in
 * one statement. It claims when woken (a NOTIFY for its queue, or a freed slot after a full batch
 * suggests more work is waiting) and otherwise every poll interval, as a fallback for lost or
 * impossible notifications.
 *
 * <p>A queue with a {@linkplain dev.gantry.limits.Limits limit} is claimed within it
 * ({@link LimitedClaim}), and the fetcher waits for what can free the limit: when the queue's rate
 * is used up, until its window has room (new jobs' wake-ups change nothing meanwhile); when its
 * concurrency is used up, for a job of the queue to stop running on any node (a {@code freed:}
 * control message) rather than at every new job; when a partition's rate is used up, at most until
 * it frees.
 */
final class JobFetcher {
  private static final Logger log = LoggerFactory.getLogger(JobFetcher.class);

  private final String queue;
  private final String workerId;
  private final Db db;
  private final Sql sql;
  private final Semaphore slots;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration leaseDuration;
  /** The kinds to claim, or null for every kind. */
  private final String[] kinds;
  private final Consumer<ClaimedJob> dispatcher;
  private final LimitEnforcement limits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean wakeRequested = true;
  private boolean moreLikely;
  /** Limited queues only: the rate allows no start before this (System.nanoTime()); 0: no such wait. */
  private long rateHeldUntil;
  /** Limited queues only: a partition's rate frees then; 0: none. */
  private long partitionFreesAt;
  /** Limited queues only: the concurrency was used up at the last claim; new jobs cannot start either. */
  private boolean awaitingFreedSlot;

  JobFetcher(String queue, int concurrency, String workerId, Db db, Sql sql, int batchSize, Duration pollInterval,
      Duration leaseDuration, Set<String> kinds, Consumer<ClaimedJob> dispatcher, LimitEnforcement limits) {
    this.queue = queue;
    this.workerId = workerId;
    this.db = db;
    this.sql = sql;
    this.slots = new Semaphore(concurrency);
    this.batchSize = batchSize;
    this.pollInterval = pollInterval;
    this.leaseDuration = leaseDuration;
    this.kinds = kinds == null ? null : kinds.stream().sorted().toArray(String[]::new);
    this.dispatcher = dispatcher;
    this.limits = limits;
    this.thread = Thread.ofPlatform().daemon().name("gantry-fetch-" + queue).unstarted(this::loop);
  }

  String queue() {
    return queue;
  }

  void start() {
    thread.start();
  }

  /** New work may be waiting: claim as soon as a slot is free. */
  void wake() {
    lock.lock();
    try {
      if (!awaitingFreedSlot) {
        wakeRequested = true;
      }
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * A job of the limited queue stopped running on some node: a slot of the queue's concurrency, or
   * of its partition's, may be free.
   */
  void limitedSlotFreed() {
    lock.lock();
    try {
      awaitingFreedSlot = false;
      wakeRequested = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The queue's limit was set or removed: whatever held claims back may be gone. */
  void limitChanged() {
    lock.lock();
    try {
      awaitingFreedSlot = false;
      rateHeldUntil = 0;
      partitionFreesAt = 0;
      wakeRequested = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** A job of this queue settled: its slot is free again. */
  void release() {
    slots.release();
    lock.lock();
    try {
      if (moreLikely) {
        wakeRequested = true;
      }
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  int busySlots(int concurrency) {
    return concurrency - slots.availablePermits();
  }

  /** Stops claiming; jobs already claimed run on. */
  void stop() {
    running = false;
    wake();
  }

  void join(Duration timeout) throws InterruptedException {
    thread.join(timeout);
  }

  private void loop() {
    long backoffMillis = 50;
    while (running) {
      try {
        if (!awaitWork()) {
          continue;
        }
        int want = Math.min(slots.availablePermits(), batchSize);
        List<ClaimedJob> claimed = claim(want);
        backoffMillis = 50;
        for (ClaimedJob job : claimed) {
          slots.acquireUninterruptibly();
          dispatcher.accept(job);
        }
        lock.lock();
        try {
          moreLikely = claimed.size() == want;
          if (moreLikely) {
            wakeRequested = true;
          }
        } finally {
          lock.unlock();
        }
      } catch (GantryException e) {
        log.warn("Claiming jobs of queue {} failed ({}); retrying in {} ms", queue, e.getMessage(), backoffMillis);
        pause(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits until a slot is free and there is a reason to claim; false if it should re-check running. */
  private boolean awaitWork() throws InterruptedException {
    long pollDeadline = System.nanoTime() + pollInterval.toNanos();
    lock.lock();
    try {
      if (partitionFreesAt != 0 && partitionFreesAt - pollDeadline < 0) {
        pollDeadline = partitionFreesAt;
      }
      while (running) {
        if (rateHeldUntil != 0) {
          long held = rateHeldUntil - System.nanoTime();
          if (held > 0) {
            changed.awaitNanos(held);
            continue;
          }
          rateHeldUntil = 0;
          wakeRequested = true;
        }
        boolean slotFree = slots.availablePermits() > 0;
        long untilPoll = pollDeadline - System.nanoTime();
        if (slotFree && (wakeRequested || untilPoll <= 0)) {
          wakeRequested = false;
          return true;
        }
        if (slotFree) {
          changed.awaitNanos(untilPoll);
        } else {
          changed.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  private List<ClaimedJob> claim(int limit) {
    if (limits.queues().isLimited(queue)) {
      LimitedClaim.Result limited = limits.claim().claim(queue, limit, kinds == null ? List.of() : List.of(kinds), null,
          leaseDuration, workerId);
      if (limited != null) {
        heldBack(limited);
        List<ClaimedJob> jobs = new ArrayList<>(limited.jobs().size());
        for (LimitedClaim.Claimed j : limited.jobs()) {
          jobs.add(new ClaimedJob(j.id(), j.queue(), j.kind(), j.argsJson(), j.metadataJson(), j.attempt(),
              j.maxAttempts(), j.timeoutMillis(), j.leaseToken(), j.cancelRequested()));
        }
        return jobs;
      }
    }
    return db.run("claiming jobs of queue " + queue, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get(kinds == null ? "claim" : "claim_kinds"))) {
        int p = 1;
        ps.setString(p++, queue);
        if (kinds != null) {
          ps.setArray(p++, c.createArrayOf("text", kinds));
        }
        ps.setInt(p++, limit);
        ps.setLong(p++, leaseDuration.toMillis());
        ps.setString(p, workerId);
        List<ClaimedJob> jobs = new ArrayList<>(limit);
        List<UUID> watched = null;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getBoolean("watched")) {
              if (watched == null) {
                watched = new ArrayList<>();
              }
              watched.add(rs.getObject("id", UUID.class));
            }
            int maxAttempts = rs.getInt("max_attempts");
            Integer max = rs.wasNull() ? null : maxAttempts;
            long timeout = rs.getLong("timeout_ms");
            Long timeoutMillis = rs.wasNull() ? null : timeout;
            jobs.add(new ClaimedJob(
                rs.getObject("id", UUID.class),
                rs.getString("queue"),
                rs.getString("kind"),
                rs.getString("args"),
                rs.getString("metadata"),
                rs.getInt("attempt"),
                max,
                timeoutMillis,
                rs.getObject("lease_token", UUID.class),
                rs.getBoolean("cancel_requested")));
          }
        }
        if (watched != null) {
          // The claim has committed (autocommit): tell the watchers of these jobs they are running.
          try (PreparedStatement notify = c.prepareStatement(sql.get("notify_changed"))) {
            notify.setArray(1, c.createArrayOf("uuid", watched.toArray()));
            notify.execute();
          }
        }
        return jobs;
      }
    });
  }

  /** Remembers what held the limited claim back, for {@link #awaitWork()}. */
  private void heldBack(LimitedClaim.Result r) {
    long now = System.nanoTime();
    lock.lock();
    try {
      rateHeldUntil = r.rateWait() == null ? 0 : now + r.rateWait().toNanos();
      partitionFreesAt = r.partitionWait() == null ? 0 : now + r.partitionWait().toNanos();
      awaitingFreedSlot = r.concurrencyFull();
    } finally {
      lock.unlock();
    }
  }

  private void pause(long millis) {
    lock.lock();
    try {
      changed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }
}
