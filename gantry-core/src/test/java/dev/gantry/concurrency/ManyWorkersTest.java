package dev.gantry.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many worker nodes on one queue: every job runs exactly once, however the claims interleave. */
class ManyWorkersTest {
  private static final int NODES = 8;
  private static final int JOBS = 20_000;

  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(TestNode::close);
  }

  @Test
  void nodesStartingTogetherOnAFreshSchemaMigrateItOnce() throws Exception {
    TestDatabase db = TestDatabase.get();
    String schema = db.newSchema();
    java.util.concurrent.CyclicBarrier gate = new java.util.concurrent.CyclicBarrier(NODES);
    List<java.util.concurrent.Future<TestNode>> starting = new ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(NODES)) {
      for (int i = 0; i < NODES; i++) {
        String name = "starter" + i;
        starting.add(threads.submit(() -> {
          gate.await();
          return TestNode.create(schema, name, 2); // each applies pending migrations
        }));
      }
      for (var f : starting) {
        nodes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
    }
    // Each migration applied exactly once.
    assertThat(db.queryStrings("SELECT version FROM " + schema + ".schema_migrations ORDER BY version"))
        .containsExactlyElementsOf(new dev.gantry.schema.Migrator(schema).migrations().stream()
            .map(m -> Integer.toString(m.version())).toList());
    // The schema works for all of them: each enqueues a job, and each job can be read back by another node.
    List<UUID> ids = nodes.stream().map(n -> n.gantry().enqueue("noop", Map.of()).id()).toList();
    for (int i = 0; i < NODES; i++) {
      assertThat(nodes.get((i + 1) % NODES).gantry().job(ids.get(i))).isPresent();
    }
  }

  @Test
  void eightNodesRunTwentyThousandJobsExactlyOnce() {
    TestDatabase db = TestDatabase.get();
    String schema = db.newSchema();
    // job id -> every execution of it: "node/attempt"
    Map<UUID, Queue<String>> executions = new ConcurrentHashMap<>();
    for (int i = 0; i < NODES; i++) {
      TestNode node = TestNode.create(schema, "node" + i, 5);
      nodes.add(node);
      node.startWorker(b -> b.queue("default", 32).handler("count", JsonNode.class, (args, ctx) -> {
        executions.computeIfAbsent(ctx.jobId(), id -> new ConcurrentLinkedQueue<>())
            .add(node.name() + "/" + ctx.attempt());
        return null;
      }));
    }

    long start = System.nanoTime();
    Set<UUID> enqueued = new HashSet<>();
    for (int chunk = 0; chunk < 4; chunk++) {
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < JOBS / 4; i++) {
        requests.add(JobRequest.of("count", Map.of("n", chunk * (JOBS / 4) + i)));
      }
      for (EnqueueResult r : nodes.get(chunk).gantry().enqueueAll(requests)) {
        assertThat(r.duplicate()).isFalse();
        enqueued.add(r.id());
      }
    }
    assertThat(enqueued).hasSize(JOBS);

    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs") == JOBS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE state = 'completed' AND attempt = 1"))
        .isEqualTo(JOBS);
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE errors <> '[]'")).isZero();
    assertThat(executions.keySet()).isEqualTo(enqueued);
    Map<String, Integer> perNode = new TreeMap<>();
    executions.forEach((id, runs) -> {
      assertThat(runs).as("executions of job %s", id).hasSize(1);
      String run = runs.peek();
      assertThat(run).endsWith("/1");
      perNode.merge(run.substring(0, run.indexOf('/')), 1, Integer::sum);
    });
    // Every node took part, and each job's completion was written by the node that ran it.
    assertThat(perNode).hasSize(NODES);
    long completedEvents = 0;
    for (TestNode node : nodes) {
      assertThat(node.connections().statementErrors()).as("failed statements of %s", node.name())
          .extracting(e -> e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse("")).isEmpty();
      assertThat(node.events().of(JobEvent.Rescued.class)).isEmpty();
      assertThat(node.events().of(JobEvent.LeaseLost.class)).isEmpty();
      completedEvents += node.events().of(JobEvent.Completed.class).size();
      assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE worker_id = '" + node.name() + "'"))
          .isEqualTo(perNode.get(node.name()).longValue());
    }
    assertThat(completedEvents).isEqualTo(JOBS);
    System.out.printf("%d jobs on %d nodes: %d ms (%.0f jobs/s); per node %s%n", JOBS, NODES, took.toMillis(),
        JOBS * 1000.0 / took.toMillis(), perNode);
  }
}
