package dev.gantry.worker;

import dev.gantry.GantryException;
import dev.gantry.events.JobEvent;
import dev.gantry.internal.Context;
import dev.gantry.job.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the outcomes of finished attempts in batches: every flush applies up to
 * {@code batchSize} transitions in one statement. It flushes when a batch is full or when the
 * oldest waiting outcome is {@code flushInterval} old. A handler that submits while
 * {@code maxPending} outcomes wait blocks until a flush makes room (back-pressure), so memory
 * stays bounded when the database is slow. A failed flush keeps its outcomes and tries again;
 * until they are written, the heartbeat keeps their leases alive.
 */
final class JobCompleter {
  private static final Logger log = LoggerFactory.getLogger(JobCompleter.class);

  /** An outcome waiting to be written, and the event to fire once it is. */
  record Pending(JobExecution execution, Transition transition, JobEvent event) {}

  private final Context ctx;
  private final int batchSize;
  private final int maxPending;
  private final Duration flushInterval;
  private final Consumer<Pending> onWritten;
  private final Consumer<Pending> onRejected;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition hasWork = lock.newCondition();
  private final Condition hasRoom = lock.newCondition();
  private final List<Pending> pending = new ArrayList<>();
  private final Thread thread;
  private long oldestNanos;
  /** Write what is pending now, without waiting for the batch to fill or the flush interval. */
  private boolean flushNow;
  private volatile boolean running = true;

  /**
   * @param onWritten called after an outcome was written
   * @param onRejected called for an outcome whose lease no longer matched (nothing was written)
   */
  JobCompleter(Context ctx, int batchSize, int maxPending, Duration flushInterval, Consumer<Pending> onWritten,
      Consumer<Pending> onRejected) {
    this.ctx = ctx;
    this.batchSize = batchSize;
    this.maxPending = maxPending;
    this.flushInterval = flushInterval;
    this.onWritten = onWritten;
    this.onRejected = onRejected;
    this.thread = Thread.ofPlatform().daemon().name("gantry-completer").unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  void submit(Pending p) {
    lock.lock();
    try {
      while (pending.size() >= maxPending && running) {
        hasRoom.awaitUninterruptibly();
      }
      boolean wasEmpty = pending.isEmpty();
      if (wasEmpty) {
        oldestNanos = System.nanoTime();
      }
      pending.add(p);
      // The flusher sleeps indefinitely while nothing is pending, and otherwise until the batch
      // is full or the oldest outcome is due: wake it on either change.
      if (wasEmpty || pending.size() >= batchSize) {
        hasWork.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the pending outcomes now rather than after the flush interval: a limited queue's job
   * counts against its limit until its outcome is written, and other nodes wait for that slot.
   */
  void flushSoon() {
    lock.lock();
    try {
      flushNow = true;
      hasWork.signal();
    } finally {
      lock.unlock();
    }
  }

  int pendingCount() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the flush loop after writing what is pending, trying until the deadline.
   *
   * @return how many outcomes could not be written (their jobs will be rescued after their leases end)
   */
  int stop(Duration deadline) throws InterruptedException {
    running = false;
    lock.lock();
    try {
      hasWork.signal();
      hasRoom.signalAll();
    } finally {
      lock.unlock();
    }
    thread.join(deadline);
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(Duration.ofSeconds(1));
    }
    return pendingCount();
  }

  private void loop() {
    long backoffMillis = 50;
    while (true) {
      List<Pending> batch;
      lock.lock();
      try {
        while (running && (pending.isEmpty()
            || (pending.size() < batchSize && !flushNow && System.nanoTime() - oldestNanos < flushInterval.toNanos()))) {
          if (pending.isEmpty()) {
            hasWork.await();
          } else {
            hasWork.awaitNanos(flushInterval.toNanos() - (System.nanoTime() - oldestNanos));
          }
        }
        if (pending.isEmpty()) {
          return; // stopped and drained
        }
        batch = new ArrayList<>(pending.subList(0, Math.min(batchSize, pending.size())));
        flushNow = false;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }

      try {
        write(batch);
        backoffMillis = 50;
        lock.lock();
        try {
          pending.subList(0, batch.size()).clear();
          oldestNanos = System.nanoTime();
          hasRoom.signalAll();
        } finally {
          lock.unlock();
        }
      } catch (GantryException e) {
        log.warn("Writing {} job outcomes failed ({}); retrying in {} ms", batch.size(), e.getMessage(), backoffMillis);
        try {
          TimeUnit.MILLISECONDS.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 2_000);
      }
    }
  }

  private void write(List<Pending> batch) {
    List<Transition> transitions = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      transitions.add(p.transition());
    }
    Set<UUID> changed = ctx.db().run("writing job outcomes", c -> ctx.transitions().apply(c, transitions));
    for (Pending p : batch) {
      if (changed.contains(p.transition().jobId())) {
        onWritten.accept(p);
      } else {
        onRejected.accept(p);
      }
    }
  }
}
