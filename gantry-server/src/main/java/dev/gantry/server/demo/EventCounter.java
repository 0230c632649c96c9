package dev.gantry.server.demo;

import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts job events by type (started, completed, failed ...), as a metrics listener would. Safe
 * to call from Gantry's threads, and cheap, as listeners must be.
 */
public final class EventCounter implements JobListener {
  private final Map<Class<?>, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void onEvent(JobEvent event) {
    counts.computeIfAbsent(event.getClass(), k -> new LongAdder()).increment();
  }

  /** How many events of this type were seen, e.g. {@code count(JobEvent.Failed.class)}. */
  public long count(Class<? extends JobEvent> type) {
    LongAdder n = counts.get(type);
    return n == null ? 0 : n.sum();
  }
}
