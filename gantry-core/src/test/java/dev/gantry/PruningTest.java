package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import dev.gantry.maintenance.Retention;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PruningTest {
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

  private Worker worker(Retention retention) {
    return fast(gantry).pruneInterval(Duration.ofMillis(200)).retention(retention).queue("default", 4)
        .handler("ok", Map.class, (args, ctx) -> "done")
        .handler("bad", Map.class, (args, ctx) -> {
          throw new PermanentFailure("broken");
        })
        .start();
  }

  private long finishedCount(JobState state) {
    return gantry.queueCounts().stream().filter(c -> c.state() == state).mapToLong(QueueCount::count).sum();
  }

  @Test
  void finishedJobsArePrunedPerStateAndCountsFollow() throws Exception {
    try (Worker w = worker(new Retention(Duration.ZERO, Duration.ofDays(1), Duration.ZERO))) {
      UUID completed = gantry.enqueue("ok", null).id();
      UUID dead = gantry.enqueue("bad", null).id();
      UUID cancelled = gantry.enqueue("ok", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      UUID waiting = gantry.enqueue("ok", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      awaitFinished(gantry, completed);
      awaitFinished(gantry, dead);
      gantry.cancel(cancelled);

      await("completed and cancelled jobs to be pruned").atMost(WAIT)
          .until(() -> gantry.job(completed).isEmpty() && gantry.job(cancelled).isEmpty());
      // One more completed job pruned after them: the pruner has made full passes since.
      UUID later = gantry.enqueue("ok", null).id();
      awaitFinished(gantry, later);
      await().atMost(WAIT).until(() -> gantry.job(later).isEmpty());

      assertThat(gantry.job(dead)).get().extracting(j -> j.state()).isEqualTo(JobState.DEAD);
      assertThat(gantry.job(waiting)).get().extracting(j -> j.state()).isEqualTo(JobState.SCHEDULED);
      assertThat(finishedCount(JobState.COMPLETED)).isZero();
      assertThat(finishedCount(JobState.CANCELLED)).isZero();
      assertThat(finishedCount(JobState.DEAD)).isEqualTo(1);
      assertThat(gantry.queueCounts()).containsExactlyInAnyOrder(
          new QueueCount("default", JobState.DEAD, 1), new QueueCount("default", JobState.SCHEDULED, 1));
    }
  }

  @Test
  void nullRetentionKeepsThatStateForever() throws Exception {
    try (Worker w = worker(new Retention(Duration.ZERO, null, null))) {
      UUID dead = gantry.enqueue("bad", null).id();
      UUID cancelled = gantry.enqueue("ok", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      gantry.cancel(cancelled);
      awaitFinished(gantry, dead);
      for (int i = 0; i < 2; i++) { // two pruning passes at least
        UUID completed = gantry.enqueue("ok", null).id();
        awaitFinished(gantry, completed);
        await().atMost(WAIT).until(() -> gantry.job(completed).isEmpty());
      }

      assertThat(gantry.job(dead)).isPresent();
      assertThat(gantry.job(cancelled)).isPresent();
    }
  }

  @Test
  void onlyJobsOlderThanTheRetentionArePrunedInBatches() {
    String s = gantry.schema();
    // 2,500 finished jobs two hours old (more than two pruning batches) and 10 that finished just now.
    db.execute("INSERT INTO " + s + ".finished_jobs (id, queue, kind, args, state, priority, attempt, tags, metadata, errors,"
        + " created_at, scheduled_at, finished_at) SELECT " + s + ".uuid_v7(), 'q', 'k', '{}', 'completed', 0, 1, '{}',"
        + " '{}', '[]', now() - interval '3 hours', now() - interval '3 hours', now() - interval '2 hours'"
        + " FROM generate_series(1, 2500)");
    db.execute("INSERT INTO " + s + ".finished_jobs (id, queue, kind, args, state, priority, attempt, tags, metadata, errors,"
        + " created_at, scheduled_at) SELECT " + s + ".uuid_v7(), 'q', 'k', '{}', 'completed', 0, 1, '{}', '{}', '[]',"
        + " now(), now() FROM generate_series(1, 10)");
    assertThat(gantry.queueCounts()).containsExactly(new QueueCount("q", JobState.COMPLETED, 2510));

    try (Worker w = worker(new Retention(Duration.ofHours(1), null, null))) {
      await("old jobs to be pruned").atMost(WAIT)
          .until(() -> db.queryLong("SELECT count(*) FROM " + s + ".finished_jobs") == 10);
      assertThat(db.queryLong("SELECT count(*) FROM " + s + ".finished_jobs WHERE finished_at < now() - interval '1 hour'")).isZero();
      assertThat(gantry.queueCounts()).containsExactly(new QueueCount("q", JobState.COMPLETED, 10));
    }
  }

  @Test
  void negativeRetentionIsRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Retention(Duration.ofSeconds(-1), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
  }
}
