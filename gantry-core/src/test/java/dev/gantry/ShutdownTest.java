package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.EventRecorder;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
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

class ShutdownTest {
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
  void jobStillRunningAfterTheShutdownTimeoutIsGivenBackAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    // A long lease: had the job to wait for it to expire, it would sit for a minute.
    Worker first = fast(gantry).leaseDuration(Duration.ofMinutes(1)).heartbeatInterval(Duration.ofSeconds(20))
        .shutdownTimeout(Duration.ofMillis(300)).queue("default", 1)
        .handler("long", Map.class, (args, ctx) -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return "first";
        }).start();
    UUID id = gantry.enqueue("long", null).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.inFlightCount()).isEqualTo(1);

    first.close();

    Job released = job(gantry, id);
    assertThat(released.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(released.attempt()).isZero(); // the interrupted attempt is not counted
    assertThat(released.errors()).isEmpty();
    assertThat(released.leaseExpiresAt()).isNull();
    assertThat(first.inFlightCount()).isZero();
    assertThat(interrupted).isTrue();
    // (Enqueued fires on the enqueuing thread and may come after Started; Released is last.)
    assertThat(events.forJob(id)).extracting(e -> e.getClass().getSimpleName())
        .containsExactlyInAnyOrder("Enqueued", "Started", "Released")
        .last().isEqualTo("Released");

    try (Worker second = fast(gantry).queue("default", 1).handler("long", Map.class, (args, ctx) -> "second").start()) {
      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result().asText()).isEqualTo("second");
      assertThat(done.attempt()).isEqualTo(1);
    }
  }

  @Test
  void jobThatFinishesWithinTheShutdownTimeoutCompletesNormally() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Worker w = fast(gantry).shutdownTimeout(Duration.ofSeconds(20)).queue("default", 2)
        .handler("work", Map.class, (args, ctx) -> {
          started.countDown();
          // the job's own work: about 700 ms, ending by itself
          boolean stopped = new CountDownLatch(1).await(700, TimeUnit.MILLISECONDS);
          return stopped ? "stopped" : "finished";
        }).start();
    UUID id = gantry.enqueue("work", null).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    w.close(); // waits for the job, and writes its outcome before returning

    Job done = job(gantry, id);
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.result().asText()).isEqualTo("finished");
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(events.of(JobEvent.Released.class)).isEmpty();
  }

  @Test
  void releasedJobKeepsTheAttemptsItAlreadyUsed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch secondAttempt = new CountDownLatch(1);
    Worker w = fast(gantry).shutdownTimeout(Duration.ofMillis(200)).queue("default", 1)
        .handler("twice", Map.class, (args, ctx) -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
          secondAttempt.countDown();
          new CountDownLatch(1).await();
          return null;
        }, HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(Duration.ZERO, Duration.ZERO, 0, 5))).start();
    UUID id = gantry.enqueue("twice", null).id();
    assertThat(secondAttempt.await(10, TimeUnit.SECONDS)).isTrue();

    w.close();

    Job released = job(gantry, id);
    assertThat(released.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(released.attempt()).isEqualTo(1); // the failed first attempt still counts, the released one does not
    assertThat(released.errors()).hasSize(1);
  }

  @Test
  void handlerThatIgnoresTheInterruptDoesNotOverrideTheRelease() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch letItReturn = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    Worker stubborn = fast(gantry).shutdownTimeout(Duration.ofMillis(200)).queue("default", 1)
        .handler("stubborn", Map.class, (args, ctx) -> {
          started.countDown();
          try {
            while (true) {
              try {
                letItReturn.await();
                return "late result";
              } catch (InterruptedException ignored) {
                // keeps going regardless
              }
            }
          } finally {
            returned.countDown();
          }
        }).start();
    UUID id = gantry.enqueue("stubborn", null).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    stubborn.close();
    assertThat(job(gantry, id).state()).isEqualTo(JobState.AVAILABLE);

    letItReturn.countDown();
    assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(job(gantry, id).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job(gantry, id).result()).isNull();

    try (Worker next = fast(gantry).queue("default", 1).handler("stubborn", Map.class, (args, ctx) -> "proper result").start()) {
      Job done = awaitFinished(gantry, id);
      assertThat(done.result().asText()).isEqualTo("proper result");
      assertThat(done.attempt()).isEqualTo(1);
    }
  }

  /** A result that takes about a second to serialise, and says when that starts. */
  public static final class SlowToSerialise {
    private final CountDownLatch serialising;

    SlowToSerialise(CountDownLatch serialising) {
      this.serialising = serialising;
    }

    public String getValue() throws InterruptedException {
      serialising.countDown();
      new CountDownLatch(1).await(1, TimeUnit.SECONDS);
      return "serialised";
    }
  }

  @Test
  void outcomeStillBeingHandedOverWhenCloseBeginsIsWrittenBeforeCloseReturns() throws Exception {
    CountDownLatch serialising = new CountDownLatch(1);
    Worker w = fast(gantry).shutdownTimeout(Duration.ofSeconds(10)).queue("default", 1)
        .handler("big-result", Map.class, (args, ctx) -> new SlowToSerialise(serialising)).start();
    UUID id = gantry.enqueue("big-result", null).id();
    // The handler has returned and its attempt is settled; its result is being turned into JSON.
    assertThat(serialising.await(10, TimeUnit.SECONDS)).isTrue();

    w.close();

    Job done = job(gantry, id);
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.result().get("value").asText()).isEqualTo("serialised");
  }

  @Test
  void closedWorkerClaimsNothingAndClosingTwiceIsHarmless() throws Exception {
    Worker w = fast(gantry).queue("default", 1).handler("x", Map.class, (args, ctx) -> null).start();
    UUID before = gantry.enqueue("x", null).id();
    awaitFinished(gantry, before);
    w.close();
    w.close();

    UUID after = gantry.enqueue("x", null).id();
    // Another worker on a different queue proves time passes with claims going on; the closed one took nothing.
    try (Worker other = fast(gantry).queue("elsewhere", 1).handler("x", Map.class, (args, ctx) -> null).start()) {
      UUID probe = gantry.enqueue("x", null, dev.gantry.enqueue.JobOptions.defaults().withQueue("elsewhere")).id();
      awaitFinished(gantry, probe);
    }
    assertThat(job(gantry, after).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(w.inFlightCount()).isZero();
  }
}
