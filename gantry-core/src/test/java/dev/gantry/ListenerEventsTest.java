package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.job.JobState;
import dev.gantry.testing.EventRecorder;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.CancelJob;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.SnoozeJob;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListenerEventsTest {
  private final TestDatabase db = TestDatabase.get();
  private final EventRecorder events = new EventRecorder();
  private final AtomicInteger listenerCalls = new AtomicInteger();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    // A listener that always throws comes first: it must not stop jobs or the other listeners.
    gantry = Gantry.builder(db.dataSource()).schema(db.newSchema())
        .listener(e -> {
          listenerCalls.incrementAndGet();
          throw new IllegalStateException("listener bug");
        })
        .listener(events)
        .build();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  /**
   * The job's events as simple names, its Enqueued event first. Enqueued fires on the enqueuing
   * thread after the insert committed, so a worker may already have fired Started: only the
   * events of the worker's own path are in a guaranteed order.
   */
  private List<String> namesOf(UUID id) {
    List<String> names = new java.util.ArrayList<>(events.forJob(id).stream().map(e -> e.getClass().getSimpleName()).toList());
    assertThat(names).containsOnlyOnce("Enqueued");
    names.remove("Enqueued");
    names.add(0, "Enqueued");
    return names;
  }

  private static HandlerOptions quickRetries(int attempts) {
    return HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(50), 0, attempts));
  }

  @Test
  void completedJobFiresEnqueuedStartedCompleted() throws Exception {
    try (Worker w = fast(gantry).queue("mail", 1).handler("mail.send", Map.class, (args, ctx) -> "sent").start()) {
      UUID id = gantry.enqueue("mail.send", null, JobOptions.defaults().withQueue("mail")).id();
      assertThat(awaitFinished(gantry, id).state()).isEqualTo(JobState.COMPLETED);
      events.awaitEvent(JobEvent.Completed.class, id);

      assertThat(namesOf(id)).containsExactly("Enqueued", "Started", "Completed");
      List<JobEvent> forJob = new java.util.ArrayList<>(events.forJob(id));
      forJob.sort(java.util.Comparator.comparing(e -> e instanceof JobEvent.Enqueued ? 0 : 1));
      assertThat(forJob).allSatisfy(e -> {
        assertThat(e.queue()).isEqualTo("mail");
        assertThat(e.kind()).isEqualTo("mail.send");
      });
      assertThat(((JobEvent.Enqueued) forJob.get(0)).duplicate()).isFalse();
      assertThat(((JobEvent.Started) forJob.get(1)).attempt()).isEqualTo(1);
      JobEvent.Completed completed = (JobEvent.Completed) forJob.get(2);
      assertThat(completed.attempt()).isEqualTo(1);
      assertThat(completed.runTime()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(listenerCalls.get()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void enqueuedEventsForBulkDuplicateAndTransactionalEnqueues() throws Exception {
    List<EnqueueResult> bulk = gantry.enqueueAll(List.of(
        JobRequest.of("a", null, JobOptions.defaults().withUniqueKey("k")),
        JobRequest.of("b", null, JobOptions.defaults().withQueue("other")),
        JobRequest.of("a", null, JobOptions.defaults().withUniqueKey("k"))));
    UUID tx;
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      tx = gantry.enqueue(c, "t", null, JobOptions.defaults()).id();
      // fired at insert, before the caller commits
      assertThat(events.of(JobEvent.Enqueued.class)).extracting(JobEvent::jobId).contains(tx);
      c.commit();
    }

    List<JobEvent.Enqueued> enqueued = events.of(JobEvent.Enqueued.class);
    assertThat(enqueued).extracting(JobEvent.Enqueued::jobId).containsExactly(bulk.get(0).id(), bulk.get(1).id(), bulk.get(0).id(), tx);
    assertThat(enqueued).extracting(JobEvent.Enqueued::duplicate).containsExactly(false, false, true, false);
    assertThat(enqueued).extracting(JobEvent::queue).containsExactly("default", "other", "default", "default");
    assertThat(enqueued).extracting(JobEvent::kind).containsExactly("a", "b", "a", "t");
  }

  @Test
  void failedThenDeadAfterTheLastAttempt() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("flaky", Map.class, (args, ctx) -> {
      throw new IllegalArgumentException("bad input " + ctx.attempt());
    }, quickRetries(3)).start()) {
      UUID id = gantry.enqueue("flaky", null).id();
      awaitFinished(gantry, id);
      events.awaitEvent(JobEvent.Dead.class, id);

      assertThat(namesOf(id)).containsExactly("Enqueued", "Started", "Failed", "Started", "Failed", "Started", "Dead");
      List<JobEvent.Failed> failed = events.of(JobEvent.Failed.class);
      assertThat(failed).extracting(JobEvent.Failed::attempt).containsExactly(1, 2);
      assertThat(failed).extracting(JobEvent.Failed::retryIn).containsOnly(Duration.ofMillis(50));
      assertThat(failed.get(0).error()).isEqualTo("java.lang.IllegalArgumentException: bad input 1");
      JobEvent.Dead dead = events.of(JobEvent.Dead.class).get(0);
      assertThat(dead.attempt()).isEqualTo(3);
      assertThat(dead.error()).contains("bad input 3");
      assertThat(dead.kind()).isEqualTo("flaky");
    }
  }

  @Test
  void permanentFailureIsDeadWithoutFailed() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("perm", Map.class, (args, ctx) -> {
      throw new PermanentFailure("gone");
    }).start()) {
      UUID id = gantry.enqueue("perm", null).id();
      awaitFinished(gantry, id);
      events.awaitEvent(JobEvent.Dead.class, id);
      assertThat(namesOf(id)).containsExactly("Enqueued", "Started", "Dead");
    }
  }

  @Test
  void cancelledBothByTheHandlerAndByAnOperator() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 2)
        .handler("refuse", Map.class, (args, ctx) -> {
          throw new CancelJob("not needed");
        })
        .handler("long", Map.class, (args, ctx) -> {
          started.countDown();
          new CountDownLatch(1).await();
          return null;
        }).start()) {
      UUID refused = gantry.enqueue("refuse", null).id();
      UUID running = gantry.enqueue("long", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      gantry.cancel(running);

      JobEvent.Cancelled byHandler = events.awaitEvent(JobEvent.Cancelled.class, refused);
      JobEvent.Cancelled byOperator = events.awaitEvent(JobEvent.Cancelled.class, running);
      assertThat(byHandler.attempt()).isEqualTo(1);
      assertThat(byHandler.kind()).isEqualTo("refuse");
      assertThat(byOperator.attempt()).isEqualTo(1);
      assertThat(byOperator.kind()).isEqualTo("long");
      assertThat(namesOf(running)).containsExactly("Enqueued", "Started", "Cancelled");
    }
  }

  @Test
  void cancellingAQueuedJobFiresCancelledFromTheCancellingInstance() {
    UUID id = gantry.enqueue("never-runs", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();

    gantry.cancel(id);

    JobEvent.Cancelled cancelled = events.awaitEvent(JobEvent.Cancelled.class, id);
    assertThat(cancelled.kind()).isEqualTo("never-runs");
    assertThat(cancelled.attempt()).isZero();
    assertThat(namesOf(id)).containsExactly("Enqueued", "Cancelled");
  }

  @Test
  void snoozedFiresWithItsDelay() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("nap", Map.class, (args, ctx) -> {
      if (calls.incrementAndGet() == 1) {
        throw new SnoozeJob(Duration.ofMillis(250));
      }
      return null;
    }).start()) {
      UUID id = gantry.enqueue("nap", null).id();
      awaitFinished(gantry, id);
      events.awaitEvent(JobEvent.Completed.class, id);

      assertThat(namesOf(id)).containsExactly("Enqueued", "Started", "Snoozed", "Started", "Completed");
      JobEvent.Snoozed snoozed = events.of(JobEvent.Snoozed.class).get(0);
      assertThat(snoozed.delay()).isEqualTo(Duration.ofMillis(250));
      assertThat(snoozed.kind()).isEqualTo("nap");
      assertThat(events.of(JobEvent.Started.class)).extracting(JobEvent.Started::attempt).containsExactly(1, 1);
    }
  }
}
