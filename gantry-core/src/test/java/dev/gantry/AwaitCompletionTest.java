package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AwaitCompletionTest {
  private final TestDatabase db = TestDatabase.get();
  private final CountDownLatch release = new CountDownLatch(1);
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private Worker worker() {
    return fast(gantry).queue("default", 4)
        .handler("gated", Map.class, (args, ctx) -> {
          release.await();
          return "released";
        })
        .handler("quick", Map.class, (args, ctx) -> "quick")
        .handler("fails", Map.class, (args, ctx) -> {
          throw new PermanentFailure("no");
        })
        .start();
  }

  private CompletableFuture<Optional<Job>> awaitInBackground(Gantry g, UUID id, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return g.awaitCompletion(id, timeout);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private void awaitWatched(UUID id) {
    await("job " + id + " to be watched").atMost(WAIT).until(() ->
        db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".jobs WHERE id = '" + id + "' AND watched") == 1);
  }

  @Test
  void returnsAsSoonAsTheJobFinishesWokenByNotify() throws Exception {
    try (Worker w = worker()) {
      UUID id = gantry.enqueue("gated", null).id();
      CompletableFuture<Optional<Job>> waiting = awaitInBackground(gantry, id, Duration.ofSeconds(30));
      awaitWatched(id);
      assertThat(waiting).isNotDone();

      long released = System.nanoTime();
      release.countDown();
      Optional<Job> job = waiting.get(30, TimeUnit.SECONDS);
      Duration afterRelease = Duration.ofNanos(System.nanoTime() - released);

      assertThat(job).get().satisfies(j -> {
        assertThat(j.state()).isEqualTo(JobState.COMPLETED);
        assertThat(j.result().asText()).isEqualTo("released");
      });
      // The waiter re-reads on its own only every 5 s; returning well before that means the
      // finished NOTIFY woke it.
      assertThat(afterRelease).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void waiterOnAnotherInstanceIsWokenToo() throws Exception {
    try (Gantry observer = Gantry.builder(db.dataSource()).schema(gantry.schema()).build(); Worker w = worker()) {
      UUID id = gantry.enqueue("gated", null).id();
      CompletableFuture<Optional<Job>> waiting = awaitInBackground(observer, id, Duration.ofSeconds(30));
      awaitWatched(id);

      long released = System.nanoTime();
      release.countDown();
      assertThat(waiting.get(30, TimeUnit.SECONDS)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
      assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void manyWaitersOnOneJobAndOnOthersAllReturn() throws Exception {
    try (Worker w = worker()) {
      UUID shared = gantry.enqueue("gated", null).id();
      UUID other = gantry.enqueue("gated", null).id();
      List<CompletableFuture<Optional<Job>>> waiters = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        waiters.add(awaitInBackground(gantry, shared, Duration.ofSeconds(30)));
      }
      CompletableFuture<Optional<Job>> otherWaiter = awaitInBackground(gantry, other, Duration.ofSeconds(30));
      awaitWatched(shared);
      awaitWatched(other);

      release.countDown();
      for (CompletableFuture<Optional<Job>> f : waiters) {
        assertThat(f.get(30, TimeUnit.SECONDS)).get().extracting(Job::id).isEqualTo(shared);
      }
      assertThat(otherWaiter.get(30, TimeUnit.SECONDS)).get().extracting(Job::id).isEqualTo(other);
    }
  }

  @Test
  void finishedJobsReturnAtOnceWhateverTheirEnd() throws Exception {
    try (Worker w = worker()) {
      UUID completed = gantry.enqueue("quick", null).id();
      UUID dead = gantry.enqueue("fails", null).id();
      UUID cancelled = gantry.enqueue("quick", null, JobOptions.defaults().withDelay(Duration.ofHours(1))).id();
      gantry.cancel(cancelled);

      assertThat(gantry.awaitCompletion(completed, WAIT)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
      assertThat(gantry.awaitCompletion(dead, WAIT)).get().extracting(Job::state).isEqualTo(JobState.DEAD);
      // already finished: even a zero timeout returns the job
      assertThat(gantry.awaitCompletion(cancelled, Duration.ZERO)).get().extracting(Job::state).isEqualTo(JobState.CANCELLED);
      assertThat(gantry.awaitCompletion(completed, Duration.ZERO)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void cancellingAQueuedJobWakesItsWaiter() throws Exception {
    UUID id = gantry.enqueue("nobody-runs-this", null).id();
    CompletableFuture<Optional<Job>> waiting = awaitInBackground(gantry, id, Duration.ofSeconds(30));
    awaitWatched(id);

    long cancelledAt = System.nanoTime();
    gantry.cancel(id);

    assertThat(waiting.get(30, TimeUnit.SECONDS)).get().extracting(Job::state).isEqualTo(JobState.CANCELLED);
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void returnsEmptyWhenTheJobDoesNotFinishInTime() throws Exception {
    try (Worker w = worker()) {
      UUID running = gantry.enqueue("gated", null).id();
      UUID neverClaimed = gantry.enqueue("gated", null, JobOptions.defaults().withQueue("unserved")).id();

      long start = System.nanoTime();
      assertThat(gantry.awaitCompletion(running, Duration.ofMillis(700))).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
      assertThat(gantry.awaitCompletion(neverClaimed, Duration.ZERO)).isEmpty();
      assertThat(gantry.awaitCompletion(neverClaimed, Duration.ofMillis(200))).isEmpty();

      assertThat(gantry.job(running)).get().extracting(Job::state).isEqualTo(JobState.RUNNING);
      release.countDown();
      assertThat(gantry.awaitCompletion(running, WAIT)).get().extracting(Job::state).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void unknownJobIsNotFound() {
    UUID unknown = UUID.fromString("01890000-0000-7000-8000-0000000000aa");
    assertThatThrownBy(() -> gantry.awaitCompletion(unknown, Duration.ofSeconds(1)))
        .isInstanceOf(JobNotFoundException.class).hasMessageContaining(unknown.toString());
  }

  @Test
  void waitingThreadCanBeInterrupted() throws Exception {
    UUID id = gantry.enqueue("nobody-runs-this", null).id();
    CompletableFuture<Thread> waiterThread = new CompletableFuture<>();
    CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
      waiterThread.complete(Thread.currentThread());
      try {
        return gantry.awaitCompletion(id, Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        return e;
      }
    });
    awaitWatched(id);
    Thread waiter = waiterThread.get(10, TimeUnit.SECONDS);
    await("the waiter to be parked").atMost(WAIT).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
    waiter.interrupt();

    try {
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }
}
