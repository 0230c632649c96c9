package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.server.http.TestServer.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseRoutesTest {
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private JsonNode claimOne(String queue) {
    Reply r = t.post("/v1/claims", t.worker, "{\"queues\":[\"" + queue + "\"],\"lease\":\"PT1M\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("jobs")).hasSize(1);
    return r.json().get("jobs").get(0);
  }

  private Job job(UUID id) {
    return t.gantry.job(id).orElseThrow();
  }

  @Test
  void aClaimLeasesTheMostUrgentJobsWithWhatTheWorkerNeeds() {
    UUID low = t.gantry.enqueue("resize", Map.of("n", 1), JobOptions.defaults().withQueue("images").withPriority(5)).id();
    UUID high = t.gantry.enqueue("resize", Map.of("n", 2), JobOptions.defaults().withQueue("images")
        .withPriority(-5).withMaxAttempts(3).withMetadata(Map.of("trace", "t-1"))).id();
    UUID otherKind = t.gantry.enqueue("thumbnail", null, JobOptions.defaults().withQueue("images")).id();
    Instant before = t.db.now();

    Reply r = t.post("/v1/claims", t.worker,
        "{\"queues\":[\"images\"],\"kinds\":[\"resize\"],\"limit\":10,\"lease\":\"PT2M\",\"worker_id\":\"node-7\"}");

    assertThat(r.status()).isEqualTo(200);
    JsonNode jobs = r.json().get("jobs");
    assertThat(jobs).extracting(j -> j.get("id").asText()).containsExactly(high.toString(), low.toString());
    JsonNode first = jobs.get(0);
    assertThat(first.get("kind").asText()).isEqualTo("resize");
    assertThat(first.get("args").get("n").asInt()).isEqualTo(2);
    assertThat(first.get("metadata").get("trace").asText()).isEqualTo("t-1");
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.get("max_attempts").asInt()).isEqualTo(3);
    assertThat(UUID.fromString(first.get("lease_token").asText())).isNotNull();
    assertThat(Instant.parse(first.get("lease_expires_at").asText()))
        .isBetween(before.plus(Duration.ofMinutes(2)), t.db.now().plus(Duration.ofMinutes(2)));
    Job stored = job(high);
    assertThat(stored.state()).isEqualTo(JobState.RUNNING);
    assertThat(stored.workerId()).isEqualTo("node-7");
    assertThat(Instant.parse(first.get("attempted_at").asText())).isEqualTo(stored.attemptedAt());
    assertThat(job(otherKind).state()).isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void withoutAWorkerIdTheKeysNameIsRecordedAndOneJobIsClaimed() {
    UUID a = t.gantry.enqueue("k", null).id();
    UUID b = t.gantry.enqueue("k", null).id();

    Reply r = t.post("/v1/claims", t.worker, "{\"queues\":[\"default\"]}");

    assertThat(r.json().get("jobs")).hasSize(1);
    assertThat(job(a).workerId()).isEqualTo("test worker");
    assertThat(job(b).state()).isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void aClaimWithNothingAvailableAnswersEmptyAfterTheWait() {
    long start = System.nanoTime();

    Reply now = t.post("/v1/claims", t.worker, "{\"queues\":[\"empty\"]}");
    Reply waited = t.post("/v1/claims", t.worker, "{\"queues\":[\"empty\"],\"wait\":\"PT0.5S\"}");

    assertThat(now.json().get("jobs")).isEmpty();
    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().get("jobs")).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aWaitingClaimGetsAJobEnqueuedMeanwhile() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Reply> claim = CompletableFuture.supplyAsync(
        () -> t.post("/v1/claims", t.worker, "{\"queues\":[\"later\"],\"wait\":\"PT30S\"}"));
    UUID id = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"queue\":\"later\"}").json().get("id").asText()
        .transform(UUID::fromString);

    Reply r = claim.get(40, TimeUnit.SECONDS);

    assertThat(r.json().get("jobs")).extracting(j -> j.get("id").asText()).containsExactly(id.toString());
    // Woken by the enqueue's NOTIFY, long before the 30 s wait is over.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aHeartbeatRenewsTheLeaseAndStoresProgress() {
    UUID id = t.gantry.enqueue("scan", null).id();
    JsonNode claimed = claimOne("default");
    String token = claimed.get("lease_token").asText();
    Instant before = t.db.now();

    Reply r = t.post("/v1/jobs/" + id + "/heartbeat", t.worker, "{\"lease_token\":\"" + token + "\",\"extend\":\"PT10M\","
        + "\"progress\":{\"percent\":40,\"message\":\"2 of 5\",\"items\":[{\"item\":\"a\",\"status\":\"ok\"},"
        + "{\"item\":\"b\",\"status\":\"failed\",\"error\":\"unreadable\"}]}}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("cancel_requested").asBoolean()).isFalse();
    Instant expires = Instant.parse(r.json().get("lease_expires_at").asText());
    assertThat(expires).isBetween(before.plus(Duration.ofMinutes(10)), t.db.now().plus(Duration.ofMinutes(10)));
    JsonNode seen = t.get("/v1/jobs/" + id, t.producer).json();
    assertThat(seen.get("lease_expires_at").asText()).isEqualTo(r.json().get("lease_expires_at").asText());
    assertThat(seen.get("progress").get("percent").asInt()).isEqualTo(40);
    assertThat(seen.get("progress").get("message").asText()).isEqualTo("2 of 5");
    assertThat(seen.get("progress").get("items").get(1).get("error").asText()).isEqualTo("unreadable");

    // A heartbeat without progress keeps what was stored.
    t.post("/v1/jobs/" + id + "/heartbeat", t.worker, "{\"lease_token\":\"" + token + "\"}");
    assertThat(job(id).progressPercent()).isEqualTo(40);
  }

  @Test
  void aHeartbeatTellsTheWorkerOfACancelAndTheFailureEndsTheJobCancelled() {
    UUID id = t.gantry.enqueue("scan", null).id();
    String token = claimOne("default").get("lease_token").asText();
    assertThat(t.post("/v1/jobs/" + id + "/cancel", t.producer, "").json().get("result").asText())
        .isEqualTo("cancel_requested");

    Reply beat = t.post("/v1/jobs/" + id + "/heartbeat", t.worker, "{\"lease_token\":\"" + token + "\"}");
    Reply failed = t.post("/v1/jobs/" + id + "/fail", t.worker, "{\"lease_token\":\"" + token + "\",\"error\":\"stopped\"}");

    assertThat(beat.json().get("cancel_requested").asBoolean()).isTrue();
    assertThat(failed.json().get("state").asText()).isEqualTo("cancelled");
  }

  @Test
  void completingStoresTheResultAndASecondReportIsALostLease() {
    UUID id = t.gantry.enqueue("export", null).id();
    String token = claimOne("default").get("lease_token").asText();

    Reply done = t.post("/v1/jobs/" + id + "/complete", t.worker, "{\"lease_token\":\"" + token + "\",\"result\":{\"rows\":42}}");
    Reply again = t.post("/v1/jobs/" + id + "/complete", t.worker, "{\"lease_token\":\"" + token + "\",\"result\":{\"rows\":0}}");
    Reply failAfter = t.post("/v1/jobs/" + id + "/fail", t.worker, "{\"lease_token\":\"" + token + "\",\"error\":\"x\"}");

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("state").asText()).isEqualTo("completed");
    assertThat(done.json().get("result").get("rows").asInt()).isEqualTo(42);
    for (Reply r : new Reply[] {again, failAfter}) {
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:lease-lost");
    }
    Job stored = job(id);
    assertThat(stored.result().get("rows").asInt()).isEqualTo(42);
    assertThat(stored.errors()).isEmpty();
  }

  @Test
  void aStaleLeaseTokenChangesNothing() {
    UUID id = t.gantry.enqueue("export", null).id();
    claimOne("default");
    Job before = job(id);
    String stale = UUID.randomUUID().toString();

    Reply beat = t.post("/v1/jobs/" + id + "/heartbeat", t.worker,
        "{\"lease_token\":\"" + stale + "\",\"extend\":\"PT1H\",\"progress\":{\"percent\":99}}");
    Reply done = t.post("/v1/jobs/" + id + "/complete", t.worker, "{\"lease_token\":\"" + stale + "\"}");
    Reply failed = t.post("/v1/jobs/" + id + "/fail", t.worker, "{\"lease_token\":\"" + stale + "\",\"error\":\"x\"}");

    for (Reply r : new Reply[] {beat, done, failed}) {
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:lease-lost");
      assertThat(r.json().get("detail").asText()).contains("Nothing was written");
    }
    Job after = job(id);
    assertThat(after.state()).isEqualTo(JobState.RUNNING);
    assertThat(after.leaseExpiresAt()).isEqualTo(before.leaseExpiresAt());
    assertThat(after.progressPercent()).isNull();
    assertThat(after.errors()).isEmpty();
  }

  @Test
  void aRetryableFailureRetriesAndAPermanentOneIsDead() {
    UUID retried = t.gantry.enqueue("flaky", null, JobOptions.defaults().withQueue("a")).id();
    UUID dead = t.gantry.enqueue("broken", null, JobOptions.defaults().withQueue("b")).id();
    String t1 = claimOne("a").get("lease_token").asText();
    String t2 = claimOne("b").get("lease_token").asText();

    Reply r1 = t.post("/v1/jobs/" + retried + "/fail", t.worker, "{\"lease_token\":\"" + t1 + "\",\"error\":\"timeout\"}");
    Reply r2 = t.post("/v1/jobs/" + dead + "/fail", t.worker,
        "{\"lease_token\":\"" + t2 + "\",\"error\":\"bad input\",\"retryable\":false}");

    assertThat(r1.json().get("state").asText()).isEqualTo("retryable");
    assertThat(r1.json().get("errors").get(0).get("message").asText()).isEqualTo("timeout");
    assertThat(r1.json().get("errors").get(0).get("error_class").asText()).isEqualTo("remote");
    assertThat(Instant.parse(r1.json().get("scheduled_at").asText())).isAfter(job(retried).attemptedAt());
    assertThat(r2.json().get("state").asText()).isEqualTo("dead");
    assertThat(r2.json().get("finished").asBoolean()).isTrue();
  }

  @Test
  void anUnknownJobIs404() {
    String id = UUID.randomUUID().toString();
    String token = "{\"lease_token\":\"" + UUID.randomUUID() + "\",\"error\":\"x\"}";

    assertThat(t.post("/v1/jobs/" + id + "/heartbeat", t.worker, "{\"lease_token\":\"" + UUID.randomUUID() + "\"}").status())
        .isEqualTo(404);
    assertThat(t.post("/v1/jobs/" + id + "/complete", t.worker, "{\"lease_token\":\"" + UUID.randomUUID() + "\"}").status())
        .isEqualTo(404);
    assertThat(t.post("/v1/jobs/" + id + "/fail", t.worker, token).status()).isEqualTo(404);
  }

  @Test
  void badRequestsNameEveryFieldAtFault() {
    Reply claim = t.post("/v1/claims", t.worker,
        "{\"queues\":[],\"limit\":0,\"lease\":\"30s\",\"wait\":\"PT61S\",\"kinds\":[\"a b\"],\"worker_id\":\" \",\"extra\":1}");
    Reply noQueues = t.post("/v1/claims", t.worker, "{}");
    String id = UUID.randomUUID().toString();
    Reply beat = t.post("/v1/jobs/" + id + "/heartbeat", t.worker,
        "{\"lease_token\":\"nope\",\"extend\":\"PT2H\",\"progress\":{\"percent\":101,\"items\":{},\"color\":\"red\"}}");
    Reply fail = t.post("/v1/jobs/" + id + "/fail", t.worker, "{\"retryable\":\"yes\"}");

    assertThat(claim.status()).isEqualTo(400);
    assertThat(claim.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactlyInAnyOrder("queues", "kinds[0]", "limit", "lease", "wait", "extra", "worker_id");
    assertThat(noQueues.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("queues");
    assertThat(beat.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactlyInAnyOrder("lease_token", "extend", "progress.percent", "progress.items", "progress.color");
    assertThat(fail.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactlyInAnyOrder("lease_token", "error", "retryable");
  }

  @Test
  void onlyWorkerAndAdminKeysMayUseTheWorkerRoutes() {
    UUID id = t.gantry.enqueue("k", null).id();
    String lease = "{\"lease_token\":\"" + UUID.randomUUID() + "\"}";

    for (Reply r : new Reply[] {t.post("/v1/claims", t.producer, "{\"queues\":[\"default\"]}"),
        t.post("/v1/jobs/" + id + "/heartbeat", t.producer, lease), t.post("/v1/jobs/" + id + "/complete", t.producer, lease),
        t.post("/v1/jobs/" + id + "/fail", t.producer, lease)}) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("detail").asText()).contains("needs a key with role worker or admin");
    }
    assertThat(job(id).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(t.post("/v1/claims", t.admin, "{\"queues\":[\"default\"]}").json().get("jobs")).hasSize(1);
  }
}
