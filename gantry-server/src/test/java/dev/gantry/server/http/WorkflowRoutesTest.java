package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /v1/workflows} routes and {@code GET /v1/jobs/{id}/dependencies} against a real server
 * and database, the steps run by remote workers over HTTP (each claim waits for the step the
 * previous outcome released, so nothing sleeps): steps in dependency order, failures cancelling
 * or not, cancels, dependencies on earlier jobs, validation, tenants.
 */
class WorkflowRoutesTest {
  /** Callbacks go to a queue no worker here claims from, so they stay to be counted. */
  private static final String CALLBACKS = """
      "on_success": {"kind": "cb.success", "queue": "callbacks"},
      "on_failure": {"kind": "cb.failure", "queue": "callbacks"},
      "on_complete": {"kind": "cb.complete", "queue": "callbacks"}""";
  /** a, then b after a, then c after a (whatever a does) and b. */
  private static final String DIAMOND = """
      {"name": "monthly report", "metadata": {"month": "2026-11"}, %s,
       "steps": [
         {"step": "a", "kind": "w.a", "queue": "wf", "args": {"n": 1}, "priority": 3, "tags": ["t"]},
         {"step": "b", "kind": "w.b", "queue": "wf", "depends_on": ["a"], "max_attempts": 1},
         {"step": "c", "kind": "w.c", "queue": "wf", "timeout": "PT1M",
          "depends_on": [{"step": "b"}, {"step": "a", "on_failure": "run"}]}]}""".formatted(CALLBACKS);

  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private Reply create(String key, String body) {
    return t.post("/v1/workflows", key, body);
  }

