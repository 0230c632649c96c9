package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.LeasedJob;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fairness between partitions: a partition with 500 jobs waiting, enqueued first, does not keep
 * one with 5 waiting behind them, whether each partition has its own limit or they share the
 * queue's.
 */
class FairnessTest {
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

  private long completed(String tenant) {
    return db.queryLong("SELECT count(*) FROM " + schema + ".finished_jobs WHERE args->>'tenant' = '" + tenant + "'");
  }

  /** 500 jobs of tenant "big", then 5 of "small"; two nodes run them; returns big's completed count once small is done. */
  private long bigDoneWhenSmallIsDone(QueueLimit limit) {
    TestNode client = node("client");
    client.gantry().limits().set(limit);
    List<JobRequest> big = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      big.add(JobRequest.of("work", Map.of("tenant", "big", "i", i), JobOptions.defaults().withQueue("shared")));
    }
    List<JobRequest> small = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      small.add(JobRequest.of("work", Map.of("tenant", "small", "i", i), JobOptions.defaults().withQueue("shared")));
    }
    client.gantry().enqueueAll(big);
    client.gantry().enqueueAll(small);
    RunningCount running = new RunningCount();
    for (int i = 0; i < 2; i++) {
      node("node" + i).startWorker(b -> b.queue("shared", 8)
          .handler("work", JsonNode.class, (args, ctx) -> {
            running.run(args.get("tenant").asText(), () -> RunningCount.sleep(20));
            return null;
          }));
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> completed("small") == 5);
    long bigDone = completed("big");
    System.out.printf("%s: small's 5 jobs done when big had done %d of its 500 (most running at once %s)%n",
        limit, bigDone, running.maxByPartition());
    return bigDone;
  }

  @Test
  void withOneSlotPerTenantTheSmallTenantIsNotBehindTheBigOne() {
    long bigDone = bigDoneWhenSmallIsDone(QueueLimit.of("shared").partitionedBy("args.tenant").withPartitionConcurrency(1));

    // Strictly first come, first served, small would start after all 500 of big's.
    assertThat(bigDone).isLessThan(50);
  }

  @Test
  void everyOneOfManyPartitionsStartsAJobBeforeAnyStartsASecond() throws Exception {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("shared").withConcurrency(7).partitionedBy("args.tenant"));
    int tenants = 40;
    List<JobRequest> requests = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      for (int i = 0; i < 4; i++) {
        requests.add(JobRequest.of("work", Map.of("tenant", "t" + t, "i", i), JobOptions.defaults().withQueue("shared")));
      }
    }
    client.gantry().enqueueAll(requests);

    // A remote worker takes what the limit allows, finishes it, and asks again: claims in turn.
    // claimOf.get(tenant).get(n): the claim that started the tenant's job n.
    Map<String, List<Integer>> claimOf = new java.util.TreeMap<>();
    ClaimRequest claim = new ClaimRequest(List.of("shared"), List.of(), 100, Duration.ofSeconds(30), "w", null, Duration.ZERO);
    int started = 0;
    for (int n = 0; started < tenants * 4; n++) {
      List<LeasedJob> claimed = client.gantry().leases().claim(claim);
      assertThat(claimed).hasSizeBetween(1, 7);
      for (LeasedJob j : claimed) {
        claimOf.computeIfAbsent(j.args().get("tenant").asText(), t -> new ArrayList<>()).add(n);
        client.gantry().leases().complete(j.id(), j.leaseToken(), null, null);
        started++;
      }
    }

    // Each tenant's 4 jobs were enqueued together, yet no tenant's (k+1)th job started in a claim before
    // another tenant's kth (the claim that comes round the ring to the first tenants again starts both).
    assertThat(claimOf).hasSize(tenants);
    for (int k = 0; k < 3; k++) {
      int kth = k;
      int lastKth = claimOf.values().stream().mapToInt(c -> c.get(kth)).max().orElseThrow();
      int firstNext = claimOf.values().stream().mapToInt(c -> c.get(kth + 1)).min().orElseThrow();
      assertThat(firstNext).as("first claim of a job %d vs last claim of a job %d", k + 2, k + 1)
          .isGreaterThanOrEqualTo(lastKth);
    }
  }

  @Test
  void underAQueueWideLimitTheSmallTenantGetsItsTurnsToo() {
    long bigDone = bigDoneWhenSmallIsDone(QueueLimit.of("shared").withConcurrency(2).partitionedBy("args.tenant"));

    // Taking turns, small's 5 run alongside 5 or so of big's.
    assertThat(bigDone).isLessThan(50);
  }
}
