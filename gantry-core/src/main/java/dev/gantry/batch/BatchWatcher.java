package dev.gantry.batch;

import dev.gantry.GantryException;
import dev.gantry.notify.Notifier;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls subscribers back each time a watched batch changes, driven by the NOTIFY that every change
 * of a batch's counts or state sends on {@code <schema>_batch}. A notification only marks the
 * batch's subscriptions dirty; one delivery at a time per subscription reads the batch again and
 * calls its subscriber if anything changed, so a burst of outcomes is one or a few calls, never a
 * call per job.
 */
public final class BatchWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchWatcher.class);
  private static final long RETRY_SECONDS = 1;

  private final Notifier notifier;
  private final Runnable startListening;
  private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("gantry-batch-watch-", 0).factory());
  private final ConcurrentHashMap<UUID, Set<Watch>> watches = new ConcurrentHashMap<>();
  private volatile Runnable[] unsubscribe;

  /**
   * For Gantry's own wiring; applications use {@link Batches#watch}.
   *
   * @param startListening starts the notifier, once, when the first batch is watched
   */
  public BatchWatcher(Notifier notifier, Runnable startListening) {
    this.notifier = notifier;
    this.startListening = startListening;
  }

  private synchronized void subscribeOnce() {
    if (unsubscribe == null) {
      unsubscribe = new Runnable[] {notifier.onBatch(this::signal), notifier.onReconnect(this::signalAll)};
      startListening.run();
    }
  }

  BatchSubscription watch(UUID id, Function<UUID, Optional<Batch>> reader, Consumer<Batch> onChange) {
    Objects.requireNonNull(onChange, "onChange");
    Batch first = reader.apply(id).orElseThrow(() -> new BatchNotFoundException(id));
    Watch w = new Watch(id, reader, onChange);
    watches.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(w);
    subscribeOnce();
    // Read again once subscribed: a change between the first read and the LISTEN is not lost (the
    // notifier also signals every batch once its LISTEN is in place).
    w.deliverFirst(first);
    return w;
  }

  private void signal(String payload) {
    if (Notifier.ALL_BATCHES.equals(payload)) {
      signalAll();
      return;
    }
    UUID id;
    try {
      id = UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      return; // not one of ours
    }
    Set<Watch> set = watches.get(id);
    if (set != null) {
      set.forEach(Watch::signal);
    }
  }

  private void signalAll() {
    watches.values().forEach(set -> set.forEach(Watch::signal));
  }

  @Override
  public void close() {
    Runnable[] u = unsubscribe;
    if (u != null) {
      for (Runnable r : u) {
        r.run();
      }
    }
    deliveries.shutdownNow();
  }

  /** One subscriber's watch: calls never overlap, and a read that shows nothing new calls nobody. */
  private final class Watch implements BatchSubscription {
    private final UUID id;
    private final Function<UUID, Optional<Batch>> reader;
    private final Consumer<Batch> onChange;
    private final AtomicBoolean delivering = new AtomicBoolean(true);
    private final ReentrantLock callLock = new ReentrantLock();
    private volatile boolean dirty = true;
    private volatile boolean closed;
    private Batch last;

    Watch(UUID id, Function<UUID, Optional<Batch>> reader, Consumer<Batch> onChange) {
      this.id = id;
      this.reader = reader;
      this.onChange = onChange;
    }

    @Override
    public UUID batchId() {
      return id;
    }

    void deliverFirst(Batch batch) {
      try {
        call(batch);
      } finally {
        delivering.set(false);
        startIfNeeded();
      }
    }

    void signal() {
      dirty = true;
      startIfNeeded();
    }

    private void startIfNeeded() {
      if (!closed && dirty && delivering.compareAndSet(false, true)) {
        try {
          deliveries.execute(this::drain);
        } catch (RejectedExecutionException e) {
          delivering.set(false); // closing
        }
      }
    }

    private void drain() {
      try {
        while (dirty && !closed) {
          dirty = false;
          Optional<Batch> batch;
          try {
            batch = reader.apply(id);
          } catch (GantryException e) {
            log.warn("Reading watched batch {} failed ({}); trying again in {} s", id, e.getMessage(), RETRY_SECONDS);
            CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS).execute(this::signal);
            return;
          }
          batch.ifPresent(this::call);
        }
      } finally {
        delivering.set(false);
      }
      startIfNeeded();
    }

    private void call(Batch batch) {
      callLock.lock();
      try {
        if (closed || batch.equals(last)) {
          return;
        }
        last = batch;
        try {
          onChange.accept(batch);
        } catch (RuntimeException e) {
          log.error("A watcher of batch {} failed on a change; it stays subscribed", id, e);
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
      watches.computeIfPresent(id, (k, set) -> {
        set.remove(this);
        return set.isEmpty() ? null : set;
      });
      callLock.lock();
      callLock.unlock();
    }
  }
}
