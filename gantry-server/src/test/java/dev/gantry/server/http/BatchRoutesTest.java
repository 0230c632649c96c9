package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.worker.Worker;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /v1/batches} routes against a real server and database: batches made, filled, run
 * (by a library worker and by remote workers over HTTP), sealed and cancelled, with their callbacks;
 * keys, tenants and validation as on the job routes.
 */
class BatchRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Callbacks go to a queue no worker here serves, so they stay to be counted. */
  private static final String CALLBACKS = """
      "on_success": {"kind": "cb.success", "queue": "callbacks", "args": {"x": 1}, "priority": 5, "metadata": {"m": 1}},
      "on_failure": {"kind": "cb.failure", "queue": "callbacks"},
      "on_complete": {"kind": "cb.complete", "queue": "callbacks", "max_attempts": 3, "timeout": "PT1M"}""";

  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static UUID id(Reply r) {
    return UUID.fromString(r.json().get("id").asText());
  }

  private Reply create(String key, String body) {
    return t.post("/v1/batches", key, body);
  }

  private UUID created(String key, String body) {
    Reply r = create(key, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return id(r);
  }

  private JsonNode batch(UUID id) {
    Reply r = t.get("/v1/batches/" + id, t.producer);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static String jobs(String queue, int n) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ",").append("{\"kind\":\"ok\",\"queue\":\"").append(queue).append("\",\"args\":{\"n\":")
          .append(i).append("}}");
    }
    return s.append("]").toString();
  }

  /** The callback jobs enqueued for this batch, by kind, in kind order. */
  private List<Job> callbacks(UUID batch) {
    return t.gantry.jobs(JobFilter.all().withQueue("callbacks").withLimit(100)).jobs().stream()
        .filter(j -> batch.toString().equals(j.metadata().path("batch_id").asText()))
        .sorted(java.util.Comparator.comparing(Job::kind))
        .toList();
  }

  private long batchCount() {
    return t.db.queryLong("SELECT count(*) FROM " + t.schema + ".batches");
  }

  private long jobCount() {
    return t.db.queryLong("SELECT count(*) FROM " + t.schema + ".all_jobs");
  }

  private static List<String> errors(Reply r) {
    List<String> out = new ArrayList<>();
    r.json().get("errors").forEach(e -> out.add(e.get("field").asText() + ": " + e.get("message").asText()));
    return out;
  }

  private static void assertNotFound(Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:not-found");
  }

  @Test
  void aBatchRunByALibraryWorkerCountsItsJobsToCompletedAndEnqueuesItsCallbacksOnce() {
    Reply r = create(t.producer, "{\"jobs\": " + jobs("work", 5) + ", \"metadata\": {\"upload\": \"u-1\"}, " + CALLBACKS + "}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    UUID id = id(r);
    JsonNode made = r.json();
    assertThat(made.get("state").asText()).isEqualTo("running");
    assertThat(made.get("tenant").isNull()).isTrue();
    assertThat(made.get("total").asInt()).isEqualTo(5);
    assertThat(made.get("pending").asInt()).isEqualTo(5);
    assertThat(made.get("percent").asDouble()).isZero();
    assertThat(made.get("metadata").get("upload").asText()).isEqualTo("u-1");
    assertThat(made.get("cancel_requested").asBoolean()).isFalse();
    assertThat(made.get("sealed_at").isNull()).isFalse();
    assertThat(made.get("finished_at").isNull()).isTrue();
    // The jobs' ids in request order, each a new member.
    assertThat(made.get("jobs")).hasSize(5).allSatisfy(j -> assertThat(j.get("duplicate").asBoolean()).isFalse());
    for (int i = 0; i < 5; i++) {
      Job member = t.gantry.job(UUID.fromString(made.get("jobs").get(i).get("id").asText())).orElseThrow();
      assertThat(member.args().get("n").asInt()).isEqualTo(i);
      assertThat(member.queue()).isEqualTo("work");
    }
    assertThat(callbacks(id)).isEmpty();

    try (Worker w = fast(t.gantry).queue("work", 4).onlyHandledKinds().maintenance(false)
        .handler("ok", Map.class, (args, ctx) -> "done").start()) {
      JsonNode done = await().atMost(WAIT).until(() -> batch(id), b -> b.get("state").asText().equals("completed"));
      assertThat(done.get("completed").asInt()).isEqualTo(5);
      assertThat(done.get("pending").asInt()).isZero();
      assertThat(done.get("running").asInt()).isZero();
      assertThat(done.get("dead").asInt()).isZero();
      assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
      assertThat(done.get("finished_at").isNull()).isFalse();
    }

    List<Job> callbacks = callbacks(id);
    assertThat(callbacks).extracting(Job::kind).containsExactly("cb.complete", "cb.success");
    Job success = callbacks.get(1);
    assertThat(success.metadata().get("batch_callback").asText()).isEqualTo("success");
    assertThat(success.metadata().get("m").asInt()).isEqualTo(1);
    assertThat(success.args().get("x").asInt()).isEqualTo(1);
    assertThat(success.priority()).isEqualTo(5);
    Job complete = callbacks.get(0);
    assertThat(complete.maxAttempts()).isEqualTo(3);
    assertThat(complete.timeout()).isEqualTo(Duration.ofMinutes(1));
    // The callbacks are jobs like any other: a producer reads them over HTTP.
    Reply listed = t.get("/v1/jobs?queue=callbacks", t.producer);
    assertThat(listed.json().get("jobs")).extracting(j -> j.get("kind").asText())
        .containsExactlyInAnyOrder("cb.complete", "cb.success");
  }

  @Test
  void remoteWorkersRunABatchAndADeadJobFailsItAndEnqueuesTheFailureCallback() {
    UUID id = created(t.producer, "{\"jobs\": [{\"kind\": \"r.ok\", \"queue\": \"remote\"}, "
        + "{\"kind\": \"r.bad\", \"queue\": \"remote\"}], " + CALLBACKS + "}");

    List<JsonNode> claimed = new ArrayList<>();
    await().atMost(WAIT).until(() -> {
      Reply claim = t.post("/v1/claims", t.worker, "{\"queues\":[\"remote\"],\"limit\":10,\"wait\":\"PT1S\"}");
      assertThat(claim.status()).isEqualTo(200);
      claim.json().get("jobs").forEach(claimed::add);
      return claimed.size() == 2;
    });
    JsonNode running = batch(id);
    assertThat(running.get("running").asInt()).isEqualTo(2);
    assertThat(running.get("pending").asInt()).isZero();
    assertThat(running.get("state").asText()).isEqualTo("running");

    for (JsonNode job : claimed) {
      String lease = "{\"lease_token\":\"" + job.get("lease_token").asText() + "\"";
      Reply outcome = job.get("kind").asText().equals("r.ok")
          ? t.post("/v1/jobs/" + job.get("id").asText() + "/complete", t.worker, lease + ",\"result\":1}")
          : t.post("/v1/jobs/" + job.get("id").asText() + "/fail", t.worker, lease + ",\"error\":\"no\",\"retryable\":false}");
      assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
    }

    JsonNode failed = batch(id);
    assertThat(failed.get("state").asText()).isEqualTo("failed");
    assertThat(failed.get("completed").asInt()).isEqualTo(1);
    assertThat(failed.get("dead").asInt()).isEqualTo(1);
    assertThat(failed.get("running").asInt()).isZero();
    assertThat(failed.get("percent").asDouble()).isEqualTo(100.0);
    assertThat(callbacks(id)).extracting(Job::kind).containsExactly("cb.complete", "cb.failure");
  }

  @Test
  void anOpenBatchTakesJobsUntilSealedAndThenRefusesMoreWith409() {
    Reply open = create(t.producer, "{\"sealed\": false, \"metadata\": {\"a\": 1}, " + CALLBACKS + "}");
    assertThat(open.status()).as(open.body()).isEqualTo(201);
    UUID id = id(open);
    assertThat(open.json().get("state").asText()).isEqualTo("open");
    assertThat(open.json().get("total").asInt()).isZero();
    assertThat(open.json().get("sealed_at").isNull()).isTrue();
    assertThat(open.json().get("jobs")).isEmpty();

    Reply two = t.post("/v1/batches/" + id + "/jobs", t.producer, "{\"jobs\": " + jobs("nobody", 2) + "}");
    assertThat(two.status()).as(two.body()).isEqualTo(201);
    assertThat(two.json().get("total").asInt()).isEqualTo(2);
    assertThat(two.json().get("state").asText()).isEqualTo("open");
    assertThat(two.json().get("jobs")).hasSize(2);
    String unique = "{\"jobs\": [{\"kind\": \"ok\", \"queue\": \"nobody\", \"unique_key\": \"once\"}]}";
    Reply third = t.post("/v1/batches/" + id + "/jobs", t.producer, unique);
    assertThat(third.status()).isEqualTo(201);
    // A duplicate of an unfinished job's unique key is not a member: 200, and the total stays.
    Reply duplicate = t.post("/v1/batches/" + id + "/jobs", t.producer, unique);
    assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(200);
    assertThat(duplicate.json().get("jobs").get(0).get("duplicate").asBoolean()).isTrue();
    assertThat(duplicate.json().get("jobs").get(0).get("id")).isEqualTo(third.json().get("jobs").get(0).get("id"));
    assertThat(duplicate.json().get("total").asInt()).isEqualTo(3);

    Reply sealed = t.post("/v1/batches/" + id + "/seal", t.producer, "");
    assertThat(sealed.status()).as(sealed.body()).isEqualTo(200);
    assertThat(sealed.json().get("state").asText()).isEqualTo("running");
    assertThat(sealed.json().get("total").asInt()).isEqualTo(3);
    assertThat(sealed.json().get("sealed_at").isNull()).isFalse();
    assertThat(sealed.json().has("jobs")).isFalse();

    long jobsBefore = jobCount();
    Reply refused = t.post("/v1/batches/" + id + "/jobs", t.producer, "{\"jobs\": " + jobs("nobody", 1) + "}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("type").asText()).isEqualTo("urn:gantry:problem:conflict");
    assertThat(refused.json().get("detail").asText()).contains("sealed").contains("nothing was written");
    assertThat(jobCount()).isEqualTo(jobsBefore);
    assertThat(batch(id).get("total").asInt()).isEqualTo(3);
    // Sealing again changes nothing.
    assertThat(t.post("/v1/batches/" + id + "/seal", t.admin, "").json().get("sealed_at"))
        .isEqualTo(sealed.json().get("sealed_at"));

    // An open batch may start with jobs.
    Reply withJobs = create(t.producer, "{\"sealed\": false, \"jobs\": " + jobs("nobody", 2) + "}");
    assertThat(withJobs.status()).isEqualTo(201);
    assertThat(withJobs.json().get("state").asText()).isEqualTo("open");
    assertThat(withJobs.json().get("total").asInt()).isEqualTo(2);
    assertThat(withJobs.json().get("jobs")).hasSize(2);
  }

  @Test
  void sealingAnOpenBatchWhoseJobsAllFinishedFinishesItAndFiresItsCallbacks() {
    UUID id = created(t.producer, "{\"sealed\": false, \"jobs\": " + jobs("work", 2) + ", " + CALLBACKS + "}");
    try (Worker w = fast(t.gantry).queue("work", 2).onlyHandledKinds().maintenance(false)
        .handler("ok", Map.class, (args, ctx) -> "done").start()) {
      await().atMost(WAIT).until(() -> batch(id).get("completed").asInt() == 2);
    }
    assertThat(batch(id).get("state").asText()).as("more jobs may come").isEqualTo("open");
    assertThat(callbacks(id)).isEmpty();

    Reply sealed = t.post("/v1/batches/" + id + "/seal", t.producer, "");

    assertThat(sealed.json().get("state").asText()).isEqualTo("completed");
    assertThat(callbacks(id)).extracting(Job::kind).containsExactly("cb.complete", "cb.success");
  }

  @Test
  void cancellingABatchCancelsItsWaitingJobsAndStopsItsRunningOneOverTheWorkerRoutes() {
    Reply r = create(t.producer, "{\"jobs\": " + jobs("remote", 3) + ", " + CALLBACKS + "}");
    UUID id = id(r);
    JsonNode job = t.post("/v1/claims", t.worker, "{\"queues\":[\"remote\"],\"limit\":1}").json().get("jobs").get(0);
    String lease = "{\"lease_token\":\"" + job.get("lease_token").asText() + "\"";

    Reply cancelled = t.post("/v1/batches/" + id + "/cancel", t.producer, "");

    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    JsonNode b = cancelled.json();
    assertThat(b.get("cancel_requested").asBoolean()).isTrue();
    assertThat(b.get("cancelled").asInt()).as("the two waiting jobs, at once").isEqualTo(2);
    assertThat(b.get("running").asInt()).isEqualTo(1);
    assertThat(b.get("state").asText()).isEqualTo("running");
    for (JsonNode member : r.json().get("jobs")) {
      if (!member.get("id").equals(job.get("id"))) {
        assertThat(t.gantry.job(UUID.fromString(member.get("id").asText())).orElseThrow().state())
            .isEqualTo(JobState.CANCELLED);
      }
    }
    // The remote worker hears of it on its heartbeat and reports the failure: the job ends cancelled.
    Reply heartbeat = t.post("/v1/jobs/" + job.get("id").asText() + "/heartbeat", t.worker, lease + "}");
    assertThat(heartbeat.json().get("cancel_requested").asBoolean()).isTrue();
    assertThat(t.post("/v1/jobs/" + job.get("id").asText() + "/fail", t.worker,
        lease + ",\"error\":\"stopped\",\"retryable\":true}").status()).isEqualTo(200);

    JsonNode done = batch(id);
    assertThat(done.get("state").asText()).isEqualTo("cancelled");
    assertThat(done.get("cancelled").asInt()).isEqualTo(3);
    assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
    assertThat(callbacks(id)).extracting(Job::kind).containsExactly("cb.complete");

    // A finished batch is left as it is, and takes no more jobs.
    Reply again = t.post("/v1/batches/" + id + "/cancel", t.admin, "");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(done);
    assertThat(callbacks(id)).hasSize(1);
    Reply add = t.post("/v1/batches/" + id + "/jobs", t.producer, "{\"jobs\": " + jobs("remote", 1) + "}");
    assertThat(add.status()).isEqualTo(409);
    assertThat(add.json().get("type").asText()).isEqualTo("urn:gantry:problem:conflict");
  }

  @Test
  void aMissingBatchIs404OnEveryRouteAndABadIdIsNamed() {
    UUID missing = UUID.randomUUID();
    for (Reply r : new Reply[] {t.get("/v1/batches/" + missing, t.producer),
        t.post("/v1/batches/" + missing + "/jobs", t.producer, "{\"jobs\": [{\"kind\": \"k\"}]}"),
        t.post("/v1/batches/" + missing + "/seal", t.producer, ""),
        t.post("/v1/batches/" + missing + "/cancel", t.admin, "")}) {
      assertNotFound(r);
      assertThat(r.json().get("detail").asText()).isEqualTo("no batch with id " + missing);
    }
    assertThat(jobCount()).isZero();

    for (Reply r : new Reply[] {t.get("/v1/batches/nope", t.producer), t.post("/v1/batches/12345/seal", t.producer, ""),
        t.post("/v1/batches/nope/cancel", t.producer, ""),
        t.post("/v1/batches/nope/jobs", t.producer, "{\"jobs\": [{\"kind\": \"k\"}]}")}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("id");
      assertThat(r.json().get("errors").get(0).get("message").asText()).startsWith("must be a batch id");
    }
    Reply query = t.get("/v1/batches/" + missing + "?verbose=1", t.producer);
    assertThat(query.status()).isEqualTo(400);
    assertThat(errors(query)).singleElement().asString().startsWith("verbose: is not a known query parameter");
  }

  @Test
  void aTenantKeyReachesOnlyItsTenantsBatchesAndAnotherTenantsAnswersAsMissing() {
    String acmeProducer = t.key("acme producer", Role.PRODUCER, "acme");
    String acmeAdmin = t.key("acme admin", Role.ADMIN, "acme");
    String globexProducer = t.key("globex producer", Role.PRODUCER, "globex");
    Reply made = create(acmeProducer, "{\"jobs\": [{\"kind\": \"a\", \"queue\": \"nobody\"}, "
        + "{\"kind\": \"b\", \"queue\": \"nobody\", \"tenant\": \"acme\"}]}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    UUID acme = id(made);
    assertThat(made.json().get("tenant").asText()).isEqualTo("acme");
    for (JsonNode member : made.json().get("jobs")) {
      assertThat(t.gantry.job(UUID.fromString(member.get("id").asText())).orElseThrow().tenant()).isEqualTo("acme");
    }
    UUID untenanted = created(t.producer, "{\"jobs\": [{\"kind\": \"a\", \"queue\": \"nobody\"}]}");
    String missing = t.get("/v1/batches/" + UUID.randomUUID(), globexProducer).json().get("detail").asText()
        .replaceAll("[0-9a-f-]{36}", "ID");

    for (UUID other : new UUID[] {acme, untenanted}) {
      Reply read = t.get("/v1/batches/" + other, globexProducer);
      assertNotFound(read);
      // Word for word what a missing batch gets, so nothing tells that the batch exists.
      assertThat(read.json().get("detail").asText().replaceAll("[0-9a-f-]{36}", "ID")).isEqualTo(missing);
      assertNotFound(t.post("/v1/batches/" + other + "/jobs", globexProducer, "{\"jobs\": [{\"kind\": \"x\"}]}"));
      assertNotFound(t.post("/v1/batches/" + other + "/seal", globexProducer, ""));
      assertNotFound(t.post("/v1/batches/" + other + "/cancel", globexProducer, ""));
    }
    assertNotFound(t.get("/v1/batches/" + untenanted, acmeAdmin));
    assertThat(batch(acme).get("cancel_requested").asBoolean()).isFalse();
    assertThat(batch(acme).get("total").asInt()).isEqualTo(2);
    assertThat(t.get("/v1/batches/" + acme, acmeAdmin).status()).isEqualTo(200);
    // A key without a tenant reaches every tenant's batches.
    assertThat(t.get("/v1/batches/" + acme, t.admin).json().get("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void aTenantKeyNamingAnotherTenantIsForbiddenAndMakesNothing() {
    String acmeProducer = t.key("acme producer", Role.PRODUCER, "acme");
    UUID acme = created(acmeProducer, "{\"tenant\": \"acme\", \"sealed\": false}");
    long batches = batchCount();

    Reply batchTenant = create(acmeProducer, "{\"tenant\": \"globex\", \"jobs\": [{\"kind\": \"a\"}]}");
    Reply jobTenant = create(acmeProducer, "{\"jobs\": [{\"kind\": \"a\"}, {\"kind\": \"b\", \"tenant\": \"globex\"}]}");
    Reply added = t.post("/v1/batches/" + acme + "/jobs", acmeProducer, "{\"jobs\": [{\"kind\": \"a\", \"tenant\": \"globex\"}]}");

    for (Reply r : new Reply[] {batchTenant, jobTenant, added}) {
      assertThat(r.status()).as(r.body()).isEqualTo(403);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:forbidden");
      assertThat(r.json().get("detail").asText()).contains("limited to tenant 'acme'").contains("'globex'");
    }
    assertThat(batchTenant.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("tenant");
    assertThat(jobTenant.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("jobs[1].tenant");
    assertThat(added.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("jobs[0].tenant");
    assertThat(batchCount()).isEqualTo(batches);
    assertThat(jobCount()).isZero();
    assertThat(batch(acme).get("total").asInt()).isZero();
  }

  @Test
  void aKeyWithoutATenantMayMakeAnyTenantsBatchButItsJobsMustBeThatTenants() {
    String globexProducer = t.key("globex producer", Role.PRODUCER, "globex");
    Reply globex = create(t.producer, "{\"tenant\": \"globex\", \"jobs\": [{\"kind\": \"a\", \"queue\": \"nobody\"}]}");
    assertThat(globex.status()).isEqualTo(201);
    assertThat(globex.json().get("tenant").asText()).isEqualTo("globex");
    assertThat(t.gantry.job(UUID.fromString(globex.json().get("jobs").get(0).get("id").asText())).orElseThrow().tenant())
        .isEqualTo("globex");
    assertThat(t.get("/v1/batches/" + id(globex), globexProducer).status()).isEqualTo(200);
    long jobs = jobCount();

    Reply mixed = create(t.producer, "{\"tenant\": \"globex\", \"jobs\": [{\"kind\": \"a\"}, {\"kind\": \"b\", \"tenant\": \"acme\"}]}");
    Reply none = create(t.producer, "{\"jobs\": [{\"kind\": \"a\", \"tenant\": \"acme\"}]}");
    UUID open = created(t.producer, "{\"tenant\": \"globex\", \"sealed\": false}");
    Reply added = t.post("/v1/batches/" + open + "/jobs", t.admin, "{\"jobs\": [{\"kind\": \"a\", \"tenant\": \"acme\"}]}");

    for (Reply r : new Reply[] {mixed, none, added}) {
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    }
    assertThat(errors(mixed)).containsExactly("jobs[1].tenant: a batch's jobs belong to the batch's tenant ('globex'),"
        + " got 'acme'; leave tenant out or set it to 'globex'");
    assertThat(errors(none)).containsExactly("jobs[0].tenant: a batch's jobs belong to the batch's tenant (none),"
        + " got 'acme'; leave tenant out");
    assertThat(errors(added)).extracting(e -> e.substring(0, e.indexOf(':'))).containsExactly("jobs[0].tenant");
    assertThat(jobCount()).isEqualTo(jobs);
    assertThat(batch(open).get("total").asInt()).isZero();
  }

  @Test
  void onlyProducersAndAdminsMayUseBatchesAndEveryRouteNeedsAKey() {
    UUID id = created(t.admin, "{\"sealed\": false}");
    String body = "{\"jobs\": [{\"kind\": \"k\"}]}";
    List<Reply> asWorker = List.of(create(t.worker, body), t.get("/v1/batches/" + id, t.worker),
        t.post("/v1/batches/" + id + "/jobs", t.worker, body), t.post("/v1/batches/" + id + "/seal", t.worker, ""),
        t.post("/v1/batches/" + id + "/cancel", t.worker, ""));
    for (Reply r : asWorker) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("detail").asText()).contains("has role worker").contains("needs a key with role producer or admin");
    }
    List<Reply> withoutKey = List.of(create(null, body), t.get("/v1/batches/" + id, null),
        t.post("/v1/batches/" + id + "/jobs", null, body), t.post("/v1/batches/" + id + "/seal", null, ""),
        t.post("/v1/batches/" + id + "/cancel", null, ""));
    for (Reply r : withoutKey) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:unauthorized");
    }
    JsonNode untouched = batch(id);
    assertThat(untouched.get("state").asText()).isEqualTo("open");
    assertThat(untouched.get("total").asInt()).isZero();
    // A producer may do all of it: nothing about batches is for admins only.
    assertThat(t.post("/v1/batches/" + id + "/jobs", t.producer, body).status()).isEqualTo(201);
    assertThat(t.post("/v1/batches/" + id + "/seal", t.producer, "").status()).isEqualTo(200);
    assertThat(t.post("/v1/batches/" + id + "/cancel", t.producer, "").status()).isEqualTo(200);
  }

  @Test
  void everyMistakeOfTheBatchItsJobsAndItsCallbacksIsNamedAndNothingIsMade() {
    Reply r = create(t.producer, """
        {"jobs": [{"kind": "ok"}, {"kind": "bad", "priority": "high"}], "colour": "red", "metadata": "m",
         "sealed": "yes", "tenant": 42,
         "on_success": {"kind": "cb", "delay": "PT1M", "tags": ["x"]}, "on_failure": "later",
         "on_complete": {"queue": "q", "tenant": "acme"}}""");

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    String callbackFields = "is not a known field; known fields are kind, args, queue, priority, max_attempts, timeout,"
        + " metadata";
    assertThat(errors(r)).containsExactlyInAnyOrder(
        "sealed: must be true or false, got a string",
        "tenant: must be a string, got an integer",
        "metadata: must be a JSON object, got a string",
        "colour: is not a known field; known fields are jobs, sealed, tenant, metadata, on_success, on_failure,"
            + " on_complete, webhook_url",
        "jobs[1].priority: must be an integer, got a string",
        "on_success.delay: " + callbackFields,
        "on_success.tags: " + callbackFields,
        "on_failure: must be a JSON object, got a string",
        "on_complete.kind: is required",
        "on_complete.tenant: " + callbackFields);

    Map<String, String> single = new java.util.LinkedHashMap<>();
    single.put("{}", "jobs: is required; to open a batch and add its jobs later, set sealed to false");
    single.put("{\"jobs\": []}", "jobs: must have 1 to 1000 jobs, got 0; to open a batch and add its jobs later,"
        + " set sealed to false");
    single.put("{\"jobs\": {\"kind\": \"k\"}}", "jobs: must be an array, got an object");
    single.put("{\"sealed\": false, \"tenant\": \"not a tenant!\"}", "tenant: tenant must be 1 to 100 characters of"
        + " letters, digits, '.', '_', ':' or '-', got: not a tenant!");
    single.put("{\"jobs\": [{\"kind\": \"k\"}], \"on_success\": {\"kind\": \"cb\", \"timeout\": \"PT0S\"}}",
        "on_success.timeout: must be between PT1S and PT168H, got PT0S");
    single.put("{\"jobs\": [{\"kind\": \"k\", \"run_at\": \"soon\"}], \"sealed\": true}", "jobs[0].run_at: must be an RFC"
        + " 3339 timestamp with an offset, such as 2030-01-01T12:00:00Z, got 'soon'");
    single.put("[]", "(body): must be a JSON object, got an array");
    StringBuilder tooMany = new StringBuilder("{\"jobs\": [");
    for (int i = 0; i < 1001; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{\"kind\":\"k\"}");
    }
    single.put(tooMany.append("]}").toString(), "jobs: must have 1 to 1000 jobs, got 1001");
    single.put(tooMany.toString().replace("{\"jobs\"", "{\"sealed\": false, \"jobs\""), "jobs: must have at most 1000 jobs, got 1001");
    single.forEach((body, error) -> {
      Reply one = create(t.producer, body);
      assertThat(one.status()).as(body).isEqualTo(400);
      assertThat(errors(one)).as(body.length() > 200 ? body.substring(0, 200) : body).containsExactly(error);
      assertThat(one.json().get("detail").asText()).isEqualTo(error);
    });

    UUID open = created(t.producer, "{\"sealed\": false}");
    assertThat(errors(t.post("/v1/batches/" + open + "/jobs", t.producer, "{}"))).containsExactly("jobs: is required");
    assertThat(errors(t.post("/v1/batches/" + open + "/jobs", t.producer, "{\"jobs\": [], \"sealed\": true}")))
        .containsExactlyInAnyOrder("jobs: must have 1 to 1000 jobs, got 0", "sealed: is not a known field; known fields are jobs");
    assertThat(errors(t.post("/v1/batches/" + open + "/jobs", t.producer, "{\"jobs\": [{\"kind\": \"no spaces\"}]}")))
        .containsExactly("jobs[0].kind: kind must be 1 to 200 characters of letters, digits, '_', '.', ':', '/' or '-',"
            + " got: no spaces");
    Reply notJson = t.send(t.request("/v1/batches", t.producer).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jobs\": [{\"kind\": \"k\"}]}")));
    assertThat(notJson.status()).isEqualTo(415);
    Reply malformed = create(t.producer, "{\"jobs\": [");
    assertThat(malformed.json().get("type").asText()).isEqualTo("urn:gantry:problem:malformed-json");

    assertThat(batchCount()).as("only the open batch").isEqualTo(1);
    assertThat(jobCount()).isZero();
  }
}
