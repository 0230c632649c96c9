package dev.gantry.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handlers running at once, in all, and per partition, as seen from inside the handlers of every
 * node of the test JVM: each counts itself in when it starts and out before it returns, and the
 * highest counts ever seen are kept.
 */
final class RunningCount {
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger maxTotal = new AtomicInteger();
  private final Map<String, AtomicInteger> byPartition = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxByPartition = new ConcurrentHashMap<>();
  private final AtomicInteger finished = new AtomicInteger();

  /** Counts a handler in, runs the work, counts it out. */
  void run(String partition, Runnable work) {
    int now = total.incrementAndGet();
    maxTotal.accumulateAndGet(now, Math::max);
    int inPartition = byPartition.computeIfAbsent(partition, p -> new AtomicInteger()).incrementAndGet();
    maxByPartition.computeIfAbsent(partition, p -> new AtomicInteger()).accumulateAndGet(inPartition, Math::max);
    try {
      work.run();
    } finally {
      byPartition.get(partition).decrementAndGet();
      total.decrementAndGet();
      finished.incrementAndGet();
    }
  }

  int maxTotal() {
    return maxTotal.get();
  }

  /** The highest count of each partition. */
  Map<String, Integer> maxByPartition() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    maxByPartition.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  int finished() {
    return finished.get();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating work", e);
    }
  }
}
