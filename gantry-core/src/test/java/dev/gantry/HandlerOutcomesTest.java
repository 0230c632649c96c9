package dev.gantry;

import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.CancelJob;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.SnoozeJob;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HandlerOutcomesTest {
  record Receipt(String order, int total, List<String> lines) {}

  record Req(String order) {}

  record Typed(int number) {}

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

  private static HandlerOptions quickRetries(int attempts) {
    return HandlerOptions.defaults().withRetryPolicy(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(50), 0, attempts));
  }

  @Test
  void returnValueIsStoredAsJsonResult() throws Exception {
    try (Worker w = fast(gantry).queue("default", 4)
        .handler("receipt", Req.class, (args, ctx) -> new Receipt(args.order(), 42, List.of("tea", "cake")))
        .handler("text", Req.class, (args, ctx) -> "hello " + args.order())
        .handler("nothing", Req.class, (args, ctx) -> null)
        .start()) {
      UUID receipt = gantry.enqueue("receipt", new Req("A-1")).id();
      UUID text = gantry.enqueue("text", new Req("B-2")).id();
      UUID nothing = gantry.enqueue("nothing", new Req("C-3")).id();

      Job r = awaitFinished(gantry, receipt);
      assertThat(r.state()).isEqualTo(JobState.COMPLETED);
      assertThat(r.result().get("order").asText()).isEqualTo("A-1");
      assertThat(r.result().get("total").asInt()).isEqualTo(42);
      assertThat(gantry.mapper().treeToValue(r.result(), Receipt.class)).isEqualTo(new Receipt("A-1", 42, List.of("tea", "cake")));
      assertThat(r.attempt()).isEqualTo(1);
      assertThat(r.errors()).isEmpty();
      assertThat(r.finishedAt()).isNotNull();

      Job t = awaitFinished(gantry, text);
      assertThat(t.result().isTextual()).isTrue();
      assertThat(t.result().asText()).isEqualTo("hello B-2");

      Job n = awaitFinished(gantry, nothing);
      assertThat(n.state()).isEqualTo(JobState.COMPLETED);
      assertThat(n.result()).isNull();
    }
  }

  @Test
  void contextDescribesTheRunningJob() throws Exception {
    Map<String, JobContext> seen = new ConcurrentHashMap<>();
    Map<String, Integer> maxAttempts = new ConcurrentHashMap<>();
    try (Worker w = fast(gantry).queue("reports", 2)
        .handler("ctx", Req.class, (args, ctx) -> {
          seen.put(args.order(), ctx);
          maxAttempts.put(args.order(), ctx.maxAttempts());
          return null;
        })
        .handler("ctx.policy", Req.class, (args, ctx) -> {
          maxAttempts.put(args.order(), ctx.maxAttempts());
          return null;
        }, quickRetries(7))
        .start()) {
      UUID own = gantry.enqueue("ctx", new Req("own"),
          JobOptions.defaults().withQueue("reports").withMaxAttempts(4).withMetadata(Map.of("tenant", "acme"))).id();
      UUID byDefault = gantry.enqueue("ctx", new Req("default"), JobOptions.defaults().withQueue("reports")).id();
      UUID byPolicy = gantry.enqueue("ctx.policy", new Req("policy"), JobOptions.defaults().withQueue("reports")).id();
      awaitFinished(gantry, own);
      awaitFinished(gantry, byDefault);
      awaitFinished(gantry, byPolicy);

      JobContext ctx = seen.get("own");
      assertThat(ctx.jobId()).isEqualTo(own);
      assertThat(ctx.kind()).isEqualTo("ctx");
      assertThat(ctx.queue()).isEqualTo("reports");
      assertThat(ctx.attempt()).isEqualTo(1);
      assertThat(ctx.metadata().get("tenant").asText()).isEqualTo("acme");
      assertThat(ctx.logger().getName()).contains("ctx");
      assertThat(maxAttempts).containsEntry("own", 4)
          .containsEntry("default", ExponentialBackoff.DEFAULT.maxAttempts())
          .containsEntry("policy", 7);
    }
  }

  @Test
  void snoozeReschedulesWithoutUsingUpAnAttempt() throws Exception {
    List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Job> whileSnoozed = new AtomicReference<>();
    try (Worker w = fast(gantry).queue("default", 1).handler("poll", Req.class, (args, ctx) -> {
      attemptsSeen.add(ctx.attempt());
      if (calls.incrementAndGet() <= 3) {
        throw new SnoozeJob(Duration.ofMillis(300));
      }
      return "ready";
    }, quickRetries(2)).start()) {
      UUID id = gantry.enqueue("poll", new Req("p")).id();

      Job snoozed = awaitState(gantry, id, JobState.SCHEDULED);
      whileSnoozed.set(snoozed);
      assertThat(snoozed.attempt()).isZero();
      assertThat(snoozed.errors()).isEmpty();
      assertThat(snoozed.scheduledAt()).isAfter(snoozed.attemptedAt().plusMillis(299));

      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result().asText()).isEqualTo("ready");
      // Three snoozes and a success, with two attempts allowed: the snoozes used none of them.
      assertThat(calls.get()).isEqualTo(4);
      assertThat(attemptsSeen).containsExactly(1, 1, 1, 1);
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(done.errors()).isEmpty();
      assertThat(done.attemptedAt()).isAfterOrEqualTo(done.scheduledAt());
    }
  }

  @Test
  void snoozeAfterAFailureKeepsTheFailedAttemptCounted() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    try (Worker w = fast(gantry).queue("default", 1).handler("mixed", Req.class, (args, ctx) -> {
      attemptsSeen.add(ctx.attempt());
      switch (calls.incrementAndGet()) {
        case 1 -> throw new IllegalStateException("first try fails");
        case 2 -> throw new SnoozeJob(Duration.ZERO);
        default -> {
          return "ok";
        }
      }
    }, quickRetries(3)).start()) {
      UUID id = gantry.enqueue("mixed", new Req("m")).id();
      Job done = awaitFinished(gantry, id);

      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(attemptsSeen).containsExactly(1, 2, 2);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.errors()).extracting(JobError::message).containsExactly("first try fails");
    }
  }

  @Test
  void permanentFailureIsDeadAtOnceWithTheErrorRecorded() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("charge", Req.class, (args, ctx) -> {
      calls.incrementAndGet();
      throw new PermanentFailure("card declined", new IllegalArgumentException("code 51"));
    }, quickRetries(5)).start()) {
      UUID id = gantry.enqueue("charge", new Req("c"), JobOptions.defaults().withMaxAttempts(5)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.attempt()).isEqualTo(1);
      assertThat(calls.get()).isEqualTo(1);
      assertThat(dead.errors()).hasSize(1);
      JobError e = dead.errors().get(0);
      assertThat(e.attempt()).isEqualTo(1);
      assertThat(e.errorClass()).isEqualTo(PermanentFailure.class.getName());
      assertThat(e.message()).isEqualTo("card declined");
      assertThat(e.stackTrace()).contains("card declined").contains("Caused by: java.lang.IllegalArgumentException: code 51");
      assertThat(e.at()).isNotNull();
      assertThat(dead.finishedAt()).isNotNull();
    }
  }

  @Test
  void cancelJobEndsCancelledWithTheReason() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("maybe", Req.class, (args, ctx) -> {
      throw new CancelJob("order " + args.order() + " was withdrawn");
    }).start()) {
      UUID id = gantry.enqueue("maybe", new Req("W-9")).id();
      Job job = awaitFinished(gantry, id);

      assertThat(job.state()).isEqualTo(JobState.CANCELLED);
      assertThat(job.attempt()).isEqualTo(1);
      assertThat(job.errors()).singleElement().satisfies(e -> {
        assertThat(e.errorClass()).isEqualTo(CancelJob.class.getName());
        assertThat(e.message()).isEqualTo("order W-9 was withdrawn");
      });
    }
  }

  @Test
  void errorsThrownByTheHandlerAreFailuresToo() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("assert", Req.class, (args, ctx) -> {
      throw new AssertionError("invariant broken");
    }).start()) {
      UUID id = gantry.enqueue("assert", new Req("a"), JobOptions.defaults().withMaxAttempts(1)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.errors()).singleElement().satisfies(e -> {
        assertThat(e.errorClass()).isEqualTo("java.lang.AssertionError");
        assertThat(e.message()).isEqualTo("invariant broken");
      });
    }
  }

  @Test
  void jobWithoutAHandlerOnThisWorkerFails() throws Exception {
    try (Worker w = fast(gantry).workerId("node-a").queue("default", 1)
        .handler("known", Req.class, (args, ctx) -> null).start()) {
      UUID id = gantry.enqueue("unknown.kind", new Req("u"), JobOptions.defaults().withMaxAttempts(1)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.errors()).singleElement().satisfies(e -> {
        assertThat(e.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(e.message()).contains("no handler").contains("unknown.kind").contains("node-a");
      });
    }
  }

  @Test
  void aWorkerClaimingOnlyHandledKindsLeavesOtherKindsOfItsQueueToOthers() throws Exception {
    try (Worker w = fast(gantry).queue("default", 4).onlyHandledKinds()
        .handler("known", Req.class, (args, ctx) -> "done " + args.order()).start()) {
      // Ahead of the known kind in claim order, so a worker claiming every kind would take it first.
      UUID other = gantry.enqueue("remote.kind", new Req("r"), JobOptions.defaults().withPriority(-100)).id();
      UUID known = gantry.enqueue("known", new Req("k")).id();

      assertThat(awaitFinished(gantry, known).state()).isEqualTo(JobState.COMPLETED);
      Job left = gantry.job(other).orElseThrow();
      assertThat(left.state()).isEqualTo(JobState.AVAILABLE);
      assertThat(left.attempt()).isZero();
    }
  }

  @Test
  void onlyHandledKindsWithoutAHandlerIsRefused() {
    assertThatThrownBy(() -> fast(gantry).queue("default", 1).onlyHandledKinds().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs at least one handler");
  }

  @Test
  void argsThatDoNotFitTheHandlersTypeFailTheAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Worker w = fast(gantry).queue("default", 1).handler("typed", Typed.class, (args, ctx) -> {
      calls.incrementAndGet();
      return null;
    }).start()) {
      UUID id = gantry.enqueue("typed", Map.of("number", "not a number"), JobOptions.defaults().withMaxAttempts(1)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(calls.get()).isZero();
      assertThat(dead.errors()).singleElement().satisfies(e -> assertThat(e.errorClass()).contains("jackson"));
    }
  }

  @Test
  void resultThatCannotBeSerialisedFailsTheAttempt() throws Exception {
    try (Worker w = fast(gantry).queue("default", 1).handler("weird", Req.class, (args, ctx) -> new Object()).start()) {
      UUID id = gantry.enqueue("weird", new Req("w"), JobOptions.defaults().withMaxAttempts(1)).id();
      Job dead = awaitFinished(gantry, id);

      assertThat(dead.state()).isEqualTo(JobState.DEAD);
      assertThat(dead.result()).isNull();
      assertThat(dead.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("cannot be serialised"));
    }
  }
}
