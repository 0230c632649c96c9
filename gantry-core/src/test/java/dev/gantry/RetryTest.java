package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.EventRecorder;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.RetryPolicy;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryTest {
  record Fixed(Duration delay, int maxAttempts, List<Integer> asked) implements RetryPolicy {
    Fixed(Duration delay, int maxAttempts) {
      this(delay, maxAttempts, new CopyOnWriteArrayList<>());
    }

    @Override
    public Duration backoff(int attempt) {
      asked.add(attempt);
      return delay;
    }
  }

  private final TestDatabase db = TestDatabase.get();
  private final EventRecorder events = new EventRecorder();
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = Gantry.builder(db.dataSource()).schema(db.newSchema()).listener(events).build();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  @Test
  void failuresAreRetriedUntilThePolicysAttemptsRunOutKeepingEveryError() throws Exception {
    Fixed policy = new Fixed(Duration.ofMillis(100), 3);
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("flaky", Map.class, (args, ctx) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("boom on attempt " + ctx.attempt());
    }, HandlerOptions.defaults().withRetryPolicy(policy)).start()) {
      UUID id = gantry.enqueue("flaky", null).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.attempt()).isEqualTo(3);
      assertThat(calls.get()).isEqualTo(3);
      assertThat(policy.asked()).containsExactly(1, 2);
      List<JobError> errors = dead.errors();
      assertThat(errors).extracting(JobError::attempt).containsExactly(1, 2, 3);
      assertThat(errors).extracting(JobError::errorClass).containsOnly(IllegalStateException.class.getName());
      assertThat(errors).extracting(JobError::message)
          .containsExactly("boom on attempt 1", "boom on attempt 2", "boom on attempt 3");
      for (JobError e : errors) {
        assertThat(e.stackTrace())
            .startsWith("java.lang.IllegalStateException: boom on attempt " + e.attempt())
            .contains(RetryTest.class.getName());
      }
      // Each retry waited its backoff: a failure is at least 100 ms after the previous one.
      for (int i = 1; i < errors.size(); i++) {
        assertThat(errors.get(i).at()).isAfterOrEqualTo(errors.get(i - 1).at().plusMillis(100));
      }
    }
  }

  @Test
  void failedAttemptWaitsAsRetryableForItsBackoffByTheDatabaseClock() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("once-flaky", Map.class, (args, ctx) -> {
      if (calls.incrementAndGet() == 1) {
        throw new RuntimeException("transient");
      }
      return "recovered";
    }, HandlerOptions.defaults().withRetryPolicy(new Fixed(Duration.ofMillis(800), 5))).start()) {
      UUID id = gantry.enqueue("once-flaky", null).id();

      Job waiting = awaitState(gantry, id, JobState.RETRYABLE);
      assertThat(waiting.attempt()).isEqualTo(1);
      assertThat(waiting.errors()).hasSize(1);
      assertThat(waiting.scheduledAt()).isEqualTo(waiting.errors().get(0).at().plusMillis(800));
      assertThat(waiting.leaseExpiresAt()).isNull();

      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result().asText()).isEqualTo("recovered");
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.attemptedAt()).isAfterOrEqualTo(waiting.scheduledAt());
      // the failure of the first attempt stays on the completed job
      assertThat(done.errors()).extracting(JobError::message).containsExactly("transient");
      JobEvent.Failed failed = events.awaitEvent(JobEvent.Failed.class, id);
      assertThat(failed.retryIn()).isEqualTo(Duration.ofMillis(800));
      assertThat(failed.attempt()).isEqualTo(1);
      assertThat(failed.error()).contains("transient");
    }
  }

  @Test
  void jobsOwnMaxAttemptsOverridesThePolicy() throws Exception {
    AtomicInteger fewerCalls = new AtomicInteger();
    AtomicInteger moreCalls = new AtomicInteger();
    Fixed policy = new Fixed(Duration.ofMillis(20), 3);
    try (Worker w = fast(gantry).queue("default", 2)
        .handler("fewer", Map.class, (args, ctx) -> {
          fewerCalls.incrementAndGet();
          throw new RuntimeException("x");
        }, HandlerOptions.defaults().withRetryPolicy(policy))
        .handler("more", Map.class, (args, ctx) -> {
          moreCalls.incrementAndGet();
          throw new RuntimeException("y");
        }, HandlerOptions.defaults().withRetryPolicy(policy))
        .start()) {
      UUID fewer = gantry.enqueue("fewer", null, JobOptions.defaults().withMaxAttempts(1)).id();
      UUID more = gantry.enqueue("more", null, JobOptions.defaults().withMaxAttempts(5)).id();

      Job f = awaitFinished(gantry, fewer);
      Job m = awaitFinished(gantry, more);
      assertThat(f.state()).isEqualTo(JobState.DEAD);
      assertThat(f.attempt()).isEqualTo(1);
      assertThat(f.errors()).hasSize(1);
      assertThat(fewerCalls.get()).isEqualTo(1);
      assertThat(m.state()).isEqualTo(JobState.DEAD);
      assertThat(m.attempt()).isEqualTo(5);
      assertThat(m.errors()).extracting(JobError::attempt).containsExactly(1, 2, 3, 4, 5);
      assertThat(moreCalls.get()).isEqualTo(5);
    }
  }

  @Test
  void kindWithoutOptionsUsesTheDefaultBackoff() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("plain", Map.class, (args, ctx) -> {
      throw new RuntimeException("nope");
    }).start()) {
      UUID id = gantry.enqueue("plain", null).id();
      Job waiting = awaitState(gantry, id, JobState.RETRYABLE);

      // DEFAULT: 1 s after the first failure, +-20 %
      Duration wait = Duration.between(waiting.errors().get(0).at(), waiting.scheduledAt());
      assertThat(wait).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
      JobEvent.Failed failed = events.awaitEvent(JobEvent.Failed.class, id);
      assertThat(failed.retryIn()).isEqualTo(wait);
      gantry.cancel(id);
    }
  }

  @Test
  void exponentialBackoffDoublesUpToItsMaximum() {
    ExponentialBackoff exact = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0, 10);
    assertThat(List.of(exact.backoff(1), exact.backoff(2), exact.backoff(3), exact.backoff(4), exact.backoff(5), exact.backoff(60)))
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
            Duration.ofSeconds(1), Duration.ofSeconds(1));

    ExponentialBackoff jittered = new ExponentialBackoff(Duration.ofSeconds(10), Duration.ofHours(1), 0.2, 10);
    for (int i = 0; i < 200; i++) {
      assertThat(jittered.backoff(2)).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(24));
    }
    assertThat(ExponentialBackoff.DEFAULT.maxAttempts()).isEqualTo(20);

    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base");
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
  }
}
