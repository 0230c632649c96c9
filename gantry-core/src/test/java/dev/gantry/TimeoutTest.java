package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.JobTimeoutException;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  /** Never released: a handler waiting on it blocks until interrupted. */
  private final CountDownLatch never = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private static HandlerOptions quickRetries(int attempts) {
    return HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(50), 0, attempts));
  }

  @Test
  void handlerPastItsTimeoutIsInterruptedAndTheAttemptFails() throws Exception {
    AtomicInteger interrupted = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("slow", Map.class, (args, ctx) -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return null;
    }, quickRetries(5)).start()) {
      UUID id = gantry.enqueue("slow", null, JobOptions.defaults().withTimeout(Duration.ofMillis(300)).withMaxAttempts(2)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.attempt()).isEqualTo(2);
      assertThat(dead.errors()).extracting(JobError::attempt).containsExactly(1, 2);
      assertThat(dead.errors()).extracting(JobError::errorClass).containsOnly(JobTimeoutException.class.getName());
      assertThat(dead.errors().get(0).message()).contains("PT0.3S");
      assertThat(interrupted.get()).isEqualTo(2);
    }
  }

  @Test
  void timedOutAttemptIsRetriedAndCanThenSucceed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("sometimes-slow", Map.class, (args, ctx) -> {
      if (calls.incrementAndGet() == 1) {
        never.await();
      }
      return "fast enough";
    }, quickRetries(3)).start()) {
      UUID id = gantry.enqueue("sometimes-slow", null, JobOptions.defaults().withTimeout(Duration.ofMillis(300))).id();
      Job done = awaitFinished(gantry, id);

      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.result().asText()).isEqualTo("fast enough");
      assertThat(done.errors()).singleElement().satisfies(e -> {
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.errorClass()).isEqualTo(JobTimeoutException.class.getName());
      });
    }
  }

  @Test
  void handlerThatIgnoresInterruptsSeesIsCancelled() throws Exception {
    AtomicBoolean sawCancelled = new AtomicBoolean();
    CountDownLatch returned = new CountDownLatch(1);
    try (Worker w = fast(gantry).queue("default", 1).handler("busy", Map.class, (args, ctx) -> {
      try {
        while (!ctx.isCancelled()) {
          Thread.onSpinWait();
        }
        sawCancelled.set(true);
        return "ignored";
      } finally {
        returned.countDown();
      }
    }).start()) {
      UUID id = gantry.enqueue("busy", null, JobOptions.defaults().withTimeout(Duration.ofMillis(300)).withMaxAttempts(1)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.result()).isNull();
      assertThat(dead.errors()).singleElement().satisfies(e -> assertThat(e.errorClass()).isEqualTo(JobTimeoutException.class.getName()));
      assertThat(returned.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(sawCancelled).isTrue();
    }
  }

  @Test
  void timeoutComesFromTheJobThenTheKindThenTheWorker() throws Exception {
    try (Worker w = fast(gantry).defaultTimeout(Duration.ofMillis(400)).queue("default", 4)
        .handler("kind-timeout", Map.class, (args, ctx) -> {
          never.await();
          return null;
        }, HandlerOptions.defaults().withTimeout(Duration.ofMillis(300)))
        .handler("kind-long", Map.class, (args, ctx) -> {
          never.await();
          return null;
        }, HandlerOptions.defaults().withTimeout(Duration.ofMinutes(10)))
        .handler("worker-timeout", Map.class, (args, ctx) -> {
          never.await();
          return null;
        })
        .handler("quick", Map.class, (args, ctx) -> "done")
        .start()) {
      UUID byKind = gantry.enqueue("kind-timeout", null, JobOptions.defaults().withMaxAttempts(1)).id();
      UUID byJob = gantry.enqueue("kind-long", null, JobOptions.defaults().withMaxAttempts(1).withTimeout(Duration.ofMillis(200))).id();
      UUID byWorker = gantry.enqueue("worker-timeout", null, JobOptions.defaults().withMaxAttempts(1)).id();
      UUID quick = gantry.enqueue("quick", null, JobOptions.defaults().withTimeout(Duration.ofSeconds(30))).id();

      assertThat(awaitFinished(gantry, byKind).errors()).singleElement()
          .satisfies(e -> assertThat(e.message()).contains("PT0.3S"));
      assertThat(awaitFinished(gantry, byJob).errors()).singleElement()
          .satisfies(e -> assertThat(e.message()).contains("PT0.2S"));
      assertThat(awaitFinished(gantry, byWorker).errors()).singleElement()
          .satisfies(e -> assertThat(e.message()).contains("PT0.4S"));
      Job q = awaitFinished(gantry, quick);
      assertThat(q.state()).isEqualTo(JobState.COMPLETED);
      assertThat(q.errors()).isEmpty();
    }
  }

  @Test
  void invalidTimeoutsAreRejected() {
    assertThatThrownBy(() -> HandlerOptions.defaults().withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> gantry.worker().defaultTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultTimeout");
  }
}