  private JsonNode created(String key, String body) {
    Reply r = create(key, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private JsonNode workflow(String id) {
    Reply r = t.get("/v1/workflows/" + id, t.producer);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** Each step's job id, by step name. */
  private static Map<String, String> stepIds(JsonNode workflow) {
    Map<String, String> ids = new LinkedHashMap<>();
    workflow.get("steps").forEach(s -> ids.put(s.get("step").asText(), s.get("job_id").asText()));
    return ids;
  }

  /** Each step's state, by step name. */
  private static Map<String, String> states(JsonNode workflow) {
    Map<String, String> states = new LinkedHashMap<>();
    workflow.get("steps").forEach(s -> states.put(s.get("step").asText(), s.get("state").asText()));
    return states;
  }

  /** Claims the one job of queue wf that is due, waiting for it up to 10 s. */
  private JsonNode claimOne() {
    Reply claim = t.post("/v1/claims", t.worker, "{\"queues\":[\"wf\"],\"limit\":10,\"wait\":\"PT10S\"}");
    assertThat(claim.status()).as(claim.body()).isEqualTo(200);
    assertThat(claim.json().get("jobs")).as("one step is due").hasSize(1);
    return claim.json().get("jobs").get(0);
  }

  private void complete(JsonNode claimed, String result) {
    Reply r = t.post("/v1/jobs/" + claimed.get("id").asText() + "/complete", t.worker,
        "{\"lease_token\":\"" + claimed.get("lease_token").asText() + "\",\"result\":" + result + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private void failForGood(JsonNode claimed) {
    Reply r = t.post("/v1/jobs/" + claimed.get("id").asText() + "/fail", t.worker,
        "{\"lease_token\":\"" + claimed.get("lease_token").asText() + "\",\"error\":\"broken\",\"retryable\":false}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private List<String> callbacks(String workflowId) {
    return t.gantry.jobs(JobFilter.all().withQueue("callbacks").withLimit(100)).jobs().stream()
        .filter(j -> workflowId.equals(j.metadata().path("batch_id").asText()))
        .map(Job::kind).sorted().toList();
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
  void stepsRunInDependencyOrderAndTheViewShowsEveryStepItsEdgesAndItsResults() {
    JsonNode made = created(t.producer, DIAMOND);

    String id = made.get("id").asText();
    assertThat(made.get("name").asText()).isEqualTo("monthly report");
    assertThat(made.get("state").asText()).isEqualTo("running");
    assertThat(made.get("total").asInt()).isEqualTo(3);
    assertThat(made.get("pending").asInt()).isEqualTo(3);
    assertThat(made.get("metadata").get("month").asText()).isEqualTo("2026-11");
    assertThat(made.get("sealed_at").isNull()).isFalse();
    assertThat(states(made)).containsExactly(Map.entry("a", "available"), Map.entry("b", "pending"),
        Map.entry("c", "pending"));
    Map<String, String> ids = stepIds(made);
    JsonNode c = made.get("steps").get(2);
    assertThat(c.get("kind").asText()).isEqualTo("w.c");
    assertThat(c.get("queue").asText()).isEqualTo("wf");
    assertThat(c.get("attempt").asInt()).isZero();
    assertThat(c.get("progress_percent").isNull()).isTrue();
    // The edges of a step: the other steps' in step order, whatever order the request gave.
    assertThat(c.get("depends_on")).hasSize(2);
    assertThat(c.get("depends_on").get(0).get("step").asText()).isEqualTo("a");
    assertThat(c.get("depends_on").get(0).get("job_id").asText()).isEqualTo(ids.get("a"));
    assertThat(c.get("depends_on").get(0).get("on_failure").asText()).isEqualTo("run");
    assertThat(c.get("depends_on").get(1).get("step").asText()).isEqualTo("b");
    assertThat(c.get("depends_on").get(1).get("on_failure").asText()).isEqualTo("cancel");
    assertThat(made.get("steps").get(0).get("depends_on")).isEmpty();
    // The answer of the POST is what a GET reads.
    assertThat(workflow(id)).isEqualTo(made);
    // The steps are jobs like any other, which know their workflow; a step with dependencies is pending.
    JsonNode b = t.get("/v1/jobs/" + ids.get("b"), t.producer).json();
    assertThat(b.get("state").asText()).isEqualTo("pending");
    assertThat(b.get("finished").asBoolean()).isFalse();
    assertThat(b.get("batch_id").asText()).isEqualTo(id);
    assertThat(b.get("max_attempts").asInt()).isEqualTo(1);
    JsonNode a = t.get("/v1/jobs/" + ids.get("a"), t.producer).json();
    assertThat(a.get("priority").asInt()).isEqualTo(3);
    assertThat(a.get("args").get("n").asInt()).isEqualTo(1);
    assertThat(a.get("tags")).extracting(JsonNode::asText).containsExactly("t");
    assertThat(t.get("/v1/jobs?state=pending", t.producer).json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactlyInAnyOrder(ids.get("b"), ids.get("c"));
    // The batch routes see the workflow: it is a batch with the same id.
    assertThat(t.get("/v1/batches/" + id, t.producer).json().get("total").asInt()).isEqualTo(3);

    JsonNode first = claimOne();
    assertThat(first.get("id").asText()).isEqualTo(ids.get("a"));
    complete(first, "{\"rows\": 12}");
    JsonNode second = claimOne();
    assertThat(second.get("id").asText()).as("b was released by a's completion").isEqualTo(ids.get("b"));
    // b's handler reads what a returned; a remote worker's key may.
    Reply deps = t.get("/v1/jobs/" + ids.get("b") + "/dependencies", t.worker);
    assertThat(deps.status()).as(deps.body()).isEqualTo(200);
    assertThat(deps.json().get("dependencies")).hasSize(1);
    JsonNode dep = deps.json().get("dependencies").get(0);
    assertThat(dep.get("job_id").asText()).isEqualTo(ids.get("a"));
    assertThat(dep.get("step").asText()).isEqualTo("a");
    assertThat(dep.get("kind").asText()).isEqualTo("w.a");
    assertThat(dep.get("state").asText()).isEqualTo("completed");
    assertThat(dep.get("on_failure").asText()).isEqualTo("cancel");
    assertThat(dep.get("result").get("rows").asInt()).isEqualTo(12);
    assertThat(states(workflow(id))).containsExactly(Map.entry("a", "completed"), Map.entry("b", "running"),
        Map.entry("c", "pending"));
    complete(second, "\"b done\"");
    JsonNode third = claimOne();
    assertThat(third.get("id").asText()).isEqualTo(ids.get("c"));
    Reply cDeps = t.get("/v1/jobs/" + ids.get("c") + "/dependencies", t.producer);
    assertThat(cDeps.json().get("dependencies")).extracting(d -> d.get("step").asText() + " " + d.get("result"))
        .containsExactly("a {\"rows\":12}", "b \"b done\"");
    complete(third, "null");

    JsonNode done = workflow(id);
    assertThat(done.get("state").asText()).isEqualTo("completed");
    assertThat(done.get("completed").asInt()).isEqualTo(3);
    assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
    assertThat(done.get("finished_at").isNull()).isFalse();
    assertThat(states(done).values()).containsOnly("completed");
    assertThat(callbacks(id)).containsExactly("cb.complete", "cb.success");
    // A job outside any workflow has no dependencies, and no batch.
    Reply plain = t.post("/v1/jobs", t.producer, "{\"kind\": \"k\", \"queue\": \"nobody\"}");
    assertThat(plain.json().get("batch_id").isNull()).isTrue();
    Reply none = t.get("/v1/jobs/" + plain.json().get("id").asText() + "/dependencies", t.producer);
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.json().get("dependencies")).isEmpty();
  }

  @Test
  void aDeadStepCancelsTheStepsThatNeedItButNotTheOnesThatRunAnyway() {
    JsonNode made = created(t.producer, DIAMOND);
    String id = made.get("id").asText();
    Map<String, String> ids = stepIds(made);

    failForGood(claimOne());

    // b needs a, so it is cancelled; c runs after a whichever way a ends, but needs b: cancelled too, at once.
    JsonNode after = workflow(id);
    assertThat(states(after)).containsExactly(Map.entry("a", "dead"), Map.entry("b", "cancelled"),
        Map.entry("c", "cancelled"));
    Job b = t.gantry.job(UUID.fromString(ids.get("b"))).orElseThrow();
    assertThat(b.state()).isEqualTo(JobState.CANCELLED);
    assertThat(b.errors()).last().satisfies(e -> {
      assertThat(e.errorClass()).isEqualTo("dependency");
      assertThat(e.message()).contains(ids.get("a")).contains("dead");
    });
    assertThat(t.gantry.job(UUID.fromString(ids.get("c"))).orElseThrow().errors()).last()
        .satisfies(e -> assertThat(e.message()).contains(ids.get("b")).contains("cancelled"));
    assertThat(after.get("state").asText()).isEqualTo("failed");
    assertThat(after.get("dead").asInt()).isEqualTo(1);
    assertThat(after.get("cancelled").asInt()).isEqualTo(2);
    assertThat(callbacks(id)).containsExactly("cb.complete", "cb.failure");
  }

  @Test
  void aStepThatRunsAnywayRunsAfterItsDependencyDied() {
    JsonNode made = created(t.producer, """
        {"steps": [
          {"step": "work", "kind": "w.work", "queue": "wf"},
          {"step": "cleanup", "kind": "w.cleanup", "queue": "wf", "depends_on": [{"step": "work", "on_failure": "run"}]},
          {"step": "report", "kind": "w.report", "queue": "wf", "depends_on": ["work"]}]}""");
    String id = made.get("id").asText();
    assertThat(made.get("name").isNull()).isTrue();

    failForGood(claimOne());
    JsonNode cleanup = claimOne();

    assertThat(cleanup.get("id").asText()).isEqualTo(stepIds(made).get("cleanup"));
    complete(cleanup, "1");
    JsonNode done = workflow(id);
    assertThat(states(done)).containsExactly(Map.entry("work", "dead"), Map.entry("cleanup", "completed"),
        Map.entry("report", "cancelled"));
    assertThat(done.get("state").asText()).isEqualTo("failed");
    assertThat(done.get("dead").asInt()).isEqualTo(1);
  }

  @Test
  void cancellingAWorkflowCancelsItsWaitingAndPendingStepsAndLeavesAFinishedOneAsItIs() {
    JsonNode made = created(t.producer, DIAMOND);
    String id = made.get("id").asText();

    Reply cancelled = t.post("/v1/workflows/" + id + "/cancel", t.producer, "");

    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    JsonNode w = cancelled.json();
    assertThat(w.get("state").asText()).isEqualTo("cancelled");
    assertThat(w.get("cancel_requested").asBoolean()).isTrue();
    assertThat(w.get("cancelled").asInt()).isEqualTo(3);
    assertThat(states(w).values()).containsExactly("cancelled", "cancelled", "cancelled");
    assertThat(callbacks(id)).containsExactly("cb.complete");
    Reply claim = t.post("/v1/claims", t.worker, "{\"queues\":[\"wf\"],\"limit\":10}");
    assertThat(claim.json().get("jobs")).as("nothing of it runs").isEmpty();

    Reply again = t.post("/v1/workflows/" + id + "/cancel", t.admin, "");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(w);
    assertThat(callbacks(id)).hasSize(1);
  }

  @Test
  void aStepMayDependOnAJobEnqueuedBeforeAndAMissingOneIsNamedAtEachDependencyOnIt() {
    String earlier = t.post("/v1/jobs", t.producer, "{\"kind\": \"w.before\", \"queue\": \"wf\"}").json().get("id")
        .asText();
    JsonNode made = created(t.producer, """
        {"steps": [
          {"step": "a", "kind": "w.a", "queue": "wf"},
          {"step": "after", "kind": "w.after", "queue": "wf", "depends_on": [{"job": "%s"}, "a"]}]}"""
        .formatted(earlier));

    JsonNode after = made.get("steps").get(1);
    assertThat(after.get("state").asText()).isEqualTo("pending");
    assertThat(after.get("depends_on")).extracting(e -> e.get("step").isNull() ? "job " + e.get("job_id").asText()
        : "step " + e.get("step").asText()).containsExactly("step a", "job " + earlier);
    JsonNode deps = t.get("/v1/jobs/" + after.get("job_id").asText() + "/dependencies", t.producer).json();
    assertThat(deps.get("dependencies")).extracting(d -> d.get("job_id").asText())
        .containsExactly(stepIds(made).get("a"), earlier);
    assertThat(deps.get("dependencies").get(1).get("step").isNull()).isTrue();
    assertThat(deps.get("dependencies").get(1).get("state").asText()).isEqualTo("available");

    long batches = batchCount();
    long jobs = jobCount();
    String missing = UUID.randomUUID().toString();
    Reply r = create(t.producer, """
        {"steps": [
          {"step": "a", "kind": "k", "depends_on": [{"job": "%1$s", "on_failure": "run"}]},
          {"step": "b", "kind": "k", "depends_on": ["a", {"job": "%1$s"}]}]}""".formatted(missing));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactly("steps[0].depends_on[0]", "steps[1].depends_on[1]");
    assertThat(r.json().get("errors").get(0).get("message").asText()).startsWith("no job " + missing);
    assertThat(batchCount()).isEqualTo(batches);
    assertThat(jobCount()).isEqualTo(jobs);
  }

  @Test
  void everyMistakeInTheWorkflowItsStepsAndTheirDependenciesIsNamedAndNothingIsEnqueued() {
    Reply r = create(t.producer, """
        {"name": " ", "colour": "red", "metadata": [], "tenant": 7,
         "on_success": {"kind": "cb", "tags": ["x"]},
         "steps": [
           {"step": "a", "kind": "k", "unique_key": "once"},
           {"kind": "k", "priority": "high", "depends_on": "a"},
           {"step": "c", "kind": "k", "depends_on": [1, {"step": "a", "job": "%s"}, {"step": "a", "on_failure": "later"},
             {"job": "nope"}, {}]}]}""".formatted(UUID.randomUUID()));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    String stepFields = "is not a known field; known fields are step, kind, args, queue, priority, delay, run_at,"
        + " max_attempts, timeout, tags, metadata, tenant, webhook_url, depends_on";
    assertThat(errors(r)).containsExactlyInAnyOrder(
        "name: must be 1 to 200 characters and not blank; leave it out for none",
        "colour: is not a known field; known fields are name, steps, tenant, metadata, on_success, on_failure,"
            + " on_complete, webhook_url",
        "metadata: must be a JSON object, got an array",
        "tenant: must be a string, got an integer",
        "on_success.tags: is not a known field; known fields are kind, args, queue, priority, max_attempts, timeout,"
            + " metadata",
        "steps[0].unique_key: " + stepFields,
        "steps[1].step: is required",
        "steps[1].priority: must be an integer, got a string",
        "steps[1].depends_on: must be an array, got a string",
        "steps[2].depends_on[0]: must be the name of another step, or an object with step or job (and on_failure),"
            + " got an integer",
        "steps[2].depends_on[1]: set either step or job, not both",
        "steps[2].depends_on[2].on_failure: must be cancel (the step is cancelled when this dependency ends dead or"
            + " cancelled; the default) or run (the step runs however it ends), got 'later'",
        "steps[2].depends_on[3].job: must be a UUID such as 0190f2d4-5b6e-7c3a-9d1e-2f4a6b8c0d1e, got 'nope'",
        "steps[2].depends_on[4]: needs step (the name of another step of this workflow) or job (the id of a job"
            + " enqueued before)");

    // The graph is checked once the steps themselves are right: one mistake at a time, named as the body names it.
    Map<String, String> graph = new LinkedHashMap<>();
    graph.put("{\"steps\": [{\"step\": \"a\", \"kind\": \"k\", \"depends_on\": [\"b\"]},"
        + " {\"step\": \"b\", \"kind\": \"k\", \"depends_on\": [\"a\"]}]}",
        "steps: the dependencies form a cycle, which could never run: 'a' -> 'b' -> 'a' (each waits for the next)");
    graph.put("{\"steps\": [{\"step\": \"a\", \"kind\": \"k\"}, {\"step\": \"b\", \"kind\": \"k\","
        + " \"depends_on\": [\"a\", \"x\"]}]}", "steps[1].depends_on[1]: no step named 'x' in this workflow");
    graph.put("{\"steps\": [{\"step\": \"a\", \"kind\": \"k\", \"depends_on\": [\"a\"]}]}",
        "steps[0].depends_on[0]: step 'a' cannot depend on itself");
    graph.put("{\"steps\": [{\"step\": \"a\", \"kind\": \"k\"}, {\"step\": \"a\", \"kind\": \"k\"}]}",
        "steps[1].step: 'a' is already the name of steps[0]; step names are unique within a workflow");
    graph.put("{\"steps\": [{\"step\": \" a\", \"kind\": \"k\"}]}", "steps[0].step: must be 1 to 200 characters, not"
        + " blank and without leading or trailing spaces, got ' a'");
    graph.put("{\"steps\": [{\"step\": \"a\", \"kind\": \"k\"}, {\"step\": \"b\", \"kind\": \"k\","
        + " \"depends_on\": [\"a\", {\"step\": \"a\"}]}]}", "steps[1].depends_on[1]: step 'a' is listed twice for step 'b'");
    graph.put("{}", "steps: is required");
    graph.put("{\"steps\": []}", "steps: must have 1 to 1000 steps, got 0");
    graph.put("[]", "(body): must be a JSON object, got an array");
    graph.forEach((body, error) -> {
      Reply one = create(t.producer, body);
      assertThat(one.status()).as(body).isEqualTo(400);
      assertThat(errors(one)).as(body).containsExactly(error);
      assertThat(one.json().get("detail").asText()).isEqualTo(error);
    });
    Reply malformed = create(t.producer, "{\"steps\": [");
    assertThat(malformed.json().get("type").asText()).isEqualTo("urn:gantry:problem:malformed-json");
    Reply query = t.post("/v1/workflows?dry=1", t.producer, "{\"steps\": [{\"step\": \"a\", \"kind\": \"k\"}]}");
    assertThat(errors(query)).singleElement().asString().startsWith("dry: is not a known query parameter");

    assertThat(batchCount()).isZero();
    assertThat(jobCount()).isZero();
  }

  @Test
  void aMissingWorkflowIs404AndABatchIsNoWorkflowAndABadIdIsNamed() {
    String missing = UUID.randomUUID().toString();
    for (Reply r : new Reply[] {t.get("/v1/workflows/" + missing, t.producer),
        t.post("/v1/workflows/" + missing + "/cancel", t.producer, "")}) {
      assertNotFound(r);
      assertThat(r.json().get("detail").asText()).isEqualTo("no workflow with id " + missing);
    }
    String batch = t.post("/v1/batches", t.producer, "{\"jobs\": [{\"kind\": \"k\", \"queue\": \"nobody\"}]}").json()
        .get("id").asText();
    assertNotFound(t.get("/v1/workflows/" + batch, t.producer));
    assertNotFound(t.post("/v1/workflows/" + batch + "/cancel", t.producer, ""));
    assertThat(t.get("/v1/batches/" + batch, t.producer).json().get("cancel_requested").asBoolean()).isFalse();
    Reply noJob = t.get("/v1/jobs/" + missing + "/dependencies", t.worker);
    assertNotFound(noJob);
    assertThat(noJob.json().get("detail").asText()).startsWith("no job with id " + missing);

    for (Reply r : new Reply[] {t.get("/v1/workflows/nope", t.producer), t.post("/v1/workflows/123/cancel", t.producer,
        "")}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("id");
      assertThat(r.json().get("errors").get(0).get("message").asText()).startsWith("must be a workflow id");
    }
    Reply badJob = t.get("/v1/jobs/nope/dependencies", t.producer);
    assertThat(badJob.status()).isEqualTo(400);
    assertThat(badJob.json().get("errors").get(0).get("message").asText()).startsWith("must be a job id");
  }

  @Test
  void aTenantKeyReachesOnlyItsTenantsWorkflowsAndAnotherTenantsAnswersAsMissing() {
    String acmeProducer = t.key("acme producer", Role.PRODUCER, "acme");
    String globexProducer = t.key("globex producer", Role.PRODUCER, "globex");
    String globexWorker = t.key("globex worker", Role.WORKER, "globex");
    JsonNode acme = created(acmeProducer, DIAMOND);
    String id = acme.get("id").asText();
    assertThat(acme.get("tenant").asText()).isEqualTo("acme");
    for (String job : stepIds(acme).values()) {
      assertThat(t.gantry.job(UUID.fromString(job)).orElseThrow().tenant()).isEqualTo("acme");
    }
    String b = stepIds(acme).get("b");

    assertNotFound(t.get("/v1/workflows/" + id, globexProducer));
    assertThat(t.get("/v1/workflows/" + id, globexProducer).json().get("detail").asText())
        .isEqualTo("no workflow with id " + id);
    assertNotFound(t.post("/v1/workflows/" + id + "/cancel", globexProducer, ""));
    assertNotFound(t.get("/v1/jobs/" + b + "/dependencies", globexWorker));
    assertThat(workflow(id).get("cancel_requested").asBoolean()).isFalse();
    assertThat(t.get("/v1/workflows/" + id, acmeProducer).status()).isEqualTo(200);
    assertThat(t.get("/v1/jobs/" + b + "/dependencies", acmeProducer).json().get("dependencies")).hasSize(1);

    // Naming another tenant: 403 for a tenant key; for a key without one, a step must be the workflow's tenant's.
    long jobs = jobCount();
    Reply otherTenant = create(acmeProducer, "{\"tenant\": \"globex\", \"steps\": [{\"step\": \"a\", \"kind\": \"k\"}]}");
    Reply otherStep = create(acmeProducer, "{\"steps\": [{\"step\": \"a\", \"kind\": \"k\"},"
        + " {\"step\": \"b\", \"kind\": \"k\", \"tenant\": \"globex\"}]}");
    for (Reply r : new Reply[] {otherTenant, otherStep}) {
      assertThat(r.status()).as(r.body()).isEqualTo(403);
      assertThat(r.json().get("detail").asText()).contains("limited to tenant 'acme'").contains("'globex'");
    }
    assertThat(otherTenant.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("tenant");
    assertThat(otherStep.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("steps[1].tenant");
    Reply mixed = create(t.producer, "{\"tenant\": \"globex\", \"steps\": [{\"step\": \"a\", \"kind\": \"k\","
        + " \"tenant\": \"acme\"}]}");
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(errors(mixed)).containsExactly("steps[0].tenant: a workflow's steps belong to the workflow's tenant"
        + " ('globex'), got 'acme'; leave tenant out or set it to 'globex'");
    // A job of another tenant is, to a step, no job at all.
    Reply foreign = create(globexProducer, "{\"steps\": [{\"step\": \"a\", \"kind\": \"k\", \"depends_on\":"
        + " [{\"job\": \"" + b + "\"}]}]}");
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(errors(foreign)).singleElement().asString().startsWith("steps[0].depends_on[0]: no job " + b);
    assertThat(jobCount()).isEqualTo(jobs);
    // A key without a tenant may make any tenant's workflow, which that tenant's keys then reach.
    JsonNode globex = created(t.admin, "{\"tenant\": \"globex\", \"steps\": [{\"step\": \"a\", \"kind\": \"k\"}]}");
    assertThat(globex.get("tenant").asText()).isEqualTo("globex");
    assertThat(t.get("/v1/workflows/" + globex.get("id").asText(), globexProducer).status()).isEqualTo(200);
  }
}
