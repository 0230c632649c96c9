package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.http.TestServer.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnqueueRoutesTest {
  private final TestServer t = TestServer.start(s -> s.withMaxBodyBytes(64 * 1024));

  @AfterEach
  void tearDown() {
    t.close();
  }

  private long jobCount() {
    return t.gantry.jobs(JobFilter.all().withLimit(1000)).jobs().size();
  }

  @Test
  void enqueuesAJobWithEveryOptionAndAnswersWithIt() {
    Reply r = t.post("/v1/jobs", t.producer, """
        {"kind": "email.send", "args": {"to": "ada@example.com"}, "queue": "mail", "priority": -5,
         "delay": "PT1H", "max_attempts": 3, "timeout": "PT2M", "unique_key": "welcome:42",
         "tags": ["welcome", "ada"], "metadata": {"source": "signup", "nested": {"n": null}}}""");

    assertThat(r.status()).isEqualTo(201);
    JsonNode job = r.json();
    assertThat(job.get("duplicate").asBoolean()).isFalse();
    assertThat(job.get("kind").asText()).isEqualTo("email.send");
    assertThat(job.get("state").asText()).isEqualTo("scheduled");
    assertThat(job.get("finished").asBoolean()).isFalse();
    assertThat(job.get("timeout").asText()).isEqualTo("PT2M");
    assertThat(job.get("args").get("to").asText()).isEqualTo("ada@example.com");
    Job stored = t.gantry.job(UUID.fromString(job.get("id").asText())).orElseThrow();
    assertThat(stored.queue()).isEqualTo("mail");
    assertThat(stored.priority()).isEqualTo(-5);
    assertThat(stored.maxAttempts()).isEqualTo(3);
    assertThat(stored.uniqueKey()).isEqualTo("welcome:42");
    assertThat(stored.tags()).containsExactly("welcome", "ada");
    assertThat(stored.metadata().get("nested").get("n").isNull()).isTrue();
    assertThat(Duration.between(stored.createdAt(), stored.scheduledAt())).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aSecondJobWithAnUnfinishedJobsUniqueKeyReturnsThatJobWith200() {
    String body = "{\"kind\": \"report\", \"unique_key\": \"daily\"}";
    Reply first = t.post("/v1/jobs", t.producer, body);
    Reply second = t.post("/v1/jobs", t.producer, body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("duplicate").asBoolean()).isTrue();
    assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(jobCount()).isEqualTo(1);
  }

  @Test
  void aBatchIsEnqueuedInOrder() {
    Reply r = t.post("/v1/jobs/batch", t.producer, """
        {"jobs": [{"kind": "a"}, {"kind": "b", "queue": "other"}, {"kind": "c", "run_at": "2999-01-01T00:00:00Z"}]}""");

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().get("jobs")).extracting(j -> j.get("kind").asText()).containsExactly("a", "b", "c");
    assertThat(r.json().get("jobs").get(2).get("state").asText()).isEqualTo("scheduled");
    assertThat(jobCount()).isEqualTo(3);
  }

  @Test
  void aBatchWithOneBadJobCreatesNoneAndNamesEveryMistake() {
    Reply r = t.post("/v1/jobs/batch", t.producer, """
        {"jobs": [{"kind": "ok"}, {"kind": "ok"}, {"kind": "ok"}, {"kind": "bad", "priority": "high"},
                  {"kind": "also bad", "colour": "red"}]}""");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText() + ": " + e.get("message").asText())
        .containsExactlyInAnyOrder(
            "jobs[3].priority: must be an integer, got a string",
            "jobs[4].colour: is not a known field; known fields are kind, args, queue, priority, delay, run_at,"
                + " max_attempts, timeout, unique_key, tags, metadata, tenant, webhook_url",
            "jobs[4].kind: kind must be 1 to 200 characters of letters, digits, '_', '.', ':', '/' or '-', got: also bad");
    assertThat(jobCount()).isZero();
  }

  @Test
  void wrongTypesMissingFieldsAndOutOfRangeValuesAreNamed() {
    Reply r = t.post("/v1/jobs", t.producer, """
        {"args": [1], "priority": 101, "max_attempts": 1.5, "delay": "5 minutes", "tags": ["x", 7],
         "metadata": "m", "timeout": "PT0S", "queue": "no spaces please"}""");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText() + ": " + e.get("message").asText())
        .containsExactlyInAnyOrder(
            "kind: is required",
            "args: must be a JSON object, got an array",
            "priority: must be between -100 and 100, got 101",
            "max_attempts: must be an integer, got a number with a fraction",
            "delay: must be an ISO-8601 duration such as PT30S or PT5M, got '5 minutes'",
            "tags[1]: must be a string, got an integer",
            "metadata: must be a JSON object, got a string",
            "timeout: must be between PT1S and PT168H, got PT0S",
            "queue: queue must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-', got: no spaces please");
    assertThat(jobCount()).isZero();
  }

  @Test
  void delayAndRunAtTogetherAreRefused() {
    Reply r = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"delay\":\"PT1M\",\"run_at\":\"2030-01-01T00:00:00Z\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asText()).isEqualTo("run_at: set either delay or run_at, not both");
  }

  @Test
  void malformedJsonSaysWhereParsingStopped() {
    Reply r = t.post("/v1/jobs", t.producer, "{\"kind\": \"k\",\n \"args\": {\"a\": }}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:malformed-json");
    assertThat(r.json().get("detail").asText()).startsWith("the request body is not valid JSON at line 2, column 16");
  }

  @Test
  void bodiesThatAreNotOneJsonObjectAreRefused() {
    assertThat(t.post("/v1/jobs", t.producer, "").json().get("detail").asText()).contains("empty");
    assertThat(t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"} {}").json().get("type").asText())
        .isEqualTo("urn:gantry:problem:malformed-json");
    assertThat(t.post("/v1/jobs", t.producer, "{\"kind\":\"k\",\"kind\":\"j\"}").json().get("detail").asText())
        .contains("Duplicate field 'kind'");
    Reply array = t.post("/v1/jobs", t.producer, "[]");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.json().get("errors").get(0).get("field").asText()).isEqualTo("(body)");
    assertThat(jobCount()).isZero();
  }

  @Test
  void aBodyNotDeclaredAsJsonIs415() {
    Reply r = t.send(t.request("/v1/jobs", t.producer).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"k\"}")));
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.json().get("detail").asText()).contains("text/plain");
  }

  @Test
  void aBodyOverTheLimitIs413AndCreatesNothing() {
    String big = "{\"kind\":\"k\",\"args\":{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}";
    Reply declared = t.post("/v1/jobs", t.producer, big);
    Reply chunked = t.send(t.request("/v1/jobs", t.producer).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))));

    for (Reply r : new Reply[] {declared, chunked}) {
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.json().get("detail").asText()).contains("limit of 65536 bytes");
    }
    assertThat(jobCount()).isZero();
  }

  @Test
  void batchesAreLimitedToOneThousandJobs() {
    StringBuilder body = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 1001; i++) {
      body.append(i == 0 ? "" : ",").append("{\"kind\":\"k\"}");
    }
    Reply r = t.post("/v1/jobs/batch", t.producer, body.append("]}").toString());

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asText()).isEqualTo("jobs: must have 1 to 1000 jobs, got 1001");
    assertThat(t.post("/v1/jobs/batch", t.producer, "{\"jobs\":[]}").status()).isEqualTo(400);
  }

  @Test
  void aDelayedJobBecomesAvailableWithNoWorkerInTheProcess() {
    Reply r = t.post("/v1/jobs", t.producer, "{\"kind\":\"later\",\"delay\":\"PT1S\"}");
    UUID id = UUID.fromString(r.json().get("id").asText());
    assertThat(r.json().get("state").asText()).isEqualTo("scheduled");

    // The server's own maintenance stages it; nothing else runs against this schema.
    await().atMost(Duration.ofSeconds(15)).until(() -> t.gantry.job(id).orElseThrow().state() == JobState.AVAILABLE);
  }
}
