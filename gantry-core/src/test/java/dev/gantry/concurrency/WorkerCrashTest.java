package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.ChildWorker;
import dev.gantry.testing.SideEffects;
import dev.gantry.testing.SideEffects.Effect;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.testing.WorkerProcess;
import dev.gantry.worker.JobHandler;
import dev.gantry.worker.LeaseLostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker JVM killed with SIGKILL mid-job: its jobs stay running in the database until their
 * leases end by the database clock; then another node rescues them and runs them again.
 */
class WorkerCrashTest {
  private final TestDatabase db = TestDatabase.get();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String schema;
  private SideEffects effects;
  private TestNode rescuer;

  @BeforeEach
  void setUp() {
    schema = db.newSchema();
    rescuer = TestNode.create(schema, "survivor", 6); // migrates the schema
    resources.add(rescuer);
    effects = new SideEffects(db.dataSource(), schema).create();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private ChildWorker startChild(String id, String... args) {
    ChildWorker child = ChildWorker.start(schema, id, null, args);
    resources.add(child);
    return child;
  }

  /** Survivor handler for "block": on a survivor the job just completes. */
  private void startSurvivor() {
    startSurvivor(rescuer);
  }

  private void startSurvivor(TestNode node) {
    JobHandler<JsonNode> run = (args, ctx) -> {
      effects.record(ctx.jobId(), ctx.attempt(), node.name(), "ran");
      return Map.of("worker", node.name(), "attempt", ctx.attempt());
    };
    node.startWorker(b -> b.queue("default", 8).handler("block", JsonNode.class, run).handler("sleepy", JsonNode.class, run));
  }

  @Test
  void killedWorkersJobIsRescuedAfterItsLeaseAndCompletedElsewhere() throws Exception {
    ChildWorker child = startChild("doomed", "queues=default:1", "maintenance=false");
    UUID id = rescuer.gantry().enqueue("block", Map.of()).id();
    await().atMost(Duration.ofSeconds(20)).until(() -> !effects.of(id).isEmpty());

    long killedAt = System.nanoTime();
    child.kill();
    Instant leaseEnd = finalLeaseEnd(id, child);
    startSurvivor();
    Job job = rescuer.gantry().awaitCompletion(id, Duration.ofSeconds(30)).orElseThrow();
    long rescueDelayMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attempt()).isEqualTo(2);
    assertThat(job.workerId()).isEqualTo("survivor");
    assertThat(job.result().get("worker").asText()).isEqualTo("survivor");
    assertThat(job.errors()).hasSize(1);
    JobError lost = job.errors().get(0);
    assertThat(lost.attempt()).isEqualTo(1);
    assertThat(lost.errorClass()).isEqualTo(LeaseLostException.class.getName());
    assertThat(lost.message()).contains("doomed");
    // Nothing happened before the lease ended, by the database clock.
    assertThat(lost.at()).isAfterOrEqualTo(leaseEnd);
    assertThat(job.attemptedAt()).isAfterOrEqualTo(leaseEnd);
    assertThat(job.finishedAt()).isAfterOrEqualTo(leaseEnd);
    List<Effect> runs = effects.of(id);
    assertThat(runs).extracting(Effect::worker, Effect::attempt, Effect::what)
        .containsExactly(tuple("doomed", 1, "started"),
            tuple("survivor", 2, "ran"));
    assertThat(runs.get(1).at()).isAfterOrEqualTo(leaseEnd);
    assertThat(rescuer.events().of(JobEvent.Rescued.class, id)).singleElement()
        .satisfies(r -> {
          assertThat(r.attempt()).isEqualTo(1);
          assertThat(r.outcome()).isEqualTo("retry");
        });
    System.out.printf("rescued and completed %d ms after SIGKILL (lease 2 s); completed %d ms after the lease ended (DB clock)%n",
        rescueDelayMillis, Duration.between(leaseEnd, job.finishedAt()).toMillis());
  }

