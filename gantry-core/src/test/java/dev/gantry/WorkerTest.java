package dev.gantry;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.awaitFinished;
import static dev.gantry.testing.TestWorkers.fast;
import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.EventRecorder;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerTest {
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
  void queueRunsUpToItsConcurrencyAtOnceAndNoMore() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CyclicBarrier threeTogether = new CyclicBarrier(3);
    try (Worker w = fast(gantry).fetchBatchSize(2).queue("default", 3).handler("wide", Map.class, (args, ctx) -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        threeTogether.await(10, TimeUnit.SECONDS); // only passes with three running side by side
      } finally {
        running.decrementAndGet();
      }
      return null;
    }).start()) {
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        requests.add(JobRequest.of("wide", Map.of("i", i)));
      }
      List<UUID> ids = gantry.enqueueAll(requests).stream().map(r -> r.id()).toList();
      for (UUID id : ids) {
        assertThat(awaitFinished(gantry, id).state()).isEqualTo(JobState.COMPLETED);
      }
    }
    assertThat(most.get()).isEqualTo(3);
  }

  @Test
  void handlersRunOnVirtualThreadsUnlessAnotherFactoryIsGiven() throws Exception {
    Map<String, Boolean> virtualByKind = new ConcurrentHashMap<>();
    try (Worker w = fast(gantry).queue("default", 2)
        .handler("where", Map.class, (args, ctx) -> virtualByKind.put("default", Thread.currentThread().isVirtual()))
        .start()) {
      awaitFinished(gantry, gantry.enqueue("where", null).id());
    }
    try (Worker w = fast(gantry).queue("default", 2)
        .handlerThreads(Thread.ofPlatform().name("platform-job-", 0).factory())
        .handler("where", Map.class, (args, ctx) -> virtualByKind.put("platform", Thread.currentThread().isVirtual()))
        .start()) {
      awaitFinished(gantry, gantry.enqueue("where", null).id());
    }
    assertThat(virtualByKind).containsEntry("default", true).containsEntry("platform", false);
  }

  @Test
  void workersOfOneQueueShareItsJobs() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    Set<String> workerIds = ConcurrentHashMap.newKeySet();
    try (Worker a = fast(gantry).workerId("node-a").queue("default", 1).handler("pair", Map.class, (args, ctx) -> {
      bothRunning.countDown();
      return bothRunning.await(10, TimeUnit.SECONDS);
    }).start();
        Worker b = fast(gantry).workerId("node-b").queue("default", 1).handler("pair", Map.class, (args, ctx) -> {
          bothRunning.countDown();
          return bothRunning.await(10, TimeUnit.SECONDS);
        }).start()) {
      UUID one = gantry.enqueue("pair", null).id();
      UUID two = gantry.enqueue("pair", null).id();
      for (UUID id : List.of(one, two)) {
        Job done = awaitFinished(gantry, id);
        assertThat(done.result().asBoolean()).isTrue();
        workerIds.add(done.workerId());
      }
      assertThat(a.workerId()).isEqualTo("node-a");
    }
    assertThat(workerIds).containsExactlyInAnyOrder("node-a", "node-b");
  }

  @Test
  void heartbeatsKeepTheLeaseOfAJobRunningLongerThanTheLease() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    try (Worker w = fast(gantry).leaseDuration(Duration.ofSeconds(1)).heartbeatInterval(Duration.ofMillis(200))
        .queue("default", 1).handler("long", Map.class, (args, ctx) -> {
          started.countDown();
          finish.await();
          return "done";
        }).start()) {
      UUID id = gantry.enqueue("long", null).id();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Job first = job(gantry, id);
      Instant firstExpiry = first.leaseExpiresAt();

      // Run well past the first lease's end (by the database clock), with the rescuer active.
      await().atMost(WAIT).until(() -> db.now().isAfter(first.attemptedAt().plusMillis(2500)));
      Job later = job(gantry, id);
      assertThat(later.state()).isEqualTo(JobState.RUNNING);
      assertThat(later.attempt()).isEqualTo(1);
      assertThat(later.leaseExpiresAt()).isAfter(firstExpiry.plusMillis(1000));

      finish.countDown();
      Job done = awaitFinished(gantry, id);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(done.errors()).isEmpty();
      assertThat(events.of(JobEvent.LeaseLost.class)).isEmpty();
      assertThat(events.of(JobEvent.Rescued.class)).isEmpty();
    }
  }

  @Test
  void nodeWithoutMaintenanceLeavesStagingToAnother() throws Exception {
    try (Worker plain = fast(gantry).maintenance(false).queue("default", 1).handler("later", Map.class, (args, ctx) -> "ran")
        .start()) {
      UUID id = gantry.enqueue("later", null, dev.gantry.enqueue.JobOptions.defaults().withDelay(Duration.ofMillis(200))).id();
      Instant due = job(gantry, id).scheduledAt();
      // Well past its time by the database clock, nobody made it available.
      await().atMost(WAIT).until(() -> db.now().isAfter(due.plusMillis(1000)));
      assertThat(job(gantry, id).state()).isEqualTo(JobState.SCHEDULED);

      // A node with maintenance (serving another queue) stages it, and its NOTIFY wakes the first node.
      try (Worker maintainer = fast(gantry).queue("unrelated", 1).handler("x", Map.class, (args, ctx) -> null).start()) {
        Job done = awaitFinished(gantry, id);
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.workerId()).isEqualTo(plain.workerId());
      }
    }
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> gantry.worker().maintenance(false).start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> gantry.worker().queue("default", 1).leaseDuration(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofSeconds(5)).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("heartbeatInterval");
    assertThatThrownBy(() -> gantry.worker().queue("default", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> gantry.worker().queue("bad queue", 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> gantry.worker().handler("k", Map.class, (a, c) -> null).handler("k", Map.class, (a, c) -> null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    assertThatThrownBy(() -> gantry.worker().workerId(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
    assertThatThrownBy(() -> gantry.worker().leaseDuration(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> gantry.worker().pollInterval(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> gantry.worker().fetchBatchSize(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetchBatchSize");
    assertThatThrownBy(() -> gantry.worker().pruneInterval(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pruneInterval");
  }
}
