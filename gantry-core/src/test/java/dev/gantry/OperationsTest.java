package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.CancelJob;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperationsTest {
  private static final UUID UNKNOWN = UUID.fromString("01890000-0000-7000-8000-000000000001");

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

  // ---- reading one job ----

  @Test
  void jobShowsProgressAndLeaseWhileRunningAndResultAndTimestampsOnceDone() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(gantry).workerId("node-7").queue("default", 1).handler("import", Map.class, (args, ctx) -> {
      ctx.progress(40, "40 of 100 rows");
      reported.countDown();
      release.await();
      ctx.progress(100, "all rows");
      return Map.of("rows", 100);
    }).start()) {
      Instant before = db.now();
      UUID id = gantry.enqueue("import", Map.of("file", "a.csv")).id();
      assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();

      Job running = job(gantry, id);
      assertThat(running.state()).isEqualTo(JobState.RUNNING);
      assertThat(running.progressPercent()).isEqualTo(40);
      assertThat(running.progressMessage()).isEqualTo("40 of 100 rows");
      assertThat(running.attempt()).isEqualTo(1);
      assertThat(running.workerId()).isEqualTo("node-7");
      assertThat(running.attemptedAt()).isNotNull();
      assertThat(running.leaseExpiresAt()).isAfter(running.attemptedAt());
      assertThat(running.finishedAt()).isNull();
      assertThat(running.result()).isNull();

      release.countDown();
      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result().get("rows").asInt()).isEqualTo(100);
      assertThat(done.progressPercent()).isEqualTo(100);
      assertThat(done.progressMessage()).isEqualTo("all rows");
      assertThat(done.workerId()).isEqualTo("node-7");
      assertThat(done.leaseExpiresAt()).isNull();
      assertThat(done.createdAt()).isAfterOrEqualTo(before.minusMillis(1));
      assertThat(done.createdAt()).isBeforeOrEqualTo(done.scheduledAt());
      assertThat(done.scheduledAt()).isBeforeOrEqualTo(done.attemptedAt());
      assertThat(done.attemptedAt()).isBeforeOrEqualTo(done.finishedAt());
      assertThat(done.finishedAt()).isBeforeOrEqualTo(db.now());
    }
  }

  @Test
  void progressOutsideZeroToHundredIsRefused() throws Exception {
    List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Worker w = fast(gantry).queue("default", 1).handler("p", Map.class, (args, ctx) -> {
      for (int bad : new int[] {-1, 101}) {
        try {
          ctx.progress(bad, "x");
        } catch (IllegalArgumentException e) {
          refusals.add(e.getMessage());
        }
      }
      ctx.progress(0, null);
      return null;
    }).start()) {
      UUID id = gantry.enqueue("p", null).id();
      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.progressPercent()).isZero();
      assertThat(refusals).hasSize(2).allSatisfy(m -> assertThat(m).contains("percent"));
    }
  }

  @Test
  void unknownJobIsEmpty() {
    assertThat(gantry.job(UNKNOWN)).isEmpty();
  }

  // ---- listing ----

  @Test
  void jobsFilterByQueueKindStateAndTag() throws Exception {
    UUID a = gantry.enqueue("mail.send", null, JobOptions.defaults().withQueue("mail").withTags("vip", "eu")).id();
    UUID b = gantry.enqueue("mail.send", null, JobOptions.defaults().withQueue("mail").withTags("eu")).id();
    UUID c = gantry.enqueue("mail.digest", null, JobOptions.defaults().withQueue("mail").withDelay(Duration.ofHours(1))).id();
    UUID d = gantry.enqueue("report", null, JobOptions.defaults().withTags("vip")).id();
    UUID e = gantry.enqueue("report", null).id();
    try (Worker w = fast(gantry).queue("default", 2).handler("report", Map.class, (args, ctx) -> null).start()) {
      awaitFinished(gantry, d);
      awaitFinished(gantry, e);
    }

    assertThat(ids(JobFilter.all())).containsExactly(e, d, c, b, a);
    assertThat(ids(JobFilter.all().withQueue("mail"))).containsExactly(c, b, a);
    assertThat(ids(JobFilter.all().withQueue("default"))).containsExactly(e, d);
    assertThat(ids(JobFilter.all().withKind("mail.send"))).containsExactly(b, a);
    assertThat(ids(JobFilter.all().withState(JobState.SCHEDULED))).containsExactly(c);
    assertThat(ids(JobFilter.all().withState(JobState.AVAILABLE))).containsExactly(b, a);
    assertThat(ids(JobFilter.all().withState(JobState.COMPLETED))).containsExactly(e, d);
    assertThat(ids(JobFilter.all().withTag("vip"))).containsExactly(d, a);
    assertThat(ids(JobFilter.all().withTag("eu").withKind("mail.send").withState(JobState.AVAILABLE))).containsExactly(b, a);
    assertThat(ids(JobFilter.all().withQueue("mail").withTag("vip"))).containsExactly(a);
    assertThat(ids(JobFilter.all().withQueue("nowhere"))).isEmpty();
    assertThat(ids(JobFilter.all().withState(JobState.DEAD))).isEmpty();
  }

  @Test
  void keysetPaginationWalksEveryJobOnceNewestFirst() throws Exception {
    List<UUID> enqueued = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      enqueued.add(gantry.enqueue("page", Map.of("i", i), JobOptions.defaults().withTags(i % 2 == 0 ? "even" : "odd")).id());
    }
    // some of them finish, so the walk crosses both tables
    try (Worker w = fast(gantry).queue("default", 8).handler("page", Map.class, (args, ctx) -> {
      if ((int) args.get("i") % 5 == 0) {
        return null;
      }
      throw new NotYet();
    }).start()) {
      for (int i = 0; i < 250; i += 5) {
        awaitFinished(gantry, enqueued.get(i));
      }
    }

    List<UUID> walked = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    JobFilter filter = JobFilter.all().withLimit(100);
    JobPage page;
    do {
      page = gantry.jobs(filter);
      pageSizes.add(page.jobs().size());
      page.jobs().forEach(j -> walked.add(j.id()));
      filter = filter.withAfter(page.nextCursor());
    } while (page.nextCursor() != null);

    assertThat(pageSizes).containsExactly(100, 100, 50);
    assertThat(walked).doesNotHaveDuplicates().hasSize(250);
    List<UUID> newestFirst = new ArrayList<>(enqueued);
    java.util.Collections.reverse(newestFirst);
    assertThat(walked).containsExactlyElementsOf(newestFirst);

    // A filtered walk, with a page size that divides the total exactly.
    List<UUID> even = new ArrayList<>();
    JobFilter evenFilter = JobFilter.all().withTag("even").withLimit(25);
    int pages = 0;
    do {
      page = gantry.jobs(evenFilter);
      pages++;
      page.jobs().forEach(j -> even.add(j.id()));
      evenFilter = evenFilter.withAfter(page.nextCursor());
    } while (page.nextCursor() != null);
    assertThat(pages).isEqualTo(5);
    assertThat(even).hasSize(125).doesNotHaveDuplicates();
    assertThat(even).containsExactlyElementsOf(newestFirst.stream().filter(id -> enqueued.indexOf(id) % 2 == 0).toList());
  }

  @Test
  void paginationIsStableWhileJobsAreAdded() {
    List<UUID> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      first.add(gantry.enqueue("page", Map.of("i", i)).id());
    }
    JobPage page1 = gantry.jobs(JobFilter.all().withLimit(10));
    // New jobs arrive between page reads; they are newer than the cursor and do not shift later pages.
    for (int i = 0; i < 15; i++) {
      gantry.enqueue("page", Map.of("late", i));
    }
    List<UUID> rest = new ArrayList<>();
    JobFilter next = JobFilter.all().withLimit(10).withAfter(page1.nextCursor());
    JobPage page;
    do {
      page = gantry.jobs(next);
      page.jobs().forEach(j -> rest.add(j.id()));
      next = next.withAfter(page.nextCursor());
    } while (page.nextCursor() != null);

    List<UUID> walked = new ArrayList<>(page1.jobs().stream().map(Job::id).toList());
    walked.addAll(rest);
    List<UUID> expected = new ArrayList<>(first);
    java.util.Collections.reverse(expected);
    assertThat(walked).containsExactlyElementsOf(expected);
  }

  /** A handler exception the page test uses to leave jobs unfinished (retryable). */
  static final class NotYet extends RuntimeException {}

  @Test
  void jobFilterLimitIsValidated() {
    assertThatThrownBy(() -> JobFilter.all().withLimit(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> JobFilter.all().withLimit(1001)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
  }

  // ---- counts ----

  @Test
  void queueCountsCoverLiveAndFinishedStates() throws Exception {
    gantry.enqueueAll(List.of(
        JobRequest.of("ok", null, JobOptions.defaults().withQueue("a")),
        JobRequest.of("ok", null, JobOptions.defaults().withQueue("a")),
        JobRequest.of("ok", null, JobOptions.defaults().withQueue("a")),
        JobRequest.of("bad", null, JobOptions.defaults().withQueue("a")),
        JobRequest.of("stop", null, JobOptions.defaults().withQueue("a")),
        JobRequest.of("later", null, JobOptions.defaults().withQueue("b").withDelay(Duration.ofHours(1))),
        JobRequest.of("later", null, JobOptions.defaults().withQueue("b").withDelay(Duration.ofHours(1))),
        JobRequest.of("waiting", null, JobOptions.defaults().withQueue("b"))));
    UUID cancelledEarly = gantry.enqueue("waiting", null, JobOptions.defaults().withQueue("b")).id();
    gantry.cancel(cancelledEarly);

    try (Worker w = fast(gantry).queue("a", 4)
        .handler("ok", Map.class, (args, ctx) -> null)
        .handler("bad", Map.class, (args, ctx) -> {
          throw new PermanentFailure("x");
        })
        .handler("stop", Map.class, (args, ctx) -> {
          throw new CancelJob("y");
        }).start()) {
      await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs WHERE queue = 'a'") == 0);
    }

    assertThat(gantry.queueCounts()).containsExactlyInAnyOrder(
        new QueueCount("a", JobState.COMPLETED, 3),
        new QueueCount("a", JobState.DEAD, 1),
        new QueueCount("a", JobState.CANCELLED, 1),
        new QueueCount("b", JobState.SCHEDULED, 2),
        new QueueCount("b", JobState.AVAILABLE, 1),
        new QueueCount("b", JobState.CANCELLED, 1));

    // the finished counts follow deletes
    UUID anyCompleted = gantry.jobs(JobFilter.all().withQueue("a").withState(JobState.COMPLETED)).jobs().get(0).id();
    gantry.delete(anyCompleted);
    gantry.delete(cancelledEarly);
    assertThat(gantry.queueCounts()).contains(new QueueCount("a", JobState.COMPLETED, 2))
        .noneMatch(c -> c.queue().equals("b") && c.state() == JobState.CANCELLED);
  }

  @Test
  void queueCountsOfAnEmptySchemaAreEmpty() {
    assertThat(gantry.queueCounts()).isEmpty();
  }

  // ---- retry ----

  @Test
  void operatorRetryOfDeadAndCancelledJobsRunsThemAgainKeepingTheirErrors() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 2).handler("fragile", Map.class, (args, ctx) -> {
      if (calls.incrementAndGet() == 1) {
        throw new PermanentFailure("first run broke");
      }
      return "fixed";
    }).start()) {
      UUID dead = gantry.enqueue("fragile", null, JobOptions.defaults().withMaxAttempts(3)).id();
      assertThat(awaitFinished(gantry, dead).state()).isEqualTo(JobState.DEAD);

      gantry.retry(dead);
      Job retried = awaitFinished(gantry, dead);
      assertThat(retried.state()).isEqualTo(JobState.COMPLETED);
      assertThat(retried.result().asText()).isEqualTo("fixed");
      assertThat(retried.attempt()).isEqualTo(1); // attempts start over
      assertThat(retried.maxAttempts()).isEqualTo(3);
      assertThat(retried.errors()).extracting(JobError::message).containsExactly("first run broke");

      UUID cancelled = gantry.enqueue("fragile", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      gantry.cancel(cancelled);
      gantry.retry(cancelled);
      Job ran = awaitFinished(gantry, cancelled);
      assertThat(ran.state()).isEqualTo(JobState.COMPLETED);
      assertThat(ran.attempt()).isEqualTo(1);
    }
  }

  @Test
  void operatorRetryOfACompletedJobRunsItAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("again", Map.class, (args, ctx) -> calls.incrementAndGet()).start()) {
      UUID id = gantry.enqueue("again", null).id();
      assertThat(awaitFinished(gantry, id).result().asInt()).isEqualTo(1);

      gantry.retry(id);
      Job again = awaitFinished(gantry, id);
      assertThat(again.state()).isEqualTo(JobState.COMPLETED);
      assertThat(again.result().asInt()).isEqualTo(2);
      assertThat(calls.get()).isEqualTo(2);
    }
  }

  @Test
  void operatorRetryOfAWaitingJobRunsItNow() throws Exception {
    // Slow polling: the retried job has to wake the worker.
    try (Worker w = fast(gantry).pollInterval(Duration.ofMinutes(1)).queue("default", 1)
        .handler("later", Map.class, (args, ctx) -> "ran").start()) {
      UUID id = gantry.enqueue("later", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      assertThat(job(gantry, id).state()).isEqualTo(JobState.SCHEDULED);

      gantry.retry(id);

      // read by polling (awaitCompletion would also touch the row)
      Job done = await("the retried job to run without waiting for the 1 minute poll").atMost(Duration.ofSeconds(10))
          .until(() -> job(gantry, id), j -> j.state() == JobState.COMPLETED);
      assertThat(done.attemptedAt()).isBefore(done.createdAt().plus(Duration.ofHours(1)));
      assertThat(done.attempt()).isEqualTo(1);
    }
  }

  @Test
  void retryIsRefusedForRunningAndAvailableJobsAndUnknownIds() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 1).handler("hold", Map.class, (args, ctx) -> {
      started.countDown();
      release.await();
      return null;
    }).start()) {
      UUID running = gantry.enqueue("hold", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      UUID available = gantry.enqueue("hold", null).id(); // the only slot is busy

      assertThatThrownBy(() -> gantry.retry(running)).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
      assertThatThrownBy(() -> gantry.retry(available)).isInstanceOf(IllegalStateException.class).hasMessageContaining("available");
      assertThatThrownBy(() -> gantry.retry(UNKNOWN)).isInstanceOf(JobNotFoundException.class);
      assertThat(job(gantry, running).state()).isEqualTo(JobState.RUNNING);
      release.countDown();
      awaitFinished(gantry, running);
      awaitFinished(gantry, available);
    }
  }

  @Test
  void retryIsRefusedWhileAnotherUnfinishedJobHoldsTheSameUniqueKey() {
    UUID first = gantry.enqueue("k", null, JobOptions.defaults().withUniqueKey("only-one")).id();
    gantry.cancel(first);
    EnqueueResult second = gantry.enqueue("k", null, JobOptions.defaults().withUniqueKey("only-one"));
    assertThat(second.duplicate()).isFalse();

    assertThatThrownBy(() -> gantry.retry(first)).isInstanceOf(GantryException.class).hasMessageContaining("unique key");
    assertThat(job(gantry, first).state()).isEqualTo(JobState.CANCELLED);
    assertThat(job(gantry, second.id()).state()).isEqualTo(JobState.AVAILABLE);
  }

  // ---- delete ----

  @Test
  void deleteRemovesNonRunningJobsAndRefusesRunningOnes() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 1)
        .handler("hold", Map.class, (args, ctx) -> {
          started.countDown();
          release.await();
          return null;
        }).start()) {
      UUID running = gantry.enqueue("hold", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      UUID waiting = gantry.enqueue("hold", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      UUID queued = gantry.enqueue("hold", null, JobOptions.defaults().withQueue("elsewhere")).id();

      assertThatThrownBy(() -> gantry.delete(running)).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
      assertThat(job(gantry, running).state()).isEqualTo(JobState.RUNNING);

      gantry.delete(waiting);
      gantry.delete(queued);
      assertThat(gantry.job(waiting)).isEmpty();
      assertThat(gantry.job(queued)).isEmpty();

      release.countDown();
      awaitFinished(gantry, running);
      gantry.delete(running);
      assertThat(gantry.job(running)).isEmpty();
      assertThat(gantry.queueCounts()).isEmpty();
    }
    assertThatThrownBy(() -> gantry.delete(UNKNOWN)).isInstanceOf(JobNotFoundException.class);
  }

  private List<UUID> ids(JobFilter filter) {
    JobPage page = gantry.jobs(filter);
    Set<UUID> seen = new HashSet<>();
    page.jobs().forEach(j -> assertThat(seen.add(j.id())).isTrue());
    return page.jobs().stream().map(Job::id).toList();
  }
}
