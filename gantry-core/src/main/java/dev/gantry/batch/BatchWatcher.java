package dev.gantry.batch;

import dev.gantry.notify.Notifier;
import dev.gantry.watch.LatestDelivery;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls subscribers back each time a watched batch changes, driven by the NOTIFY that every change
 * of a batch's counts or state sends on {@code <schema>_batch}. A notification only marks the
 * batch's subscriptions dirty; one delivery at a time per subscription reads the batch again and
 * calls its subscriber if anything changed, so a burst of outcomes is one or a few calls, never a
 * call per job.
 */
public final class BatchWatcher implements AutoCloseable {
  private final Notifier notifier;
  private final Runnable startListening;
  private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("gantry-batch-watch-", 0).factory());
  private final ConcurrentHashMap<UUID, Set<Watch>> watches = new ConcurrentHashMap<>();
  private volatile Runnable[] unsubscribe;
  /** Open once the notifier LISTENs on the batch channel (it then signals every batch). */
  private final CountDownLatch listening = new CountDownLatch(1);
  /** How long the first watch of a process waits for that LISTEN: one turn of the notifier's loop. */
  private static final long LISTEN_WAIT_MILLIS = 1_000;

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
    w.deliverFirst(first);
    // The notifier puts the batch channel's LISTEN in place on its next turn (up to a quarter of a
    // second after the first watch): waiting for it here means that once watch() returns, every
    // change is pushed, instead of a progress bar that stands still through its first moments.
    // Not connected (the database is down): go on; the notifier signals every batch once it is.
    try {
      listening.await(LISTEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Read again once subscribed: a change between the first read and the LISTEN is not lost.
    w.signal();
    return w;
  }

  private void signal(String payload) {
    if (Notifier.ALL_BATCHES.equals(payload)) {
      listening.countDown();
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

  /** One subscriber's watch: a {@link LatestDelivery} of the batch, calling when any of it changed. */
  private final class Watch implements BatchSubscription {
    private final UUID id;
    private final LatestDelivery<Batch> delivery;

    Watch(UUID id, Function<UUID, Optional<Batch>> reader, Consumer<Batch> onChange) {
      this.id = id;
      this.delivery = new LatestDelivery<>("batch " + id, () -> reader.apply(id), b -> b, onChange, deliveries);
    }

    @Override
    public UUID batchId() {
      return id;
    }

    void deliverFirst(Batch batch) {
      delivery.deliverFirst(batch);
    }

    void signal() {
      delivery.signal();
    }

    @Override
    public void close() {
      if (delivery.markClosed()) {
        watches.computeIfPresent(id, (k, set) -> {
          set.remove(this);
          return set.isEmpty() ? null : set;
        });
        delivery.awaitCall();
      }
    }
  }
}
