package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthTest {
  private static final String JOB = "{\"kind\":\"email.send\"}";
  private static final String SCHEDULE = "{\"cron\":\"0 3 * * *\",\"kind\":\"report.build\"}";
  private static final String WORKFLOW = "{\"steps\":[{\"step\":\"a\",\"kind\":\"k\"},"
      + "{\"step\":\"b\",\"kind\":\"k\",\"depends_on\":[\"a\"]}]}";
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void withoutAKeyEveryApiRouteAnswers401WithABearerChallenge() {
    String id = UUID.randomUUID().toString();
    for (Reply r : new Reply[] {
        t.post("/v1/jobs", null, JOB), t.post("/v1/jobs/batch", null, "{\"jobs\":[" + JOB + "]}"),
        t.get("/v1/jobs", null), t.get("/v1/jobs/" + id, null), t.get("/v1/jobs/" + id + "/wait?timeout=0s", null),
        t.post("/v1/jobs/" + id + "/cancel", null, ""), t.post("/v1/jobs/" + id + "/retry", null, ""),
        t.delete("/v1/jobs/" + id, null), t.get("/v1/queues", null), t.get("/v1/jobs/" + id + "/events", null),
        t.send(t.request("/v1/queues/q/limits", null).header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"concurrency\":1}"))),
        t.get("/v1/queues/q/limits", null), t.delete("/v1/queues/q/limits", null),
        t.post("/v1/claims", null, "{\"queues\":[\"default\"]}"),
        t.post("/v1/jobs/" + id + "/heartbeat", null, "{}"), t.post("/v1/jobs/" + id + "/complete", null, "{}"),
        t.post("/v1/jobs/" + id + "/fail", null, "{}"),
        t.post("/v1/batches", null, "{\"jobs\":[" + JOB + "]}"), t.get("/v1/batches/" + id, null),
        t.get("/v1/batches/" + id + "/events", null),
        t.post("/v1/batches/" + id + "/jobs", null, "{\"jobs\":[" + JOB + "]}"),
        t.post("/v1/batches/" + id + "/seal", null, ""), t.post("/v1/batches/" + id + "/cancel", null, ""),
        t.get("/v1/batches/" + id + "/wait?timeout=0s", null), t.get("/v1/jobs/" + id + "/dependencies", null),
        t.post("/v1/workflows", null, WORKFLOW), t.get("/v1/workflows/" + id, null),
        t.post("/v1/workflows/" + id + "/cancel", null, ""), t.get("/v1/jobs/" + id + "/webhooks", null),
        t.get("/v1/batches/" + id + "/webhooks", null), putSchedule("nightly", null), t.get("/v1/schedules", null),
        t.get("/v1/schedules/nightly", null), t.post("/v1/schedules/nightly/pause", null, ""),
        t.post("/v1/schedules/nightly/resume", null, ""), t.delete("/v1/schedules/nightly", null)}) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"gantry\"");
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:unauthorized");
      assertThat(r.json().get("detail").asText()).contains("Authorization: Bearer");
    }
    assertThat(t.gantry.jobs(dev.gantry.job.JobFilter.all()).jobs()).isEmpty();
  }

  @Test
  void anInvalidKeyIs401AndSaysItWasInvalid() {
    Reply malformed = t.get("/v1/jobs", "nonsense");
    Reply wrongSecret = t.get("/v1/jobs", t.producer.substring(0, t.producer.length() - 3) + "abc");

    for (Reply r : new Reply[] {malformed, wrongSecret}) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
      assertThat(r.json().get("detail").asText()).startsWith("the API key is not valid");
    }
  }

  @Test
  void theKeyMayAlsoComeInXApiKey() {
    Reply r = t.send(t.request("/v1/jobs", null).header("X-Api-Key", t.producer).GET());
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void producersMayEnqueueReadWaitAndCancelButNotRetryDeleteOrSeeQueues() {
    Reply created = t.post("/v1/jobs", t.producer, JOB);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();

    assertThat(t.get("/v1/jobs/" + id, t.producer).status()).isEqualTo(200);
    assertThat(t.get("/v1/jobs", t.producer).status()).isEqualTo(200);
    assertThat(t.get("/v1/jobs/" + id + "/wait?timeout=0s", t.producer).status()).isEqualTo(200);
    assertThat(t.post("/v1/jobs/" + id + "/cancel", t.producer, "").status()).isEqualTo(200);

    for (Reply r : new Reply[] {t.post("/v1/jobs/" + id + "/retry", t.producer, ""), t.delete("/v1/jobs/" + id, t.producer),
        t.get("/v1/queues", t.producer), t.get("/v1/queues/default/limits", t.producer),
        t.delete("/v1/queues/default/limits", t.producer)}) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:forbidden");
      assertThat(r.json().get("detail").asText()).contains("has role producer").contains("needs a key with role admin");
    }
    assertThat(t.gantry.job(UUID.fromString(id))).isPresent();
  }

  @Test
  void workersMayUseOnlyTheWorkerRoutes() {
    Reply enqueue = t.post("/v1/jobs", t.worker, JOB);
    Reply list = t.get("/v1/jobs", t.worker);
    Reply claim = t.post("/v1/claims", t.worker, "{\"queues\":[\"default\"]}");

    assertThat(enqueue.status()).isEqualTo(403);
    assertThat(enqueue.json().get("detail").asText()).contains("has role worker").contains("producer or admin");
    assertThat(list.status()).isEqualTo(403);
    assertThat(claim.status()).isEqualTo(200);
    assertThat(t.gantry.jobs(dev.gantry.job.JobFilter.all()).jobs()).isEmpty();
  }

  @Test
  void workflowsAndBatchWaitsAreForProducersAndAdminsAndAJobsDependenciesAlsoForWorkers() {
    for (String key : new String[] {t.producer, t.admin}) {
      Reply created = t.post("/v1/workflows", key, WORKFLOW);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String workflow = created.json().get("id").asText();
      String step = created.json().get("steps").get(1).get("job_id").asText();
      assertThat(t.get("/v1/workflows/" + workflow, key).status()).isEqualTo(200);
      assertThat(t.get("/v1/batches/" + workflow + "/wait?timeout=0s", key).status()).isEqualTo(200);
      assertThat(t.get("/v1/jobs/" + step + "/dependencies", key).status()).isEqualTo(200);
      assertThat(t.post("/v1/workflows/" + workflow + "/cancel", key, "").status()).isEqualTo(200);
    }

    String workflow = t.post("/v1/workflows", t.producer, WORKFLOW).json().get("id").asText();
    String step = t.get("/v1/workflows/" + workflow, t.producer).json().get("steps").get(1).get("job_id").asText();
    Reply dependencies = t.get("/v1/jobs/" + step + "/dependencies", t.worker);
    assertThat(dependencies.status()).as(dependencies.body()).isEqualTo(200);
    assertThat(dependencies.json().get("dependencies")).hasSize(1);
    long jobs = t.gantry.jobs(dev.gantry.job.JobFilter.all()).jobs().size();
    for (Reply r : new Reply[] {t.post("/v1/workflows", t.worker, WORKFLOW), t.get("/v1/workflows/" + workflow, t.worker),
        t.post("/v1/workflows/" + workflow + "/cancel", t.worker, ""),
        t.get("/v1/batches/" + workflow + "/wait?timeout=0s", t.worker)}) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:forbidden");
      assertThat(r.json().get("detail").asText()).contains("has role worker").contains("needs a key with role producer or admin");
    }
    assertThat(t.gantry.jobs(dev.gantry.job.JobFilter.all()).jobs()).hasSize((int) jobs);
    assertThat(t.get("/v1/workflows/" + workflow, t.producer).json().get("cancel_requested").asBoolean()).isFalse();
  }

  @Test
  void webhookDeliveriesAreReadByProducersAndAdminsButNotWorkers() {
    String job = t.post("/v1/jobs", t.producer, JOB).json().get("id").asText();
    String batch = t.post("/v1/batches", t.producer, "{\"jobs\":[" + JOB + "]}").json().get("id").asText();

    for (String key : new String[] {t.producer, t.admin}) {
      assertThat(t.get("/v1/jobs/" + job + "/webhooks", key).status()).isEqualTo(200);
      assertThat(t.get("/v1/batches/" + batch + "/webhooks", key).status()).isEqualTo(200);
    }
    for (Reply r : new Reply[] {t.get("/v1/jobs/" + job + "/webhooks", t.worker),
        t.get("/v1/batches/" + batch + "/webhooks", t.worker)}) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("detail").asText()).contains("has role worker").contains("needs a key with role producer or admin");
    }
  }

  private Reply putSchedule(String name, String key) {
    return t.send(t.request("/v1/schedules/" + name, key).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(SCHEDULE)));
  }

  @Test
  void schedulesAreForProducersAndAdminsButNotWorkers() {
    for (String key : new String[] {t.producer, t.admin}) {
      String name = key.equals(t.producer) ? "by-producer" : "by-admin";
      assertThat(putSchedule(name, key).status()).isEqualTo(201);
      assertThat(t.get("/v1/schedules", key).status()).isEqualTo(200);
      assertThat(t.get("/v1/schedules/" + name, key).status()).isEqualTo(200);
      assertThat(t.post("/v1/schedules/" + name + "/pause", key, "").status()).isEqualTo(200);
      assertThat(t.post("/v1/schedules/" + name + "/resume", key, "").status()).isEqualTo(200);
      assertThat(t.delete("/v1/schedules/" + name, key).status()).isEqualTo(204);
    }
    assertThat(putSchedule("kept", t.producer).status()).isEqualTo(201);
    for (Reply r : new Reply[] {putSchedule("kept", t.worker), t.get("/v1/schedules", t.worker),
        t.get("/v1/schedules/kept", t.worker), t.post("/v1/schedules/kept/pause", t.worker, ""),
        t.post("/v1/schedules/kept/resume", t.worker, ""), t.delete("/v1/schedules/kept", t.worker)}) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("detail").asText()).contains("has role worker").contains("needs a key with role producer or admin");
    }
    assertThat(t.gantry.schedules().get("kept").orElseThrow().paused()).isFalse();
  }

  @Test
  void adminsMayDoEverything() {
    EnqueueResult job = t.gantry.enqueue("k", null);
    String id = job.id().toString();
    assertThat(t.post("/v1/jobs", t.admin, JOB).status()).isEqualTo(201);
    assertThat(t.get("/v1/queues", t.admin).status()).isEqualTo(200);
    assertThat(t.send(t.request("/v1/queues/default/limits", t.admin).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"concurrency\":1}"))).status()).isEqualTo(200);
    assertThat(t.get("/v1/queues/default/limits", t.admin).status()).isEqualTo(200);
    assertThat(t.delete("/v1/queues/default/limits", t.admin).status()).isEqualTo(204);
    assertThat(t.post("/v1/jobs/" + id + "/cancel", t.admin, "").status()).isEqualTo(200);
    assertThat(t.post("/v1/jobs/" + id + "/retry", t.admin, "").status()).isEqualTo(200);
    assertThat(t.delete("/v1/jobs/" + id, t.admin).status()).isEqualTo(204);
  }

  @Test
  void aRevokedKeyIsRefusedOnTheVeryNextRequest() {
    String key = t.keys.create("soon revoked", Role.PRODUCER, null).token();
    assertThat(t.get("/v1/jobs", key).status()).isEqualTo(200);

    t.keys.revoke(dev.gantry.server.auth.ApiKeyToken.parse(key).orElseThrow().id());
    Reply after = t.get("/v1/jobs", key);

    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().get("detail").asText()).contains("was revoked");
  }

  @Test
  void tenantKeysAreServedAndLimitedToTheirTenant() {
    String key = t.keys.create("acme producer", Role.PRODUCER, "acme").token();

    Reply r = t.post("/v1/jobs", key, JOB);

    assertThat(r.status()).isEqualTo(201);
    assertThat(t.gantry.job(UUID.fromString(r.json().get("id").asText())).orElseThrow().tenant()).isEqualTo("acme");
    // Every route's tenant boundary is tried in TenantTest.
  }

  @Test
  void healthAndTheApiDescriptionNeedNoKey() {
    assertThat(t.get("/health/live", null).json().get("status").asText()).isEqualTo("up");
    assertThat(t.get("/health/ready", null).json().get("status").asText()).isEqualTo("ready");
    Reply doc = t.get("/openapi.json", null);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.json().get("openapi").asText()).isEqualTo("3.1.0");
  }
}
