package dev.gantry.server.demo;

import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** How many jobs are in each state, over all queues: one snapshot of {@code queueCounts()}. */
public final class StateCounts {
  private final Map<JobState, Long> counts;

  private StateCounts(Map<JobState, Long> counts) {
    this.counts = Collections.unmodifiableMap(counts);
  }

  public static StateCounts of(List<QueueCount> queueCounts) {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, 0L);
    }
    for (QueueCount c : queueCounts) {
      counts.merge(c.state(), c.count(), Long::sum);
    }
    return new StateCounts(counts);
  }

  public long get(JobState state) {
    return counts.get(state);
  }

  /** Jobs that have not reached a final state (pending, scheduled, available, running, retryable). */
  public long unfinished() {
    return counts.entrySet().stream().filter(e -> !e.getKey().isFinished()).mapToLong(Map.Entry::getValue).sum();
  }

  public long finished() {
    return counts.entrySet().stream().filter(e -> e.getKey().isFinished()).mapToLong(Map.Entry::getValue).sum();
  }

  /** One line with every state, in life-cycle order: {@code pending 0  scheduled 12  available 300 ...}. */
  public String line() {
    StringJoiner line = new StringJoiner("  ");
    counts.forEach((state, n) -> line.add(state.dbName() + " " + String.format(Locale.ROOT, "%4d", n)));
    return line.toString();
  }
}
