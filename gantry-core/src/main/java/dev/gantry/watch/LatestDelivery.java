package dev.gantry.watch;

import dev.gantry.GantryException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the latest value of something watched (a job, a batch) to one subscriber. A signal only
 * marks it dirty; one delivery task at a time reads the value and calls the subscriber, so calls
 * never overlap and come in the order the reads were made. Several signals during one read are
 * answered by one more read, and a read whose change key equals the last call's calls nobody.
 *
 * @param <T> what is watched
 */
public final class LatestDelivery<T> {
  private static final Logger log = LoggerFactory.getLogger(LatestDelivery.class);
  /** After a failed read, try again this long later (the change it was for is not lost). */
  private static final long RETRY_SECONDS = 1;

  private final String what;
  private final Supplier<Optional<T>> read;
  private final Function<T, ?> changeKey;
  private final Consumer<T> onChange;
  private final Executor executor;
  /** Held by whoever delivers: the creator until the first call is made, then one task at a time. */
  private final AtomicBoolean delivering = new AtomicBoolean(true);
  private final ReentrantLock callLock = new ReentrantLock();
  private volatile boolean dirty;
  private volatile boolean closed;
  private Object last;

  /**
   * @param what names the watched thing in log lines ("job 0193...")
   * @param read reads the value now; empty when it is gone (nothing more is delivered then)
   * @param changeKey what of a value counts as a change worth a call
   */
  public LatestDelivery(String what, Supplier<Optional<T>> read, Function<T, ?> changeKey, Consumer<T> onChange,
      Executor executor) {
    this.what = what;
    this.read = read;
    this.changeKey = changeKey;
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.executor = executor;
  }

  /** The first call, on the creating thread; then signals may start deliveries. */
  public void deliverFirst(T value) {
    try {
      call(value);
    } finally {
      delivering.set(false);
      startIfNeeded();
    }
  }

  /** The value may have changed. */
  public void signal() {
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
        Optional<T> value;
        try {
          value = read.get();
        } catch (GantryException e) {
          log.warn("Reading watched {} failed ({}); trying again in {} s", what, e.getMessage(), RETRY_SECONDS);
          CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS).execute(this::signal);
          return;
        }
        value.ifPresent(this::call);
      }
    } finally {
      delivering.set(false);
    }
    startIfNeeded(); // a signal that came after the loop's last check
  }

  private void call(T value) {
    callLock.lock();
    try {
      Object key = changeKey.apply(value);
      if (closed || key.equals(last)) {
        return;
      }
      last = key;
      try {
        onChange.accept(value);
      } catch (RuntimeException e) {
        log.error("A watcher of {} failed on a change; it stays subscribed", what, e);
      }
    } finally {
      callLock.unlock();
    }
  }

  /** Stops the calls: none starts after this. False if it was closed already. */
  public boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /** Waits out a call under way (unless this is that call, closing itself: the lock is reentrant). */
  public void awaitCall() {
    callLock.lock();
    callLock.unlock();
  }
}
