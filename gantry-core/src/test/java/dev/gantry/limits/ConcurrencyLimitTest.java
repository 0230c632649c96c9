package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency limits across several worker nodes, each with its own pool and far more slots than
 * the limit: the limit is never exceeded, as the handlers see it, and it is reached.
 */
class ConcurrencyLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final TestDatabase db = TestDatabase.get();
  private final String schema = db.newSchema();
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    nodes.forEach(TestNode::close);
  }

  private TestNode node(String name) {
    TestNode node = TestNode.create(schema, name, 4);
    nodes.add(node);
    return node;
  }

  private long finished(String queue) {
    return db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE queue = '" + queue + "'");
  }

  @Test
  void fourNodesWithEightSlotsEachRunAtMostThreeJobsOfAQueueLimitedToThree() {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("ai").withConcurrency(3));
    RunningCount running = new RunningCount();
    for (int i = 0; i < 4; i++) {
      node("node" + i).startWorker(b -> b.queue("ai", 8)
          .handler("call", JsonNode.class, (args, ctx) -> {
            running.run("", () -> RunningCount.sleep(40));
            return null;
          }));
    }
    int jobs = 90;
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      requests.add(JobRequest.of("call", Map.of("i", i), JobOptions.defaults().withQueue("ai")));
    }

    long start = System.nanoTime();
    client.gantry().enqueueAll(requests);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> finished("ai") == jobs);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(running.maxTotal()).as("most handlers running at once").isEqualTo(3);
    assertThat(db.queryLong("SELECT count(DISTINCT worker_id) FROM " + schema + ".finished_jobs")).isGreaterThan(1);
    // At the limit all along, 90 jobs of 40 ms would take 1.2 s.
    double ideal = jobs * 0.040 / 3;
    System.out.printf("concurrency 3 on 4 nodes x 8 slots: max %d running, %d jobs of 40 ms in %.2f s"
        + " (%.0f %% of the limit's throughput)%n", running.maxTotal(), jobs, seconds, 100 * ideal / seconds);
    assertThat(seconds).as("throughput near the limit's").isLessThan(ideal * 2.5);
  }

  @Test
  void atMostTwoJobsOfEachCustomerRunAtOnceAndEveryCustomerGetsItsTwo() {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("crm").partitionedBy("args.customer_id").withPartitionConcurrency(2));
    RunningCount running = new RunningCount();
    for (int i = 0; i < 3; i++) {
      node("node" + i).startWorker(b -> b.queue("crm", 8)
          .handler("sync", JsonNode.class, (args, ctx) -> {
            running.run(args.get("customer_id").asText(), () -> RunningCount.sleep(40));
            return null;
          }));
    }
    int customers = 4;
    int perCustomer = 20;
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < customers * perCustomer; i++) {
      requests.add(JobRequest.of("sync", Map.of("customer_id", "c" + (i % customers), "i", i),
          JobOptions.defaults().withQueue("crm")));
    }

    long start = System.nanoTime();
    client.gantry().enqueueAll(requests);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> finished("crm") == customers * perCustomer);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(running.maxByPartition()).hasSize(customers).allSatisfy((customer, max) ->
        assertThat(max).as("most jobs of %s running at once", customer).isEqualTo(2));
    assertThat(running.maxTotal()).as("most jobs running at once, all customers").isEqualTo(2 * customers);
    double ideal = perCustomer * 0.040 / 2;
    System.out.printf("2 per customer, %d customers on 3 nodes x 8 slots: max %d running (per customer %s),"
        + " %d jobs of 40 ms in %.2f s (%.0f %% of the limit's throughput)%n", customers, running.maxTotal(),
        running.maxByPartition(), customers * perCustomer, seconds, 100 * ideal / seconds);
  }

  @Test
  void aLimitedQueueAtItsLimitDoesNotHoldUpAnUnlimitedQueue() throws Exception {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("slow").withConcurrency(1));
    CountDownLatch release = new CountDownLatch(1);
    RunningCount slow = new RunningCount();
    for (int i = 0; i < 2; i++) {
      node("node" + i).startWorker(b -> b.queue("slow", 4).queue("fast", 4)
          .handler("block", JsonNode.class, (args, ctx) -> {
            slow.run("", () -> {
              try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
            return null;
          })
          .handler("noop", JsonNode.class, (args, ctx) -> null));
    }
    List<JobRequest> blocking = new ArrayList<>();
    List<JobRequest> quick = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      blocking.add(JobRequest.of("block", Map.of("i", i), JobOptions.defaults().withQueue("slow")));
    }
    for (int i = 0; i < 200; i++) {
      quick.add(JobRequest.of("noop", Map.of("i", i), JobOptions.defaults().withQueue("fast")));
    }
    client.gantry().enqueueAll(blocking);
    await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE state = 'running'") == 1);

    client.gantry().enqueueAll(quick);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> finished("fast") == 200);

    assertThat(finished("slow")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE queue = 'slow' AND state = 'available'"))
        .as("held back, still waiting").isEqualTo(4);
    release.countDown();
    await().atMost(WAIT).until(() -> finished("slow") == 5);
    assertThat(slow.maxTotal()).isEqualTo(1);
  }
}
