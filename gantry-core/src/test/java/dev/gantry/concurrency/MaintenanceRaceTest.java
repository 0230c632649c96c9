package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.LeaseLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every node runs maintenance (staging, rescuing) at the same time as the others and as the
 * heartbeats: no job is staged or rescued twice, no live lease is taken, and when a rescue and a
 * heartbeat do race, each job still ends with exactly one outcome. A row trigger on the jobs
 * table records every state change, so the tests see each staging and claim as it happened.
 */
class MaintenanceRaceTest {
  private final TestDatabase db = TestDatabase.get();
  private final List<TestNode> nodes = new ArrayList<>();
  /** job id -> its executions, as "node/attempt". */
  private final Map<UUID, Queue<String>> executions = new ConcurrentHashMap<>();
  private String schema;

  @BeforeEach
  void setUp() {
    schema = db.newSchema();
    nodes.add(TestNode.create(schema, "node0", 5)); // migrates the schema
    db.execute("CREATE TABLE " + schema + ".state_changes (job_id uuid, old_state text, new_state text, attempt int)");
    db.execute("CREATE FUNCTION " + schema + ".record_state_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "INSERT INTO " + schema + ".state_changes VALUES (NEW.id, OLD.state, NEW.state, NEW.attempt); RETURN NULL; END $$");
    db.execute("CREATE TRIGGER record_state_change AFTER UPDATE OF state ON " + schema + ".jobs FOR EACH ROW "
        + "WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION " + schema + ".record_state_change()");
    for (int i = 1; i < 4; i++) {
      nodes.add(TestNode.create(schema, "node" + i, 5));
    }
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(TestNode::close);
  }

  private void recordExecution(TestNode node, JobContext ctx) {
    executions.computeIfAbsent(ctx.jobId(), k -> new ConcurrentLinkedQueue<>()).add(node.name() + "/" + ctx.attempt());
  }

  private long changes(String from, String to) {
    return db.queryLong("SELECT count(*) FROM " + schema + ".state_changes WHERE old_state = '" + from
        + "' AND new_state = '" + to + "'");
  }

  private long finished() {
    return db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs");
  }

  private <E extends JobEvent> long events(Class<E> type) {
    return nodes.stream().mapToLong(n -> n.events().of(type).size()).sum();
  }

  @Test
  void delayedJobsFallingDueTogetherAreStagedAndRunOnceAcrossFourNodes() throws Exception {
    for (TestNode node : nodes) {
      node.startWorker(b -> b.queue("default", 16).handler("tick", JsonNode.class, (args, ctx) -> {
        recordExecution(node, ctx);
        return null;
      }));
    }
    int jobs = 2_000;
    Instant due;
    try (var c = db.dataSource().getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("SELECT now() + interval '3 seconds'")) {
      rs.next();
      due = rs.getTimestamp(1).toInstant();
    }
    JobOptions atDue = JobOptions.defaults().withRunAt(due);
    nodes.get(0).gantry().enqueueAll(IntStream.range(0, jobs).mapToObj(i -> JobRequest.of("tick", Map.of("i", i), atDue)).toList());
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE state = 'scheduled'")).isEqualTo(jobs);

    await().atMost(Duration.ofSeconds(60)).until(() -> finished() == jobs);

    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE state = 'completed' AND attempt = 1"
        + " AND attempted_at >= scheduled_at")).isEqualTo(jobs);
    assertThat(executions).hasSize(jobs);
    executions.forEach((id, runs) -> assertThat(runs).as("runs of %s", id).hasSize(1).allMatch(r -> r.endsWith("/1")));
    // Each job was staged once and claimed once, and nothing else happened to it.
    assertThat(changes("scheduled", "available")).isEqualTo(jobs);
    assertThat(changes("available", "running")).isEqualTo(jobs);
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".state_changes")).isEqualTo(2L * jobs);
    assertThat(db.queryLong("SELECT count(DISTINCT job_id) FROM " + schema + ".state_changes")).isEqualTo(jobs);
    assertThat(events(JobEvent.Rescued.class)).isZero();
    System.out.printf("2000 jobs due together: run per node %s%n", executions.values().stream()
        .map(q -> q.peek().substring(0, q.peek().indexOf('/'))).collect(Collectors.groupingBy(n -> n, Collectors.counting())));
  }

  @Test
  void heartbeatsKeepLeasesWhileEveryNodeLooksForExpiredOnes() throws Exception {
    int jobs = 100;
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    for (TestNode node : nodes) {
      node.startWorker(b -> b.queue("default", 25).handler("long", JsonNode.class, (args, ctx) -> {
        recordExecution(node, ctx);
        running.incrementAndGet();
        assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
        return null;
      }));
    }
    nodes.get(0).gantry().enqueueAll(IntStream.range(0, jobs).mapToObj(i -> JobRequest.of("long", Map.of())).toList());
    await().atMost(Duration.ofSeconds(20)).until(() -> running.get() == jobs);

    // Well past two lease lengths (2 s) with four rescuers looking every 250 ms: no lease is taken.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() ->
        db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE state = 'running' AND attempt = 1 AND errors = '[]'"
            + " AND lease_expires_at > now()") == jobs);
    release.countDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> finished() == jobs);

    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE state = 'completed' AND attempt = 1"
        + " AND errors = '[]'")).isEqualTo(jobs);
    assertThat(executions).hasSize(jobs).allSatisfy((id, runs) -> assertThat(runs).hasSize(1));
    assertThat(changes("running", "available") + changes("running", "retryable")).isZero();
    assertThat(events(JobEvent.Rescued.class)).isZero();
    assertThat(events(JobEvent.LeaseLost.class)).isZero();
    assertThat(events(JobEvent.Completed.class)).isEqualTo(jobs);
  }

  @Test
  void whenRescuesRaceHeartbeatsEveryJobStillEndsWithExactlyOneOutcome() throws Exception {
    // Leases barely longer than the heartbeat interval, and a database that is sometimes slow
    // for heartbeats: many leases expire just before their renewal, while four rescuers look
    // every 100 ms. Some attempts are rescued mid-run; some are renewed just in time.
    int jobs = 120;
    for (TestNode node : nodes) {
      node.connections().slowDown(t -> t.getName().equals("gantry-heartbeat"), Duration.ofMillis(400));
      node.startWorker(b -> b.queue("default", 10)
          .leaseDuration(Duration.ofMillis(1_000))
          .heartbeatInterval(Duration.ofMillis(900))
          .rescueInterval(Duration.ofMillis(100))
          .handler("race", JsonNode.class, (args, ctx) -> {
            recordExecution(node, ctx);
            // simulated work of 0 to 2 s; a lost lease interrupts it
            new CountDownLatch(1).await(ThreadLocalRandom.current().nextLong(2_000), TimeUnit.MILLISECONDS);
            return Map.of("worker", node.name(), "attempt", ctx.attempt());
          }));
    }
    JobOptions manyAttempts = JobOptions.defaults().withMaxAttempts(1_000);
    List<UUID> ids = nodes.get(0).gantry().enqueueAll(
        IntStream.range(0, jobs).mapToObj(i -> JobRequest.of("race", Map.of(), manyAttempts)).toList())
        .stream().map(r -> r.id()).toList();

    await().atMost(Duration.ofSeconds(90)).until(() -> finished() == jobs);
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().allMatch(n -> n.worker().inFlightCount() == 0));

    int rescues = 0;
    for (UUID id : ids) {
      Job job = nodes.get(0).gantry().job(id).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      int attempts = job.attempt();
      rescues += attempts - 1;
      // The outcome is the last attempt's, written by the node that ran it.
      assertThat(job.result().get("attempt").asInt()).isEqualTo(attempts);
      assertThat(job.result().get("worker").asText()).isEqualTo(job.workerId());
      // Every earlier attempt was rescued once, and recorded as such.
      assertThat(job.errors()).extracting(JobError::attempt)
          .containsExactlyElementsOf(IntStream.range(1, attempts).boxed().toList());
      assertThat(job.errors()).allSatisfy(e -> assertThat(e.errorClass()).isEqualTo(LeaseLostException.class.getName()));
      assertThat(count(JobEvent.Rescued.class, id)).isEqualTo(attempts - 1);
      // Every attempt ran exactly once; every rescued one learned it lost its lease.
      assertThat(executions.get(id)).hasSize(attempts)
          .extracting(r -> Integer.parseInt(r.substring(r.indexOf('/') + 1)))
          .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, attempts).boxed().toList());
      assertThat(count(JobEvent.LeaseLost.class, id)).isEqualTo(attempts - 1);
      assertThat(count(JobEvent.Completed.class, id)).isEqualTo(1);
    }
    assertThat(changes("running", "available")).isEqualTo(rescues);
    for (TestNode node : nodes) {
      assertThat(node.connections().statementErrors()).as("failed statements of %s", node.name())
          .extracting(e -> e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse("")).isEmpty();
    }
    Set<String> rescuedBy = nodes.stream().filter(n -> !n.events().of(JobEvent.Rescued.class).isEmpty())
        .map(TestNode::name).collect(Collectors.toSet());
    System.out.printf("%d jobs, %d rescues (by %s), %d attempts in all%n", jobs, rescues, rescuedBy, jobs + rescues);
    assertThat(rescues).as("the race was exercised: some leases did expire").isPositive();
  }

  @Test
  void heartbeatsAndCompletionsOfBusyNodesNeverDeadlock() {
    // Each node renews hundreds of leases every 25 ms while its completer writes batches of the
    // same jobs' outcomes: both statements lock many of the same rows, and must do so in one order.
    int jobs = 6_000;
    List<TestNode> busy = nodes.subList(0, 2);
    for (TestNode node : busy) {
      node.startWorker(b -> b.queue("default", 200)
          .heartbeatInterval(Duration.ofMillis(25))
          .handler("short", JsonNode.class, (args, ctx) -> {
            recordExecution(node, ctx);
            // simulated work of 0 to 100 ms, so that many jobs are in flight at once
            new CountDownLatch(1).await(ThreadLocalRandom.current().nextLong(100), TimeUnit.MILLISECONDS);
            return null;
          }));
    }
    nodes.get(0).gantry().enqueueAll(IntStream.range(0, jobs).mapToObj(i -> JobRequest.of("short", Map.of())).toList());

    await().atMost(Duration.ofSeconds(90)).until(() -> finished() == jobs);

    for (TestNode node : busy) {
      assertThat(node.connections().statementErrors()).as("statement failures on %s", node.name())
          .extracting(e -> e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""))
          .isEmpty();
    }
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE state = 'completed' AND attempt = 1"))
        .isEqualTo(jobs);
    assertThat(executions).hasSize(jobs).allSatisfy((id, runs) -> assertThat(runs).hasSize(1));
  }

  private <E extends JobEvent> long count(Class<E> type, UUID id) {
    return nodes.stream().mapToLong(n -> n.events().of(type, id).size()).sum();
  }
}
