package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys limited to a tenant, trying every route on another tenant's job: each answers exactly as
 * for a missing job (404) and changes nothing.
 */
class TenantTest {
  private final TestServer t = TestServer.start();
  private final String acmeProducer = t.key("acme producer", Role.PRODUCER, "acme");
  private final String acmeWorker = t.key("acme worker", Role.WORKER, "acme");
  private final String acmeAdmin = t.key("acme admin", Role.ADMIN, "acme");
  private final String globexProducer = t.key("globex producer", Role.PRODUCER, "globex");
  private final String globexWorker = t.key("globex worker", Role.WORKER, "globex");

  @AfterEach
  void tearDown() {
    t.close();
  }

  private UUID enqueue(String key, String body) {
    Reply r = t.post("/v1/jobs", key, body);
    assertThat(r.status()).isEqualTo(201);
    return UUID.fromString(r.json().get("id").asText());
  }

  private Job job(UUID id) {
    return t.gantry.job(id).orElseThrow();
  }

  private static void assertNotFound(Reply r) {
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:not-found");
  }

  @Test
  void aTenantKeysJobsBelongToItsTenant() {
    Reply one = t.post("/v1/jobs", acmeProducer, "{\"kind\":\"k\"}");
    Reply batch = t.post("/v1/jobs/batch", acmeProducer, "{\"jobs\":[{\"kind\":\"a\"},{\"kind\":\"b\"}]}");
    Reply untenanted = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"}");

