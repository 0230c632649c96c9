package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rate limits across several nodes, checked from the database's own record of when each attempt
 * started (attempted_at): no period of the given length, wherever it begins, holds more starts
 * than the limit, and the starts come about as fast as the limit allows.
 */
class RateLimitTest {
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

  /** Attempt starts, in order, of the queue's finished jobs (of one partition, or all when null). */
  private List<Instant> starts(String queue, String customer) {
    return db.queryStrings("SELECT to_char(attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM "
            + schema + ".finished_jobs WHERE queue = '" + queue + "'"
            + (customer == null ? "" : " AND args->>'customer' = '" + customer + "'") + " ORDER BY attempted_at")
        .stream().map(Instant::parse).toList();
  }

  /** The most starts in any period [t, t + period) beginning at a start (the busiest periods begin at one). */
  private static int busiestPeriod(List<Instant> starts, Duration period) {
    int most = 0;
    int end = 0;
    for (int i = 0; i < starts.size(); i++) {
      Instant until = starts.get(i).plus(period);
      while (end < starts.size() && starts.get(end).isBefore(until)) {
        end++;
      }
      most = Math.max(most, end - i);
    }
    return most;
  }

  private void startNodes(int count, String queue) {
    for (int i = 0; i < count; i++) {
      node("node" + i).startWorker(b -> b.queue(queue, 8).handler("call", JsonNode.class, (args, ctx) -> null));
    }
  }

  @Test
  void tenStartsPerSecondAcrossThreeNodesNeverMoreInAnySecondAndAboutTenEachSecond() {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("ai").withRate(Rate.perSecond(10)));
    startNodes(3, "ai");
    int jobs = 50;
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      requests.add(JobRequest.of("call", Map.of("i", i), JobOptions.defaults().withQueue("ai")));
    }

    client.gantry().enqueueAll(requests);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> starts("ai", null).size() == jobs);

    List<Instant> starts = starts("ai", null);
    int busiest = busiestPeriod(starts, Duration.ofSeconds(1));
    Duration span = Duration.between(starts.get(0), starts.get(jobs - 1));
    // At exactly the limit: 10 at once, then 10 more as each second passes; the last 10 start 4 s after the first.
    double perSecond = (jobs - 10) / (span.toNanos() / 1e9);
    System.out.printf("rate 10/s on 3 nodes: most starts in any 1 s: %d; %d starts over %d ms = %.2f starts/s"
        + " after the first 10 (limit 10/s); per second from the first: %s%n", busiest, jobs, span.toMillis(),
        perSecond, perSecondFromFirst(starts));
    assertThat(busiest).isEqualTo(10);
    assertThat(span).as("time from the first start to the last").isBetween(Duration.ofSeconds(4), Duration.ofMillis(5_500));
    assertThat(db.queryLong("SELECT count(DISTINCT worker_id) FROM " + schema + ".finished_jobs")).isGreaterThan(1);
  }

  @Test
  void aRatePerCustomerHoldsEachCustomerToItAndLetsTheOthersRun() {
    TestNode client = node("client");
    client.gantry().limits().set(QueueLimit.of("mail").partitionedBy("args.customer")
        .withPartitionRate(Rate.of(3, Duration.ofMillis(500))));
    startNodes(2, "mail");
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      requests.add(JobRequest.of("call", Map.of("customer", i < 15 ? "a" : i < 24 ? "b" : "c"),
          JobOptions.defaults().withQueue("mail")));
    }

    client.gantry().enqueueAll(requests);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> starts("mail", null).size() == 30);

    for (String customer : List.of("a", "b", "c")) {
      List<Instant> starts = starts("mail", customer);
      assertThat(busiestPeriod(starts, Duration.ofMillis(500))).as("most starts of %s in any 500 ms", customer)
          .isEqualTo(3);
    }
    // c's 6 jobs need two periods, a's 15 five: c is not held up behind a.
    Duration cDone = Duration.between(starts("mail", null).get(0), starts("mail", "c").get(5));
    assertThat(cDone).isLessThan(Duration.ofMillis(1_500));
  }

  private static Map<Long, Integer> perSecondFromFirst(List<Instant> starts) {
    Map<Long, Integer> out = new TreeMap<>();
    for (Instant s : starts) {
      out.merge(Duration.between(starts.get(0), s).toMillis() / 1000, 1, Integer::sum);
    }
    return out;
  }
}
