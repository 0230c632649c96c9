package dev.gantry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.JobState;
import dev.gantry.stats.Percentiles;
import dev.gantry.stats.QueueStats;
import dev.gantry.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queue statistics over finished jobs with known timestamps. */
class QueueStatsTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  /**
   * Inserts {@code n} finished jobs of the queue: job {@code g} (1..n) finished {@code agoSql}
   * before the database's now, ran {@code g * runStepMs} ms and waited {@code g * waitStepMs} ms
   * from due to start; a job that never ran has no attempted_at.
   */
  private void finished(String queue, String state, int n, String agoSql, int runStepMs, int waitStepMs, boolean ran) {
    String attempted = ran ? "f.at - g * interval '" + runStepMs + " milliseconds'" : "NULL";
    db.execute("INSERT INTO " + gantry.schema() + ".finished_jobs (id, queue, kind, args, state, priority, attempt, tags,"
        + " metadata, errors, created_at, scheduled_at, attempted_at, finished_at)"
        + " SELECT gen_random_uuid(), '" + queue + "', 'k', '{}', '" + state + "', 0, 1, '{}', '{}', '[]',"
        + " f.at - interval '1 day', f.at - g * interval '" + runStepMs + " milliseconds' - g * interval '" + waitStepMs
        + " milliseconds', " + attempted + ", f.at"
        + " FROM generate_series(1, " + n + ") g, (SELECT now() - interval '" + agoSql + "' AS at) f");
  }

  /** percentile_cont: linear interpolation between the closest ranks. */
  private static double percentile(List<Double> sorted, double p) {
    double pos = p * (sorted.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
  }

  private static void assertPercentiles(Percentiles actual, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    assertThat(actual).isNotNull();
    assertThat(actual.p50Ms()).isCloseTo(percentile(sorted, 0.5), within(0.01));
    assertThat(actual.p95Ms()).isCloseTo(percentile(sorted, 0.95), within(0.01));
    assertThat(actual.p99Ms()).isCloseTo(percentile(sorted, 0.99), within(0.01));
  }

  @Test
  void countsAndPercentilesOverTheWindowByDatabaseTime() {
    finished("q", "completed", 100, "1 minute", 1, 10, true);   // run 1..100 ms, wait 10..1000 ms
    finished("q", "dead", 10, "2 minutes", 50, 0, true);         // run 50..500 ms, wait 0
    finished("q", "cancelled", 5, "3 minutes", 0, 0, false);     // never ran: no times
    finished("q", "completed", 7, "2 hours", 1, 1, true);        // before the window
    finished("other", "completed", 3, "10 minutes", 1000, 1, true);
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("q"));
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("q").withDelay(Duration.ofHours(1)));
    gantry.enqueue("k", null, JobOptions.defaults().withQueue("live-only"));

    List<QueueStats> stats = gantry.queueStats(Duration.ofHours(1));

    assertThat(stats).extracting(QueueStats::queue).containsExactly("live-only", "other", "q");
    QueueStats q = stats.get(2);
    assertThat(q.window()).isEqualTo(Duration.ofHours(1));
    assertThat(q.counts()).isEqualTo(Map.of(JobState.AVAILABLE, 1L, JobState.SCHEDULED, 1L, JobState.COMPLETED, 107L,
        JobState.DEAD, 10L, JobState.CANCELLED, 5L));
    assertThat(q.completed()).isEqualTo(100);
    assertThat(q.dead()).isEqualTo(10);
    assertThat(q.cancelled()).isEqualTo(5);
    assertThat(q.finishedPerMinute()).isCloseTo(115 / 60.0, within(1e-9));

    List<Double> runs = new ArrayList<>();
    List<Double> waits = new ArrayList<>();
    IntStream.rangeClosed(1, 100).forEach(g -> {
      runs.add((double) g);
      waits.add(g * 10.0);
    });
    IntStream.rangeClosed(1, 10).forEach(g -> {
      runs.add(g * 50.0);
      waits.add(0.0);
    });
    assertPercentiles(q.runTime(), runs);
    assertPercentiles(q.waitTime(), waits);

    QueueStats other = stats.get(1);
    assertThat(other.completed()).isEqualTo(3);
    assertPercentiles(other.runTime(), List.of(1000.0, 2000.0, 3000.0));

    QueueStats liveOnly = stats.get(0);
    assertThat(liveOnly.counts()).isEqualTo(Map.of(JobState.AVAILABLE, 1L));
    assertThat(liveOnly.completed() + liveOnly.dead() + liveOnly.cancelled()).isZero();
    assertThat(liveOnly.finishedPerMinute()).isZero();
    assertThat(liveOnly.runTime()).isNull();
    assertThat(liveOnly.waitTime()).isNull();
  }

  @Test
  void aShorterWindowLeavesOlderJobsOut() {
    finished("q", "completed", 4, "30 seconds", 10, 10, true);
    finished("q", "completed", 6, "5 minutes", 10, 10, true);
    finished("q", "cancelled", 2, "10 minutes", 0, 0, false);

    QueueStats lastMinute = gantry.queueStats(Duration.ofMinutes(1)).get(0);
    QueueStats lastHour = gantry.queueStats(Duration.ofHours(1)).get(0);

    assertThat(lastMinute.completed()).isEqualTo(4);
    assertThat(lastMinute.cancelled()).isZero();
    assertThat(lastMinute.finishedPerMinute()).isCloseTo(4.0, within(1e-9));
    assertPercentiles(lastMinute.runTime(), List.of(10.0, 20.0, 30.0, 40.0));
    assertThat(lastHour.completed()).isEqualTo(10);
    assertThat(lastHour.cancelled()).isEqualTo(2);
    assertThat(lastHour.counts()).containsEntry(JobState.COMPLETED, 10L).containsEntry(JobState.CANCELLED, 2L);
  }

  @Test
  void windowIsValidated() {
    assertThatThrownBy(() -> gantry.queueStats(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
    assertThatThrownBy(() -> gantry.queueStats(Duration.ofDays(32))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
    assertThatThrownBy(() -> gantry.queueStats(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