  @Test
  void everyJobOfAKilledWorkerIsRescuedOnceAndRunsToCompletionOnceMore() {
    ChildWorker child = startChild("doomed-batch", "queues=default:10", "maintenance=false");
    List<JobRequest> requests = IntStream.range(0, 25).mapToObj(i -> JobRequest.of("block", Map.of("i", i))).toList();
    List<UUID> ids = rescuer.gantry().enqueueAll(requests).stream().map(r -> r.id()).toList();
    // The child takes 10 (its concurrency) and blocks on them; 15 wait.
    await().atMost(Duration.ofSeconds(20)).until(() -> effects.count("started") == 10);
    child.kill();
    Instant killedLeaseEnd = finalLeaseEnd(null, child);
    Set<UUID> startedOnChild = new HashSet<>();
    effects.all().forEach(e -> startedOnChild.add(e.jobId()));
    // Three survivors, all rescuing at once.
    List<TestNode> survivors = List.of(rescuer, TestNode.create(schema, "survivor2", 5),
        TestNode.create(schema, "survivor3", 5));
    resources.addAll(survivors.subList(1, 3));
    survivors.forEach(this::startSurvivor);

    await().atMost(Duration.ofSeconds(30))
        .until(() -> db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs") == ids.size());
    for (UUID id : ids) {
      Job job = rescuer.gantry().job(id).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      List<Effect> runs = effects.of(id);
      if (startedOnChild.contains(id)) {
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.errors()).singleElement().satisfies(e -> {
          assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName());
          assertThat(e.at()).isAfterOrEqualTo(killedLeaseEnd);
        });
        assertThat(runs).hasSize(2).first().extracting(Effect::worker).isEqualTo("doomed-batch");
        assertThat(survivors.stream().mapToLong(n -> n.events().of(JobEvent.Rescued.class, id).size()).sum())
            .as("rescues of %s", id).isEqualTo(1);
      } else {
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.errors()).isEmpty();
        assertThat(runs).hasSize(1);
      }
      assertThat(runs.getLast().worker()).startsWith("survivor").isEqualTo(job.workerId());
    }
    assertThat(survivors.stream().mapToLong(n -> n.events().of(JobEvent.Rescued.class).size()).sum()).isEqualTo(10);
  }

  @Test
  void workerKilledInTheMiddleOfAStreamOfJobsLosesNoneAndCompletesNoneTwice() {
    ChildWorker child = startChild("streamer", "queues=default:8", "maintenance=false", "work=10");
    int jobs = 1_000;
    List<UUID> ids = rescuer.gantry().enqueueAll(IntStream.range(0, jobs)
        .mapToObj(i -> JobRequest.of("sleepy", Map.of("i", i))).toList()).stream().map(r -> r.id()).toList();
    await().atMost(Duration.ofSeconds(30)).until(() -> effects.count("finished") >= 300);
    child.kill();
    startSurvivor();

    await().atMost(Duration.ofSeconds(60))
        .until(() -> db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs") == jobs);
    int byChild = 0;
    int rescued = 0;
    for (UUID id : ids) {
      Job job = rescuer.gantry().job(id).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      List<Effect> runs = effects.of(id);
      if (job.workerId().equals("streamer")) {
        // finished and written before the kill
        byChild++;
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.errors()).isEmpty();
        assertThat(runs).extracting(Effect::what).containsExactly("started", "finished");
      } else if (job.attempt() == 2) {
        // held by the child when it died (running, or finished with its outcome unwritten)
        rescued++;
        assertThat(job.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("streamer"));
        assertThat(runs.getLast()).extracting(Effect::worker, Effect::attempt, Effect::what)
            .containsExactly("survivor", 2, "ran");
        assertThat(runs.subList(0, runs.size() - 1)).allSatisfy(e -> {
          assertThat(e.worker()).isEqualTo("streamer");
          assertThat(e.attempt()).isEqualTo(1);
        });
      } else {
        // never claimed by the child
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.errors()).isEmpty();
        assertThat(runs).extracting(Effect::worker, Effect::what).containsExactly(tuple("survivor", "ran"));
      }
    }
    assertThat(rescued).as("jobs the child held when it died").isPositive();
    assertThat(rescuer.events().of(JobEvent.Rescued.class)).hasSize(rescued);
    System.out.printf("killed mid-stream: %d completed by the killed worker, %d rescued, %d by the survivor alone%n",
        byChild, rescued, jobs - byChild - rescued);
  }

  @Test
  void pausedWorkerResumingAfterItsJobWasRescuedCannotOverwriteTheNewerAttempt() throws Exception {
    // SIGSTOP freezes the worker as a long GC pause or a suspended VM would: no heartbeats.
    ChildWorker child = startChild("frozen", "queues=default:1", "maintenance=false", "work=2500");
    UUID id = rescuer.gantry().enqueue("sleepy", Map.of()).id();
    await().atMost(Duration.ofSeconds(20)).until(() -> !effects.of(id).isEmpty());
    child.pause();
    startSurvivor();
    Job done = rescuer.gantry().awaitCompletion(id, Duration.ofSeconds(30)).orElseThrow();
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.workerId()).isEqualTo("survivor");

    child.resume();
    // Its work time has passed and its heartbeat is due: whichever comes first, it learns it lost
    // the lease (heartbeat), or its outcome is rejected (completer).
    child.awaitLine("EVENT LeaseLost " + id + " 1", Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(20)).until(() -> effects.of(id).stream()
        .anyMatch(e -> e.worker().equals("frozen") && !e.what().equals("started")));

    Job job = rescuer.gantry().job(id).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attempt()).isEqualTo(2);
    assertThat(job.workerId()).isEqualTo("survivor");
    assertThat(job.result().get("worker").asText()).isEqualTo("survivor");
    assertThat(job.finishedAt()).isEqualTo(done.finishedAt());
    assertThat(job.errors()).singleElement().satisfies(e -> {
      assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName());
      assertThat(e.message()).contains("frozen");
    });
    assertThat(child.output()).noneMatch(l -> l.startsWith("EVENT Completed " + id));
    // Interrupted, the zombie's handler saw isCancelled(); or it finished and its outcome was dropped.
    Effect zombieEnd = effects.of(id).stream().filter(e -> e.worker().equals("frozen") && !e.what().equals("started"))
        .findFirst().orElseThrow();
    assertThat(zombieEnd.what()).isIn("finished", "interrupted-cancelled");
    System.out.println("paused worker, once resumed: " + zombieEnd.what());
  }

  /**
   * Waits until the killed child's database sessions are gone (a statement it sent just before
   * dying could still commit), then reads the lease end its jobs were left with: the latest one
   * when {@code id} is null.
   */
  private Instant finalLeaseEnd(UUID id, ChildWorker child) {
    await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
            + WorkerProcess.applicationName(child.workerId()) + "'") == 0);
    String sql = "SELECT max(lease_expires_at) FROM " + schema + ".jobs WHERE worker_id = '" + child.workerId() + "'"
        + (id == null ? "" : " AND id = '" + id + "'");
    try (var c = db.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      Timestamp t = rs.getTimestamp(1);
      assertThat(t).as("the killed worker's lease is still recorded").isNotNull();
      return t.toInstant();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
