package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.LeaseLostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lost leases: a worker that stopped renewing its lease (cut off from the database, or its
 * heartbeat stalled) while its handler ran on. Once the job was rescued and run again, that
 * "zombie" attempt must not change the job, and its handler must learn it was cancelled.
 */
class LeaseTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<TestNode> nodes = new ArrayList<>();
  private String schema;

  /** What the zombie attempt's handler saw. */
  private final CountDownLatch zombieStarted = new CountDownLatch(1);
  private final CountDownLatch releaseZombie = new CountDownLatch(1);
  private final AtomicReference<JobContext> zombieContext = new AtomicReference<>();
  private final CountDownLatch zombieInterrupted = new CountDownLatch(1);
  private volatile boolean cancelledWhenInterrupted;

  @BeforeEach
  void setUp() {
    schema = TestDatabase.get().newSchema();
  }

  @AfterEach
  void tearDown() {
    releaseZombie.countDown();
    nodes.reversed().forEach(TestNode::close);
  }

  /** Attempt 1 blocks until released or interrupted, then returns {by: zombie}; later attempts return at once. */
  private Object work(TestNode node, JobContext ctx) throws InterruptedException {
    if (ctx.attempt() == 1) {
      zombieContext.set(ctx);
      zombieStarted.countDown();
      try {
        if (!releaseZombie.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        cancelledWhenInterrupted = ctx.isCancelled();
        zombieInterrupted.countDown();
        throw e;
      }
    }
    return Map.of("by", node.name(), "attempt", ctx.attempt());
  }

  private TestNode node(String name, int concurrency) {
    TestNode node = TestNode.create(schema, name, 5);
    nodes.add(node);
    return node.startWorker(b -> b.queue("default", concurrency)
        .handler("work", JsonNode.class, (args, ctx) -> work(node, ctx)));
  }

  private static void assertRescuedOnce(Job job, String lostWorker) {
    assertThat(job.errors()).singleElement().satisfies(e -> {
      assertThat(e.attempt()).isEqualTo(1);
      assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName());
      assertThat(e.message()).contains(lostWorker);
    });
  }

  @Test
  void zombieCompletionIsRejectedAndTheNewerAttemptsOutcomeStands() throws Exception {
    TestNode zombie = node("zombie", 1);
    UUID id = zombie.gantry().enqueue("work", Map.of()).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    zombie.connections().cutOff(); // no more heartbeats; its handler runs on
    TestNode healthy = node("healthy", 1);

    Job done = healthy.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.result().get("by").asText()).isEqualTo("healthy");

    // The zombie finishes now and its outcome reaches the database once it is reconnected.
    releaseZombie.countDown();
    zombie.connections().restore();
    await().atMost(WAIT).until(() -> zombie.events().of(JobEvent.LeaseLost.class, id).size() == 1);
    await().atMost(WAIT).until(() -> zombie.worker().inFlightCount() == 0);

    Job job = healthy.gantry().job(id).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attempt()).isEqualTo(2);
    assertThat(job.workerId()).isEqualTo("healthy");
    assertThat(job.result().get("by").asText()).isEqualTo("healthy");
    assertThat(job.finishedAt()).isEqualTo(done.finishedAt());
    assertRescuedOnce(job, "zombie");
    assertThat(zombie.events().of(JobEvent.Completed.class)).isEmpty();
    assertThat(zombie.events().of(JobEvent.LeaseLost.class, id)).singleElement()
        .satisfies(e -> assertThat(e.attempt()).isEqualTo(1));
    assertThat(healthy.events().of(JobEvent.Completed.class, id)).hasSize(1);
  }

  @Test
  void handlerWhoseLeaseWasLostIsCancelledAndInterrupted() throws Exception {
    TestNode zombie = node("zombie", 1);
    UUID id = zombie.gantry().enqueue("work", Map.of()).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    zombie.connections().cutOff();
    TestNode healthy = node("healthy", 1);
    Job done = healthy.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(zombieContext.get().isCancelled()).isFalse(); // it cannot know yet

    // Back online, its next heartbeat finds the lease gone: the handler is told to stop.
    zombie.connections().restore();
    assertThat(zombieInterrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(cancelledWhenInterrupted).isTrue();
    assertThat(zombieContext.get().isCancelled()).isTrue();
    await().atMost(WAIT).until(() -> zombie.events().of(JobEvent.LeaseLost.class, id).size() == 1);
    await().atMost(WAIT).until(() -> zombie.worker().inFlightCount() == 0);

    Job job = healthy.gantry().job(id).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.result().get("by").asText()).isEqualTo("healthy");
    assertRescuedOnce(job, "zombie");
  }

  @Test
  void attemptOvertakenByARetryOnTheSameNodeLearnsItLostTheLease() throws Exception {
    // One node whose heartbeat thread stalls (its other threads work): it rescues its own job and
    // claims the retry itself while the first attempt's handler still runs.
    TestNode node = node("lonely", 2);
    UUID id = node.gantry().enqueue("work", Map.of()).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    node.connections().refuse(t -> t.getName().equals("gantry-heartbeat"));

    Job done = node.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertRescuedOnce(done, "lonely");

    // A newer claim of the same job proves the first attempt's lease is gone, heartbeat or not.
    assertThat(zombieInterrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the overtaken attempt's handler is interrupted").isTrue();
    assertThat(cancelledWhenInterrupted).isTrue();
    assertThat(node.events().of(JobEvent.LeaseLost.class, id)).singleElement()
        .satisfies(e -> assertThat(e.attempt()).isEqualTo(1));
    node.connections().restore();
    await().atMost(WAIT).until(() -> node.worker().inFlightCount() == 0);
    assertThat(node.gantry().job(id).orElseThrow().result().get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void zombieCannotTouchTheNewerAttemptWhileItRuns() throws Exception {
    // The zombie's heartbeat stalls but the rest of its node works: it can still reach the
    // database while the newer attempt runs elsewhere.
    CountDownLatch newerRunning = new CountDownLatch(1);
    CountDownLatch releaseNewer = new CountDownLatch(1);
    AtomicReference<String> zombieProgressError = new AtomicReference<>();
    CountDownLatch zombieTriedProgress = new CountDownLatch(1);
    TestNode zombie = TestNode.create(schema, "zombie", 5);
    nodes.add(zombie);
    zombie.startWorker(b -> b.queue("default", 1).maintenance(false).handler("work", JsonNode.class, (args, ctx) -> {
      zombieContext.set(ctx);
      zombieStarted.countDown();
      assertThat(releaseZombie.await(60, TimeUnit.SECONDS)).isTrue();
      try {
        ctx.progress(99, "zombie");
      } catch (RuntimeException e) {
        zombieProgressError.set(e.toString());
      }
      zombieTriedProgress.countDown();
      return Map.of("by", "zombie");
    }));
    UUID id = zombie.gantry().enqueue("work", Map.of()).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    zombie.connections().refuse(t -> t.getName().equals("gantry-heartbeat"));

    TestNode healthy = TestNode.create(schema, "healthy", 5);
    nodes.add(healthy);
    healthy.startWorker(b -> b.queue("default", 1).handler("work", JsonNode.class, (args, ctx) -> {
      ctx.progress(10, "healthy");
      newerRunning.countDown();
      assertThat(releaseNewer.await(60, TimeUnit.SECONDS)).isTrue();
      return Map.of("by", "healthy");
    }));
    assertThat(newerRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // While attempt 2 runs, the zombie (still unaware) reports progress and then completes.
    assertThat(zombieContext.get().isCancelled()).isFalse();
    releaseZombie.countDown();
    assertThat(zombieTriedProgress.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(zombieProgressError.get()).isNull(); // the write reached the database and changed nothing
    await().atMost(WAIT).until(() -> zombie.events().of(JobEvent.LeaseLost.class, id).size() == 1);
    Job running = healthy.gantry().job(id).orElseThrow();
    assertThat(running.state()).isEqualTo(JobState.RUNNING);
    assertThat(running.attempt()).isEqualTo(2);
    assertThat(running.workerId()).isEqualTo("healthy");
    assertThat(running.progressPercent()).isEqualTo(10);
    assertThat(running.progressMessage()).isEqualTo("healthy");

    releaseNewer.countDown();
    Job job = healthy.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.result().get("by").asText()).isEqualTo("healthy");
    assertThat(job.progressMessage()).isEqualTo("healthy");
    assertRescuedOnce(job, "zombie");
    assertThat(zombie.events().of(JobEvent.Completed.class)).isEmpty();
  }

  @Test
  void lostLeaseOnTheLastAttemptMakesTheJobDead() throws Exception {
    TestNode zombie = node("zombie", 1);
    UUID id = zombie.gantry().enqueue("work", Map.of(), JobOptions.defaults().withMaxAttempts(1)).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    zombie.connections().cutOff();
    TestNode healthy = node("healthy", 1);

    Job job = healthy.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.attempt()).isEqualTo(1);
    assertRescuedOnce(job, "zombie");
    assertThat(healthy.events().of(JobEvent.Rescued.class, id)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("dead"));
  }

  @Test
  void lostLeaseOfAJobAskedToCancelMakesItCancelled() throws Exception {
    TestNode zombie = node("zombie", 1);
    UUID id = zombie.gantry().enqueue("work", Map.of()).id();
    assertThat(zombieStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    zombie.connections().cutOff();
    TestNode healthy = node("healthy", 1);
    // The cancel request is stored, but the worker that could act on it cannot write.
    assertThat(healthy.gantry().cancel(id)).isEqualTo(dev.gantry.job.CancelResult.CANCEL_REQUESTED);

    Job job = healthy.gantry().awaitCompletion(id, WAIT).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.errors()).extracting(JobError::errorClass).containsExactly(LeaseLostException.class.getName());
    assertThat(healthy.events().of(JobEvent.Rescued.class, id)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("cancelled"));
    zombie.connections().restore();
    await().atMost(WAIT).until(() -> zombie.worker().inFlightCount() == 0);
    assertThat(healthy.gantry().job(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }
}