    assertThat(one.json().get("tenant").asText()).isEqualTo("acme");
    assertThat(batch.json().get("jobs")).allSatisfy(j -> assertThat(j.get("tenant").asText()).isEqualTo("acme"));
    assertThat(job(UUID.fromString(one.json().get("id").asText())).tenant()).isEqualTo("acme");
    assertThat(untenanted.json().get("tenant").isNull()).isTrue();
  }

  private long jobCount() {
    return t.gantry.jobs(JobFilter.all().withLimit(1000)).jobs().size();
  }

  private static void assertForbiddenNaming(Reply r, String... fields) {
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:forbidden");
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly(fields);
  }

  @Test
  void aTenantKeyMayNameItsOwnTenantWhenEnqueueing() {
    Reply one = t.post("/v1/jobs", acmeProducer, "{\"kind\":\"k\",\"tenant\":\"acme\"}");
    Reply batch = t.post("/v1/jobs/batch", acmeAdmin,
        "{\"jobs\":[{\"kind\":\"a\",\"tenant\":\"acme\"},{\"kind\":\"b\"}]}");

    assertThat(one.status()).isEqualTo(201);
    assertThat(one.json().get("tenant").asText()).isEqualTo("acme");
    assertThat(batch.status()).isEqualTo(201);
    assertThat(batch.json().get("jobs")).allSatisfy(j -> assertThat(j.get("tenant").asText()).isEqualTo("acme"));
    assertThat(job(UUID.fromString(one.json().get("id").asText())).tenant()).isEqualTo("acme");
  }

  @Test
  void aTenantKeyNamingAnotherTenantIsForbiddenAndEnqueuesNothing() {
    Reply one = t.post("/v1/jobs", acmeProducer, "{\"kind\":\"k\",\"tenant\":\"globex\"}");
    Reply byAdmin = t.postWithKey("/v1/jobs", acmeAdmin, "retry-me", "{\"kind\":\"k\",\"tenant\":\"globex\"}");
    // One job of the batch is for another tenant: none of them is enqueued.
    Reply batch = t.post("/v1/jobs/batch", acmeProducer,
        "{\"jobs\":[{\"kind\":\"a\"},{\"kind\":\"b\",\"tenant\":\"globex\"},{\"kind\":\"c\",\"tenant\":\"acme\"}]}");

    assertForbiddenNaming(one, "tenant");
    assertThat(one.json().get("detail").asText()).contains("limited to tenant 'acme'").contains("'globex'");
    assertForbiddenNaming(byAdmin, "tenant");
    assertForbiddenNaming(batch, "jobs[1].tenant");
    assertThat(jobCount()).isZero();
    // The refused request did not use up its idempotency key.
    Reply retried = t.postWithKey("/v1/jobs", acmeAdmin, "retry-me", "{\"kind\":\"k\"}");
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.header("Idempotent-Replayed")).isNull();
    assertThat(jobCount()).isEqualTo(1);
  }

  @Test
  void aKeyWithoutATenantMayEnqueueForAnyTenant() {
    Reply one = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"tenant\":\"globex\"}");
    Reply batch = t.post("/v1/jobs/batch", t.admin,
        "{\"jobs\":[{\"kind\":\"a\",\"tenant\":\"acme\"},{\"kind\":\"b\",\"tenant\":\"globex\"},{\"kind\":\"c\"}]}");

    assertThat(one.status()).isEqualTo(201);
    UUID globex = UUID.fromString(one.json().get("id").asText());
    assertThat(job(globex).tenant()).isEqualTo("globex");
    assertThat(batch.status()).isEqualTo(201);
    assertThat(batch.json().get("jobs")).extracting(j -> j.get("tenant").isNull() ? null : j.get("tenant").asText())
        .containsExactly("acme", "globex", null);
    // The tenant's own keys reach the job; another tenant's do not.
    assertThat(t.get("/v1/jobs/" + globex, globexProducer).status()).isEqualTo(200);
    assertNotFound(t.get("/v1/jobs/" + globex, acmeProducer));
  }

  @Test
  void anInvalidTenantIs400NamingTheField() {
    Reply one = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"tenant\":\"not a tenant!\"}");
    Reply notText = t.post("/v1/jobs", t.admin, "{\"kind\":\"k\",\"tenant\":42}");
    Reply batch = t.post("/v1/jobs/batch", t.producer,
        "{\"jobs\":[{\"kind\":\"a\",\"tenant\":\"ok\"},{\"kind\":\"b\",\"tenant\":\"\"}]}");

    for (Reply r : new Reply[] {one, notText, batch}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    }
    assertThat(one.json().get("errors").get(0).get("field").asText()).isEqualTo("tenant");
    assertThat(one.json().get("errors").get(0).get("message").asText()).contains("letters, digits");
    assertThat(notText.json().get("errors").get(0).get("field").asText()).isEqualTo("tenant");
    assertThat(batch.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("jobs[1].tenant");
    assertThat(jobCount()).isZero();
  }

  @Test
  void anotherTenantsJobCannotBeReadListedWaitedForOrStreamed() throws Exception {
    UUID globex = enqueue(globexProducer, "{\"kind\":\"k\"}");
    UUID acme = enqueue(acmeProducer, "{\"kind\":\"k\"}");
    UUID none = enqueue(t.producer, "{\"kind\":\"k\"}");
    String missing = t.get("/v1/jobs/" + UUID.randomUUID(), acmeProducer).json().get("detail").asText()
        .replaceAll("[0-9a-f-]{36}", "ID");

    for (String key : new String[] {acmeProducer, acmeAdmin}) {
      Reply read = t.get("/v1/jobs/" + globex, key);
      assertNotFound(read);
      // Word for word what a missing job gets, so nothing tells that the job exists.
      assertThat(read.json().get("detail").asText().replaceAll("[0-9a-f-]{36}", "ID")).isEqualTo(missing);
      assertNotFound(t.get("/v1/jobs/" + none, key));
      assertNotFound(t.get("/v1/jobs/" + globex + "/wait?timeout=0s", key));
      try (EventStreamClient stream = t.events("/v1/jobs/" + globex + "/events", key, null)) {
        assertThat(stream.status()).isEqualTo(404);
      }
      JsonNode listed = t.get("/v1/jobs", key).json().get("jobs");
      assertThat(listed).extracting(j -> j.get("id").asText()).containsExactly(acme.toString());
      assertThat(t.get("/v1/jobs?kind=k&state=available", key).json().get("jobs")).hasSize(1);
    }
    assertThat(t.get("/v1/jobs/" + acme, acmeProducer).status()).isEqualTo(200);
    // A key without a tenant sees every tenant's jobs.
    assertThat(t.get("/v1/jobs", t.producer).json().get("jobs")).hasSize(3);
    assertThat(t.get("/v1/jobs/" + globex, t.admin).json().get("tenant").asText()).isEqualTo("globex");
    assertThat(t.server.openEventStreams()).isZero();
  }

  @Test
  void anotherTenantsJobCannotBeCancelledRetriedOrDeleted() {
    UUID waiting = enqueue(globexProducer, "{\"kind\":\"k\"}");
    UUID cancelled = enqueue(globexProducer, "{\"kind\":\"k\"}");
    t.gantry.cancel(cancelled);

    assertNotFound(t.post("/v1/jobs/" + waiting + "/cancel", acmeProducer, ""));
    assertNotFound(t.post("/v1/jobs/" + waiting + "/cancel", acmeAdmin, ""));
    assertNotFound(t.post("/v1/jobs/" + cancelled + "/retry", acmeAdmin, ""));
    assertNotFound(t.delete("/v1/jobs/" + waiting, acmeAdmin));

    assertThat(job(waiting).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job(cancelled).state()).isEqualTo(JobState.CANCELLED);
    // The tenant's own admin may do all of it to its own jobs.
    UUID own = enqueue(acmeProducer, "{\"kind\":\"k\"}");
    assertThat(t.post("/v1/jobs/" + own + "/cancel", acmeAdmin, "").status()).isEqualTo(200);
    assertThat(t.post("/v1/jobs/" + own + "/retry", acmeAdmin, "").status()).isEqualTo(200);
    assertThat(t.delete("/v1/jobs/" + own, acmeAdmin).status()).isEqualTo(204);
  }

  @Test
  void aTenantWorkerClaimsOnlyItsTenantsJobs() {
    UUID globex = enqueue(globexProducer, "{\"kind\":\"k\",\"priority\":-100}");
    UUID none = enqueue(t.producer, "{\"kind\":\"k\",\"priority\":-100}");
    UUID acme = enqueue(acmeProducer, "{\"kind\":\"k\"}");

    Reply r = t.post("/v1/claims", acmeWorker, "{\"queues\":[\"default\"],\"limit\":10}");

    assertThat(r.json().get("jobs")).extracting(j -> j.get("id").asText()).containsExactly(acme.toString());
    assertThat(r.json().get("jobs").get(0).get("tenant").asText()).isEqualTo("acme");
    assertThat(job(globex).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job(none).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(t.post("/v1/claims", acmeWorker, "{\"queues\":[\"default\"],\"limit\":10}").json().get("jobs")).isEmpty();
  }

  @Test
  void anotherTenantsLeaseCannotBeRenewedCompletedOrFailedEvenWithItsToken() {
    UUID globex = enqueue(globexProducer, "{\"kind\":\"k\"}");
    String token = t.post("/v1/claims", globexWorker, "{\"queues\":[\"default\"]}").json().get("jobs").get(0)
        .get("lease_token").asText();
    Job before = job(globex);
    String lease = "{\"lease_token\":\"" + token + "\"";

    assertNotFound(t.post("/v1/jobs/" + globex + "/heartbeat", acmeWorker, lease + ",\"extend\":\"PT1H\",\"progress\":{\"percent\":9}}"));
    assertNotFound(t.post("/v1/jobs/" + globex + "/complete", acmeWorker, lease + ",\"result\":1}"));
    assertNotFound(t.post("/v1/jobs/" + globex + "/fail", acmeWorker, lease + ",\"error\":\"x\",\"retryable\":false}"));
    assertNotFound(t.post("/v1/jobs/" + globex + "/complete", acmeAdmin, lease + "}"));

    Job after = job(globex);
    assertThat(after.state()).isEqualTo(JobState.RUNNING);
    assertThat(after.leaseExpiresAt()).isEqualTo(before.leaseExpiresAt());
    assertThat(after.progressPercent()).isNull();
    assertThat(after.errors()).isEmpty();
    // Its own tenant's worker still holds the lease.
    assertThat(t.post("/v1/jobs/" + globex + "/complete", globexWorker, lease + "}").status()).isEqualTo(200);
  }

  @Test
  void uniqueKeysAreUniquePerTenantAndADuplicateNeverReturnsAnotherTenantsJob() {
    Reply acme = t.post("/v1/jobs", acmeProducer, "{\"kind\":\"k\",\"unique_key\":\"daily-report\"}");
    Reply globex = t.post("/v1/jobs", globexProducer, "{\"kind\":\"k\",\"unique_key\":\"daily-report\"}");
    Reply none = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"unique_key\":\"daily-report\"}");
    Reply acmeAgain = t.post("/v1/jobs", acmeProducer, "{\"kind\":\"k\",\"unique_key\":\"daily-report\"}");
    Reply globexBatch = t.post("/v1/jobs/batch", globexProducer, "{\"jobs\":[{\"kind\":\"k\",\"unique_key\":\"daily-report\"}]}");

    assertThat(acme.status()).isEqualTo(201);
    assertThat(globex.status()).isEqualTo(201);
    assertThat(none.status()).isEqualTo(201);
    assertThat(globex.json().get("id")).isNotEqualTo(acme.json().get("id"));
    assertThat(none.json().get("id")).isNotIn(acme.json().get("id"), globex.json().get("id"));
    assertThat(acmeAgain.status()).isEqualTo(200);
    assertThat(acmeAgain.json().get("duplicate").asBoolean()).isTrue();
    assertThat(acmeAgain.json().get("id")).isEqualTo(acme.json().get("id"));
    assertThat(globexBatch.status()).isEqualTo(200);
    assertThat(globexBatch.json().get("jobs").get(0).get("id")).isEqualTo(globex.json().get("id"));
  }

  @Test
  void routesCoveringEveryTenantRefuseTenantKeysEvenAdminOnes() {
    Reply queues = t.get("/v1/queues", acmeAdmin);

    assertThat(queues.status()).isEqualTo(403);
    assertThat(queues.json().get("detail").asText()).contains("limited to tenant 'acme'").contains("every tenant");
    assertThat(t.get("/v1/queues", t.admin).status()).isEqualTo(200);
    try (TestServer withKey = TestServer.start(s -> s.withMetricsKey("scrape-me-please-0123456789"))) {
      String tenantAdmin = withKey.key("acme admin", Role.ADMIN, "acme");
      assertThat(withKey.get("/metrics", tenantAdmin).status()).isEqualTo(401);
      assertThat(withKey.get("/metrics", withKey.admin).status()).isEqualTo(200);
    }
  }

  @Test
  void aTenantsWaitSeesItsJobFinish() {
    UUID acme = enqueue(acmeProducer, "{\"kind\":\"k\"}");
    t.post("/v1/jobs/" + acme + "/cancel", acmeProducer, "");

    Reply r = t.get("/v1/jobs/" + acme + "/wait?timeout=5s", acmeProducer);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("finished").asBoolean()).isTrue();
    assertThat(r.json().get("state").asText()).isEqualTo("cancelled");
  }
}
