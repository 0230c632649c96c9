package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/queues/{queue}/limits}: set, read, lift, every check on the body, and who may. */
class QueueLimitRoutesTest {
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private Reply put(String queue, String key, String json) {
    return t.send(t.request("/v1/queues/" + queue + "/limits", key).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Test
  void setReadAndLiftAQueuesLimits() throws Exception {
    Reply set = put("crm", t.admin, "{\"concurrency\": 20, \"partition_by\": \"args.account_id\","
        + " \"partition_concurrency\": 2, \"rate\": {\"limit\": 60, \"period\": \"PT1M\"},"
        + " \"partition_rate\": {\"limit\": 5, \"period\": \"PT0.5S\"}}");

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("queue").asText()).isEqualTo("crm");
    assertThat(set.json().get("partition_rate").get("period").asText()).isEqualTo("PT0.5S");
    assertThat(t.gantry.limits().get("crm")).contains(QueueLimit.of("crm").withConcurrency(20)
        .partitionedBy("args.account_id").withPartitionConcurrency(2).withRate(Rate.perMinute(60))
        .withPartitionRate(Rate.of(5, Duration.ofMillis(500))));
    Reply read = t.get("/v1/queues/crm/limits", t.admin);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(set.json());

    Reply replaced = put("crm", t.admin, "{\"concurrency\": 1}");
    assertThat(replaced.json().get("concurrency").asInt()).isEqualTo(1);
    assertThat(replaced.json().get("rate").isNull()).isTrue();
    assertThat(replaced.json().get("partition_by").isNull()).isTrue();

    assertThat(t.delete("/v1/queues/crm/limits", t.admin).status()).isEqualTo(204);
    assertThat(t.gantry.limits().get("crm")).isEmpty();
    Reply gone = t.get("/v1/queues/crm/limits", t.admin);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("detail").asText()).isEqualTo("queue crm has no limits");
    assertThat(t.delete("/v1/queues/crm/limits", t.admin).status()).isEqualTo(404);
  }

  @Test
  void aLimitSetOverHttpHoldsForRemoteWorkers() throws Exception {
    assertThat(put("sync", t.admin, "{\"concurrency\": 2}").status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      t.gantry.enqueue("k", Map.of(), dev.gantry.enqueue.JobOptions.defaults().withQueue("sync"));
    }

    Reply claimed = t.post("/v1/claims", t.worker, "{\"queues\": [\"sync\"], \"limit\": 5}");

    assertThat(claimed.status()).isEqualTo(200);
    assertThat(claimed.json().get("jobs")).hasSize(2);
    assertThat(t.gantry.leases().claim(new ClaimRequest(List.of("sync"), List.of(), 5, Duration.ofSeconds(30), "w",
        null, Duration.ZERO))).isEmpty();
  }

  @Test
  void everyMistakeInTheBodyIsNamed() {
    Reply r = put("q", t.admin, "{\"concurrency\": 0, \"partition_by\": \"customer_id\", \"partition_concurrency\": \"2\","
        + " \"rate\": {\"limit\": 10}, \"partition_rate\": {\"limit\": 1, \"period\": \"soon\"}, \"burst\": 3}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactlyInAnyOrder(
        "concurrency", "partition_concurrency", "rate.period", "partition_rate.period", "burst", "partition_by");
    assertThat(t.gantry.limits().list()).isEmpty();

    Reply empty = put("q", t.admin, "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("errors").get(0).get("field").asText()).isEqualTo("(body)");
    Reply unpartitioned = put("q", t.admin, "{\"partition_concurrency\": 2}");
    assertThat(unpartitioned.json().get("errors").get(0).get("field").asText()).isEqualTo("partition_by");
    Reply subMillisecond = put("q", t.admin, "{\"rate\": {\"limit\": 1, \"period\": \"PT0.0005S\"}}");
    assertThat(subMillisecond.status()).isEqualTo(400);
    Reply badQueue = t.get("/v1/queues/no%20spaces/limits", t.admin);
    assertThat(badQueue.status()).isEqualTo(400);
    assertThat(badQueue.json().get("errors").get(0).get("field").asText()).isEqualTo("queue");
    assertThat(t.gantry.limits().list()).isEmpty();
  }

  @Test
  void onlyAdminsWithoutATenantMaySeeOrChangeLimits() {
    String tenantAdmin = t.key("acme admin", Role.ADMIN, "acme");
    t.gantry.limits().set(QueueLimit.of("q").withConcurrency(3));

    for (String key : new String[] {t.producer, t.worker, tenantAdmin}) {
      for (Reply r : new Reply[] {put("q", key, "{\"concurrency\": 1}"), t.get("/v1/queues/q/limits", key),
          t.delete("/v1/queues/q/limits", key)}) {
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:forbidden");
      }
    }
    assertThat(t.gantry.limits().get("q")).contains(QueueLimit.of("q").withConcurrency(3));
  }
}
