package dev.gantry.limits;

import static dev.gantry.testing.TestWorkers.WAIT;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.LeaseResult;
import dev.gantry.remote.LeasedJob;
import dev.gantry.testing.TestDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The limits API, partition keys, what happens to jobs already there, and limits on remote leases. */
class LimitsTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
    gantry.close();
  }

  private String table(String name) {
    return gantry.schema() + "." + name;
  }

  private List<UUID> enqueue(String queue, int n, Map<String, Object> args) {
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(JobRequest.of("k", args, JobOptions.defaults().withQueue(queue)));
    }
    return gantry.enqueueAll(requests).stream().map(r -> r.id()).toList();
  }

  private static ClaimRequest claim(List<String> queues, int limit) {
    return new ClaimRequest(queues, List.of(), limit, Duration.ofSeconds(30), "remote-1", null, Duration.ZERO);
  }

  @Test
  void setGetListAndRemoveRoundTrip() {
    QueueLimit crm = QueueLimit.of("crm").withConcurrency(20).partitionedBy("args.account.id")
        .withPartitionConcurrency(2).withRate(Rate.perMinute(600)).withPartitionRate(Rate.of(5, Duration.ofMillis(1500)));
    QueueLimit ai = QueueLimit.of("ai").withRate(Rate.perMinute(60));

    assertThat(gantry.limits().set(crm)).isEqualTo(crm);
    gantry.limits().set(ai);

    assertThat(gantry.limits().get("crm")).contains(crm);
    assertThat(gantry.limits().list()).containsExactly(ai, crm);
    QueueLimit tighter = ai.withConcurrency(1).withRate(null);
    gantry.limits().set(tighter);
    assertThat(gantry.limits().get("ai")).contains(tighter);
    assertThat(gantry.limits().remove("ai")).isTrue();
    assertThat(gantry.limits().remove("ai")).isFalse();
    assertThat(gantry.limits().get("ai")).isEmpty();
    assertThat(gantry.limits().list()).containsExactly(crm);
  }

  @Test
  void invalidLimitsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> QueueLimit.of("q").withConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("concurrency must be between 1 and 100000");
    assertThatThrownBy(() -> QueueLimit.of("q").withPartitionConcurrency(100_001))
        .hasMessageStartingWith("partitionConcurrency must be between 1 and 100000");
    assertThatThrownBy(() -> QueueLimit.of("q").partitionedBy("customer_id"))
        .hasMessageStartingWith("partitionBy must be 'tenant', 'kind' or a path into the args");
    assertThatThrownBy(() -> QueueLimit.of("q").partitionedBy("args..x")).hasMessageStartingWith("partitionBy");
    assertThatThrownBy(() -> QueueLimit.of("bad queue!")).hasMessageStartingWith("queue must be");
    assertThatThrownBy(() -> Rate.of(0, Duration.ofSeconds(1))).hasMessageStartingWith("limit must be between 1");
    assertThatThrownBy(() -> Rate.of(1, Duration.ZERO)).hasMessageStartingWith("period must be whole milliseconds");
    assertThatThrownBy(() -> Rate.of(1, Duration.ofNanos(1_500_000))).hasMessageStartingWith("period");
    assertThatThrownBy(() -> Rate.of(1, Duration.ofDays(8))).hasMessageStartingWith("period");
    assertThatThrownBy(() -> gantry.limits().set(QueueLimit.of("q")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("limit: set at least one of");
    assertThatThrownBy(() -> gantry.limits().set(QueueLimit.of("q").withPartitionConcurrency(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("partitionBy: partitionConcurrency");
    assertThat(gantry.limits().list()).isEmpty();
  }

  @Test
  void jobsOfALimitedQueueGetTheirPartitionAndOtherQueuesJobsNone() {
    gantry.limits().set(QueueLimit.of("t").withConcurrency(5).partitionedBy("tenant"));
    gantry.limits().set(QueueLimit.of("k").withConcurrency(5).partitionedBy("kind"));
    gantry.limits().set(QueueLimit.of("a").withConcurrency(5).partitionedBy("args.account.id"));
    gantry.limits().set(QueueLimit.of("whole").withConcurrency(5));
    gantry.enqueue("k1", Map.of(), JobOptions.defaults().withQueue("t").withTenant("acme"));
    gantry.enqueue("k2", Map.of(), JobOptions.defaults().withQueue("t"));
    gantry.enqueue("k3", Map.of(), JobOptions.defaults().withQueue("k"));
    gantry.enqueue("k4", Map.of("account", Map.of("id", 42)), JobOptions.defaults().withQueue("a"));
    gantry.enqueue("k5", Map.of("account", "none"), JobOptions.defaults().withQueue("a"));
    gantry.enqueue("k6", Map.of(), JobOptions.defaults().withQueue("whole"));
    gantry.enqueue("k7", Map.of(), JobOptions.defaults().withQueue("free"));
    // The SQL API's insert goes through the same trigger.
    db.execute("SELECT " + gantry.schema() + ".enqueue('k8', '{\"account\": {\"id\": \"x\"}}', '{\"queue\": \"a\"}')");

    assertThat(db.queryStrings("SELECT kind || '=' || coalesce(partition_key, 'NULL') FROM " + table("jobs")
        + " ORDER BY kind")).containsExactly("k1=acme", "k2=", "k3=k3", "k4=42", "k5=", "k6=", "k7=NULL", "k8=x");
  }

  @Test
  void aLimitCountsJobsEnqueuedAndRunningBeforeItWasSet() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RunningCount running = new RunningCount();
    workers.add(fast(gantry).queue("q", 10).handler("k", JsonNode.class, (args, ctx) -> {
      running.run("", () -> {
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      return null;
    }).start());
    enqueue("q", 2, Map.of());
    await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM " + table("jobs") + " WHERE state = 'running'") == 2);

    gantry.limits().set(QueueLimit.of("q").withConcurrency(2));
    enqueue("q", 3, Map.of());

    // The two running from before fill the limit: the new ones wait (through several polls).
    assertThat(db.queryLong("SELECT count(*) FROM " + table("jobs") + " WHERE partition_key IS NULL")).isZero();
    await().during(Duration.ofMillis(700)).atMost(WAIT)
        .until(() -> db.queryLong("SELECT count(*) FROM " + table("jobs") + " WHERE state = 'running'") == 2);
    release.countDown();
    await().atMost(WAIT).until(() -> db.queryLong("SELECT count(*) FROM " + table("finished_jobs")) == 5);
    assertThat(running.maxTotal()).isEqualTo(2);
  }

  @Test
  void removingALimitLetsTheQueueRunFreelyAgain() throws Exception {
    gantry.limits().set(QueueLimit.of("q").withConcurrency(1).partitionedBy("tenant"));
    enqueue("q", 3, Map.of());
    assertThat(gantry.leases().claim(claim(List.of("q"), 3))).hasSize(1);

    gantry.limits().remove("q");

    assertThat(db.queryLong("SELECT count(*) FROM " + table("jobs") + " WHERE partition_key IS NOT NULL")).isZero();
    await().atMost(WAIT).untilAsserted(() -> assertThat(gantry.leases().claim(claim(List.of("q"), 3))).hasSize(2));
  }

  @Test
  void changingWhatMakesAPartitionPutsTheWaitingJobsInTheirNewPartitions() throws Exception {
    gantry.limits().set(QueueLimit.of("q").partitionedBy("args.a").withPartitionConcurrency(1));
    gantry.enqueue("k", Map.of("a", "x", "b", "1"), JobOptions.defaults().withQueue("q"));
    gantry.enqueue("k", Map.of("a", "x", "b", "2"), JobOptions.defaults().withQueue("q"));

    gantry.limits().set(QueueLimit.of("q").partitionedBy("args.b").withPartitionConcurrency(1));

    assertThat(db.queryStrings("SELECT partition_key FROM " + table("jobs") + " ORDER BY partition_key"))
        .containsExactly("1", "2");
    assertThat(gantry.leases().claim(claim(List.of("q"), 5))).hasSize(2);
  }

  @Test
  void aJobThatMissedItsPartitionKeyIsGivenOneAndRuns() throws Exception {
    gantry.limits().set(QueueLimit.of("q").withConcurrency(5));
    List<UUID> ids = enqueue("q", 2, Map.of());
    // As a job inserted by a transaction that was open while the limit was set would be.
    db.execute("UPDATE " + table("jobs") + " SET partition_key = NULL WHERE id = '" + ids.get(0) + "'");

    List<LeasedJob> first = gantry.leases().claim(claim(List.of("q"), 5));
    List<LeasedJob> second = gantry.leases().claim(claim(List.of("q"), 5));

    assertThat(first).extracting(LeasedJob::id).containsExactly(ids.get(1));
    assertThat(second).extracting(LeasedJob::id).containsExactly(ids.get(0));
  }

  @Test
  void remoteClaimsStayWithinTheLimitAndACompletionFreesASlot() throws Exception {
    gantry.limits().set(QueueLimit.of("q").withConcurrency(2));
    enqueue("q", 5, Map.of());
    enqueue("other", 3, Map.of());

    List<LeasedJob> claimed = gantry.leases().claim(claim(List.of("q", "other"), 10));

    assertThat(claimed).extracting(LeasedJob::queue).containsExactly("q", "q", "other", "other", "other");
    assertThat(gantry.leases().claim(claim(List.of("q"), 10))).isEmpty();
    LeasedJob done = claimed.get(0);
    assertThat(gantry.leases().complete(done.id(), done.leaseToken(), null, null)).isInstanceOf(LeaseResult.Ok.class);
    // A long-polling claim waiting for a slot is woken by the completion elsewhere.
    List<LeasedJob> next = gantry.leases().claim(new ClaimRequest(List.of("q"), List.of(), 10, Duration.ofSeconds(30),
        "remote-2", null, Duration.ofSeconds(10)));
    assertThat(next).hasSize(1);
    assertThat(gantry.leases().claim(claim(List.of("q"), 10))).isEmpty();
  }

  @Test
  void aLongPollingRemoteClaimOnARateLimitedQueueStartsWhenTheWindowHasRoom() throws Exception {
    gantry.limits().set(QueueLimit.of("q").withRate(Rate.of(2, Duration.ofMillis(700))));
    enqueue("q", 3, Map.of());
    assertThat(gantry.leases().claim(claim(List.of("q"), 10))).hasSize(2);

    long start = System.nanoTime();
    List<LeasedJob> third = gantry.leases().claim(new ClaimRequest(List.of("q"), List.of(), 10, Duration.ofSeconds(30),
        "remote-2", null, Duration.ofSeconds(10)));

    assertThat(third).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(950));
  }
}
