package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancellationTest {
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

  @Test
  void queuedJobIsCancelledAndNeverRuns() throws Exception {
    UUID queued = gantry.enqueue("work", null).id();
    UUID delayed = gantry.enqueue("work", null, JobOptions.defaults().withDelay(Duration.ofMillis(300))).id();

    assertThat(gantry.cancel(queued)).isEqualTo(CancelResult.CANCELLED);
    assertThat(gantry.cancel(delayed)).isEqualTo(CancelResult.CANCELLED);

    Job q = job(gantry, queued);
    assertThat(q.state()).isEqualTo(JobState.CANCELLED);
    assertThat(q.attempt()).isZero();
    assertThat(q.finishedAt()).isNotNull();
    assertThat(q.attemptedAt()).isNull();
    assertThat(job(gantry, delayed).state()).isEqualTo(JobState.CANCELLED);

    AtomicInteger runs = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 2).handler("work", Map.class, (args, ctx) -> runs.incrementAndGet()).start()) {
      UUID marker = gantry.enqueue("work", null, JobOptions.defaults().withDelay(Duration.ofMillis(400))).id();
      awaitFinished(gantry, marker); // past the cancelled delayed job's time, and polled several times
    }
    assertThat(runs.get()).isEqualTo(1);
    assertThat(job(gantry, queued).state()).isEqualTo(JobState.CANCELLED);
    assertThat(job(gantry, delayed).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void retryableJobCanBeCancelled() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("fails", Map.class, (args, ctx) -> {
      throw new IllegalStateException("not yet");
    }).start()) {
      UUID id = gantry.enqueue("fails", null).id();
      awaitState(gantry, id, JobState.RETRYABLE); // default backoff: about a second away

      assertThat(gantry.cancel(id)).isEqualTo(CancelResult.CANCELLED);
      Job cancelled = job(gantry, id);
      assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
      assertThat(cancelled.errors()).hasSize(1); // its failure history is kept
    }
  }

  @Test
  void runningJobOnThisNodeIsInterruptedAndEndsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    try (Worker w = fast(gantry).queue("default", 1).handler("long", Map.class, (args, ctx) -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
      return "never";
    }).start()) {
      UUID id = gantry.enqueue("long", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(gantry.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
      Job cancelled = awaitFinished(gantry, id);

      assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
      assertThat(cancelled.result()).isNull();
      assertThat(cancelled.attempt()).isEqualTo(1);
      assertThat(interrupted).isTrue();
    }
  }

  @Test
  void handlerThatSeesIsCancelledAndReturnsStillEndsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch checked = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 1).handler("polite", Map.class, (args, ctx) -> {
      started.countDown();
      while (!ctx.isCancelled()) {
        Thread.onSpinWait();
      }
      Thread.interrupted();
      checked.await(10, TimeUnit.SECONDS); // let the test look at the job while it is still running
      return "partial";
    }).start()) {
      UUID id = gantry.enqueue("polite", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(gantry.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
      Job flagged = job(gantry, id);
      assertThat(flagged.state()).isEqualTo(JobState.RUNNING);
      assertThat(flagged.cancelRequested()).isTrue();
      assertThat(gantry.cancel(id)).as("asking again").isEqualTo(CancelResult.CANCEL_REQUESTED);
      checked.countDown();

      Job cancelled = awaitFinished(gantry, id);
      assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
      assertThat(cancelled.result()).isNull();
    }
  }

  @Test
  void runningJobOnAnotherNodeIsCancelledThroughNotify() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    // Node A runs the job. Its heartbeat is far slower than the test's wait, so only the NOTIFY
    // on the control channel can tell it about the cancel in time.
    try (Gantry otherNode = Gantry.builder(db.dataSource()).schema(gantry.schema()).build();
        Worker w = fast(gantry).leaseDuration(Duration.ofMinutes(2)).heartbeatInterval(Duration.ofMinutes(1))
            .queue("default", 1).handler("long", Map.class, (args, ctx) -> {
              started.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return null;
            }).start()) {
      UUID id = gantry.enqueue("long", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      // Node B has no worker and never listened: it only writes the flag and sends the NOTIFY.
      assertThat(otherNode.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);

      Job cancelled = otherNode.awaitCompletion(id, WAIT).orElseThrow();
      assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
      assertThat(interrupted).isTrue();
      assertThat(Duration.between(cancelled.attemptedAt(), cancelled.finishedAt())).isLessThan(Duration.ofMinutes(1));
    }
  }

  @Test
  void finishedJobsAreAlreadyFinished() throws Exception {
    try (Worker w = fast(gantry).queue("default", 2)
        .handler("ok", Map.class, (args, ctx) -> "done")
        .handler("bad", Map.class, (args, ctx) -> {
          throw new PermanentFailure("no");
        }).start()) {
      UUID completed = gantry.enqueue("ok", null).id();
      UUID dead = gantry.enqueue("bad", null).id();
      awaitFinished(gantry, completed);
      awaitFinished(gantry, dead);
      UUID cancelled = gantry.enqueue("ok", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      gantry.cancel(cancelled);

      assertThat(gantry.cancel(completed)).isEqualTo(CancelResult.ALREADY_FINISHED);
      assertThat(gantry.cancel(dead)).isEqualTo(CancelResult.ALREADY_FINISHED);
      assertThat(gantry.cancel(cancelled)).isEqualTo(CancelResult.ALREADY_FINISHED);
      assertThat(job(gantry, completed).state()).isEqualTo(JobState.COMPLETED);
      assertThat(job(gantry, completed).result().asText()).isEqualTo("done");
      assertThat(job(gantry, dead).state()).isEqualTo(JobState.DEAD);
      assertThat(job(gantry, cancelled).state()).isEqualTo(JobState.CANCELLED);
    }
  }

  @Test
  void unknownJobIsNotFound() {
    UUID unknown = UUID.fromString("01890000-0000-7000-8000-000000000000");
    assertThatThrownBy(() -> gantry.cancel(unknown))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessageContaining(unknown.toString())
        .satisfies(e -> assertThat(((JobNotFoundException) e).id()).isEqualTo(unknown));
  }
}
