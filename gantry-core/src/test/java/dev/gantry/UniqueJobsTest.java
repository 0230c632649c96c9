package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UniqueJobsTest {
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

  private static JobOptions key(String key) {
    return JobOptions.defaults().withUniqueKey(key);
  }

  private long jobCount() {
    return db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs");
  }

  @Test
  void duplicateReturnsTheExistingJobAndChangesNothing() {
    EnqueueResult first = gantry.enqueue("report", Map.of("v", 1), key("report-2024"));
    EnqueueResult second = gantry.enqueue("report", Map.of("v", 2), key("report-2024").withPriority(50).withTags("late"));

    assertThat(first.duplicate()).isFalse();
    assertThat(second.duplicate()).isTrue();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(jobCount()).isEqualTo(1);
    // the existing job keeps its own args and options
    var job = job(gantry, first.id());
    assertThat(job.args().get("v").asInt()).isEqualTo(1);
    assertThat(job.priority()).isZero();
    assertThat(job.tags()).isEmpty();
  }

  @Test
  void differentKeysAndNoKeysAreIndependent() {
    UUID a = gantry.enqueue("report", null, key("a")).id();
    UUID b = gantry.enqueue("report", null, key("b")).id();
    UUID n1 = gantry.enqueue("report", null).id();
    UUID n2 = gantry.enqueue("report", null).id();

    assertThat(List.of(a, b, n1, n2)).doesNotHaveDuplicates();
    assertThat(jobCount()).isEqualTo(4);
  }

  @Test
  void duplicatesInsideOneBulkCallShareTheFirstId() {
    List<EnqueueResult> r = gantry.enqueueAll(List.of(
        JobRequest.of("k", Map.of("n", 0), key("x")),
        JobRequest.of("k", Map.of("n", 1)),
        JobRequest.of("k", Map.of("n", 2), key("x")),
        JobRequest.of("k", Map.of("n", 3), key("y")),
        JobRequest.of("k", Map.of("n", 4), key("x")),
        JobRequest.of("k", Map.of("n", 5), key("y"))));

    assertThat(r).extracting(EnqueueResult::duplicate).containsExactly(false, false, true, false, true, true);
    assertThat(r.get(2).id()).isEqualTo(r.get(0).id());
    assertThat(r.get(4).id()).isEqualTo(r.get(0).id());
    assertThat(r.get(5).id()).isEqualTo(r.get(3).id());
    assertThat(List.of(r.get(0).id(), r.get(1).id(), r.get(3).id())).doesNotHaveDuplicates();
    assertThat(jobCount()).isEqualTo(3);
    assertThat(job(gantry, r.get(0).id()).args().get("n").asInt()).isZero();
  }

  @Test
  void bulkCallWithKeysAlreadyHeldReturnsTheExistingJobs() {
    UUID existing = gantry.enqueue("k", Map.of("n", "old"), key("held")).id();

    List<EnqueueResult> r = gantry.enqueueAll(List.of(
        JobRequest.of("k", Map.of("n", "new"), key("fresh")),
        JobRequest.of("k", Map.of("n", "dup"), key("held")),
        JobRequest.of("k", Map.of("n", "dup2"), key("held"))));

    assertThat(r).extracting(EnqueueResult::duplicate).containsExactly(false, true, true);
    assertThat(r.get(1).id()).isEqualTo(existing);
    assertThat(r.get(2).id()).isEqualTo(existing);
    assertThat(r.get(0).id()).isNotEqualTo(existing);
    assertThat(jobCount()).isEqualTo(2);
  }

  @Test
  void concurrentDuplicatesFromManyThreadsMakeExactlyOneJob() throws Exception {
    int threads = 16;
    for (int round = 0; round < 5; round++) {
      String k = "race-" + round;
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<EnqueueResult>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int n = t;
          futures.add(pool.submit(() -> {
            ready.countDown();
            go.await();
            return gantry.enqueue("race", Map.of("thread", n), key(k));
          }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<EnqueueResult> results = new ArrayList<>();
        for (Future<EnqueueResult> f : futures) {
          results.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(results).extracting(EnqueueResult::id).containsOnly(results.get(0).id());
        assertThat(results).filteredOn(r -> !r.duplicate()).hasSize(1);
        assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs WHERE unique_key = '" + k + "'"))
            .isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void keyIsHeldWhileTheJobRunsAndFreeAgainOnceItFinished() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 2).handler("once", Map.class, (args, ctx) -> {
      if ("block".equals(args.get("mode"))) {
        running.countDown();
        release.await();
      }
      return null;
    }).start()) {
      UUID first = gantry.enqueue("once", Map.of("mode", "block"), key("nightly")).id();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(job(gantry, first).state()).isEqualTo(JobState.RUNNING);

      EnqueueResult whileRunning = gantry.enqueue("once", Map.of("mode", "block"), key("nightly"));
      assertThat(whileRunning.duplicate()).isTrue();
      assertThat(whileRunning.id()).isEqualTo(first);

      release.countDown();
      assertThat(awaitFinished(gantry, first).state()).isEqualTo(JobState.COMPLETED);

      EnqueueResult again = gantry.enqueue("once", Map.of("mode", "fast"), key("nightly"));
      assertThat(again.duplicate()).isFalse();
      assertThat(again.id()).isNotEqualTo(first);
      assertThat(awaitFinished(gantry, again.id()).state()).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void keyIsFreeAgainAfterTheJobIsCancelledOrDead() throws Exception {
    UUID cancelled = gantry.enqueue("k", null, key("c")).id();
    gantry.cancel(cancelled);
    EnqueueResult afterCancel = gantry.enqueue("k", null, key("c"));
    assertThat(afterCancel.duplicate()).isFalse();
    assertThat(afterCancel.id()).isNotEqualTo(cancelled);

    UUID dead = gantry.enqueue("fail", null, key("d")).id();
    try (Worker w = fast(gantry).queue("default", 1).handler("fail", Map.class, (args, ctx) -> {
      throw new PermanentFailure("no");
    }).start()) {
      assertThat(awaitFinished(gantry, dead).state()).isEqualTo(JobState.DEAD);
    }
    EnqueueResult afterDead = gantry.enqueue("fail", null, key("d"));
    assertThat(afterDead.duplicate()).isFalse();
    assertThat(afterDead.id()).isNotEqualTo(dead);
  }

  @Test
  void delayedJobHoldsItsKeyUntilItRuns() {
    UUID delayed = gantry.enqueue("k", null, key("later").withDelay(java.time.Duration.ofHours(1))).id();
    assertThat(job(gantry, delayed).state()).isEqualTo(JobState.SCHEDULED);

    EnqueueResult dup = gantry.enqueue("k", null, key("later"));
    assertThat(dup.duplicate()).isTrue();
    assertThat(dup.id()).isEqualTo(delayed);
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs")).isEqualTo(1);
  }
}
