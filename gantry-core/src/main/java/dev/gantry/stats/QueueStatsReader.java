package dev.gantry.stats;

import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-queue statistics: the live counts ({@code queue_counts.sql}) and the window's finished jobs
 * ({@code queue_stats.sql}, served by the {@code (state, finished_at)} index for short windows).
 */
public final class QueueStatsReader {
  private static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final Db db;
  private final Sql sql;
  private final JobReader reader;

  public QueueStatsReader(Db db, Sql sql, JobReader reader) {
    this.db = db;
    this.sql = sql;
    this.reader = reader;
  }

  private record Window(long completed, long dead, long cancelled, Percentiles waitTime, Percentiles runTime) {}

  /**
   * Statistics of every queue that has jobs now or had jobs finish within the window, by queue name.
   *
   * @param window 1 second to 31 days
   * @throws IllegalArgumentException if the window is out of range
   */
  public List<QueueStats> read(Duration window) {
    if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window must be between 1 second and 31 days, got " + window);
    }
    Map<String, Map<JobState, Long>> counts = new TreeMap<>();
    for (QueueCount c : reader.counts()) {
      counts.computeIfAbsent(c.queue(), q -> new EnumMap<>(JobState.class)).merge(c.state(), c.count(), Long::sum);
    }
    Map<String, Window> windows = db.run("reading queue statistics", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("queue_stats"))) {
        ps.setLong(1, window.toMillis());
        Map<String, Window> result = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getString("queue"), new Window(rs.getLong("completed"), rs.getLong("dead"),
                rs.getLong("cancelled"), percentiles(rs.getArray("wait_ms")), percentiles(rs.getArray("run_ms"))));
          }
        }
        return result;
      }
    });
    SortedSet<String> queues = new TreeSet<>(counts.keySet());
    queues.addAll(windows.keySet());
    double minutes = window.toMillis() / 60_000.0;
    List<QueueStats> stats = new ArrayList<>();
    for (String queue : queues) {
      Window w = windows.getOrDefault(queue, new Window(0, 0, 0, null, null));
      stats.add(new QueueStats(queue, counts.getOrDefault(queue, Map.of()), window, w.completed(), w.dead(),
          w.cancelled(), (w.completed() + w.dead() + w.cancelled()) / minutes, w.waitTime(), w.runTime()));
    }
    return stats;
  }

  private static Percentiles percentiles(Array array) throws SQLException {
    if (array == null) {
      return null;
    }
    Double[] values = (Double[]) array.getArray();
    return new Percentiles(values[0], values[1], values[2]);
  }
}
