package dev.gantry.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the handlers saw: when each job's handler started (System.nanoTime, same JVM as the
 * enqueuer) and how many handlers ran. Enqueuers record each job's commit time here too.
 */
public final class Recorder {
  private final AtomicLongArray committed;
  private final AtomicLongArray started;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();

  public Recorder(int capacity) {
    this.committed = new AtomicLongArray(capacity);
    this.started = new AtomicLongArray(capacity);
  }

  /** The handler of job {@code seq} starts (called first thing in every handler). */
  public void started(int seq) {
    long now = System.nanoTime();
    if (seq >= 0 && seq < started.length()) {
      started.compareAndSet(seq, 0, now);
    }
    runs.incrementAndGet();
  }

  /** The handler of a job returns. */
  public void finished() {
    finished.incrementAndGet();
  }

  /** Job {@code seq}'s enqueue transaction committed just now. */
  public void committed(int seq, long nanos) {
    committed.set(seq, nanos);
  }

  public long runs() {
    return runs.get();
  }

  public long finishedCount() {
    return finished.get();
  }

  /** Handler runs of jobs {@code 0 .. count-1} whose start was recorded. */
  public int startedCount(int count) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (started.get(i) != 0) {
        n++;
      }
    }
    return n;
  }

  /** Pickup latencies (handler start minus enqueue commit) in microseconds, sorted. */
  public long[] latenciesMicros(int count) {
    long[] out = new long[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      long c = committed.get(i);
      long s = started.get(i);
      if (c != 0 && s != 0) {
        // The handler may start a few microseconds before the enqueuer reads the clock after commit.
        out[n++] = Math.max(0, (s - c) / 1000);
      }
    }
    long[] result = Arrays.copyOf(out, n);
    Arrays.sort(result);
    return result;
  }

  public static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
