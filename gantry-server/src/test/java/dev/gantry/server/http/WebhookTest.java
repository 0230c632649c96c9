package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.JobFilter;
import dev.gantry.server.auth.CreatedKey;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.testing.TestWorkers;
import dev.gantry.testing.WebhookReceiver;
import dev.gantry.testing.WebhookReceiver.Received;
import dev.gantry.webhook.HostAllowList;
import dev.gantry.webhook.WebhookSettings;
import dev.gantry.webhook.WebhookSignature;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks over HTTP: webhook_url on every enqueue route, the server's host allow-list, signing
 * with the enqueuing key's webhook secret, and the delivery listings, against a local receiver.
 * Every response is checked against openapi.json by {@link TestServer}.
 */
class WebhookTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final WebhookReceiver receiver = WebhookReceiver.start();
  private final TestServer t = TestServer.withGantry(b -> b.webhooks(WebhookSettings.defaults()
      .withAllowedHosts(HostAllowList.of("127.0.0.1"))
      .withRetry(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofSeconds(1), 0, 3))
      .withPollInterval(Duration.ofMillis(25))));
  private final CreatedKey producer = t.keys.create("webhook producer", Role.PRODUCER, null);

  @AfterEach
  void tearDown() {
    t.close();
    receiver.close();
  }

  /** A library node that runs "k" jobs (completing them) and leaves webhooks to the server. */
  private Worker worker() {
    return TestWorkers.fast(t.gantry).queue("default", 4).maintenance(false)
        .handler("k", Map.class, (args, ctx) -> Map.of("ok", true)).start();
  }

  private String json(String template) {
    return template.replace("URL", receiver.url("/hook").toString()).replace("OUTSIDE",
        receiver.localhostUrl("/hook").toString());
  }

  /** The deliveries of a job or batch once there is one and it satisfies the condition. */
  private JsonNode awaitDeliveries(String path, String key, Predicate<JsonNode> done) {
    return await("deliveries at " + path).atMost(WAIT).pollInterval(Duration.ofMillis(25))
        .until(() -> t.get(path, key).json().get("deliveries"), d -> d.size() > 0 && done.test(d));
  }

  private static boolean delivered(JsonNode deliveries) {
    return deliveries.get(0).get("state").asText().equals("delivered");
  }

  private static boolean verifies(Received r, String secret) {
    return WebhookSignature.verify(secret, r.header("Gantry-Signature"), r.body(), Duration.ofMinutes(5));
  }

  @Test
  void aJobEnqueuedOverHttpCallsItsWebhookSignedWithTheEnqueuingKeysSecret() throws Exception {
    Reply created = t.post("/v1/jobs", producer.token(), json("{\"kind\": \"k\", \"webhook_url\": \"URL\"}"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("webhook_url").asText()).isEqualTo(receiver.url("/hook").toString());
    String id = created.json().get("id").asText();

    JsonNode deliveries;
    try (Worker w = worker()) {
      deliveries = awaitDeliveries("/v1/jobs/" + id + "/webhooks", producer.token(), WebhookTest::delivered);
    }

    assertThat(deliveries).hasSize(1);
    JsonNode d = deliveries.get(0);
    assertThat(d.get("subject").asText()).isEqualTo("job");
    assertThat(d.get("subject_id").asText()).isEqualTo(id);
    assertThat(d.get("event").asText()).isEqualTo("job.completed");
    assertThat(d.get("attempt").asInt()).isEqualTo(1);
    assertThat(d.get("last_status_code").asInt()).isEqualTo(200);
    assertThat(d.get("attempts")).hasSize(1);
    assertThat(d.get("payload").at("/data/job/id").asText()).isEqualTo(id);

    assertThat(receiver.received()).hasSize(1);
    Received r = receiver.received().get(0);
    assertThat(r.header("Gantry-Webhook-Id")).isEqualTo(d.get("id").asText());
    assertThat(producer.webhookSecret()).startsWith("whsec_");
    assertThat(verifies(r, producer.webhookSecret())).as("signed with the enqueuing key's secret").isTrue();
    String otherKeysSecret = t.keys.create("another producer", Role.PRODUCER, null).webhookSecret();
    assertThat(verifies(r, otherKeysSecret)).as("not with another key's").isFalse();
    long timestamp = Long.parseLong(r.header("Gantry-Timestamp"));
    assertThat(WebhookSignature.verify(producer.webhookSecret(), r.header("Gantry-Signature"), r.body(),
        Duration.ofMinutes(5), Instant.ofEpochSecond(timestamp).plus(Duration.ofMinutes(10))))
        .as("a replay ten minutes later").isFalse();
    assertThat(t.keys.webhookSecret(producer.key().id())).contains(producer.webhookSecret());
  }

  @Test
  void aRotatedSecretSignsTheNextDeliveries() {
    String old = producer.webhookSecret();
    String rotated = t.keys.rotateWebhookSecret(producer.key().id()).webhookSecret();
    assertThat(rotated).isNotEqualTo(old).startsWith("whsec_");

    String id = t.post("/v1/jobs", producer.token(), json("{\"kind\": \"k\", \"webhook_url\": \"URL\"}")).json()
        .get("id").asText();
    try (Worker w = worker()) {
      awaitDeliveries("/v1/jobs/" + id + "/webhooks", producer.token(), WebhookTest::delivered);
    }

    Received r = receiver.received().get(0);
    assertThat(verifies(r, rotated)).isTrue();
    assertThat(verifies(r, old)).isFalse();
  }

  @Test
  void batchAndWorkflowWebhooksAreCalledOnceWhenTheyFinish() {
    Reply batch = t.post("/v1/batches", producer.token(), json("""
        {"jobs": [{"kind": "k"}, {"kind": "k"}], "webhook_url": "URL"}"""));
    assertThat(batch.status()).as(batch.body()).isEqualTo(201);
    Reply workflow = t.post("/v1/workflows", producer.token(), json("""
        {"name": "report", "webhook_url": "URL", "steps": [{"step": "a", "kind": "k"},
         {"step": "b", "kind": "k", "depends_on": ["a"], "webhook_url": "URL"}]}"""));
    assertThat(workflow.status()).as(workflow.body()).isEqualTo(201);
    String batchId = batch.json().get("id").asText();
    String workflowId = workflow.json().get("id").asText();
    String stepB = workflow.json().get("steps").get(1).get("job_id").asText();

    JsonNode batchDeliveries;
    JsonNode workflowDeliveries;
    JsonNode stepDeliveries;
    try (Worker w = worker()) {
      batchDeliveries = awaitDeliveries("/v1/batches/" + batchId + "/webhooks", producer.token(), WebhookTest::delivered);
      workflowDeliveries = awaitDeliveries("/v1/batches/" + workflowId + "/webhooks", producer.token(),
          WebhookTest::delivered);
      stepDeliveries = awaitDeliveries("/v1/jobs/" + stepB + "/webhooks", producer.token(), WebhookTest::delivered);
    }

    assertThat(batchDeliveries).singleElement().satisfies(d -> {
      assertThat(d.get("event").asText()).isEqualTo("batch.completed");
      assertThat(d.get("payload").at("/data/batch/completed").asInt()).isEqualTo(2);
    });
    assertThat(workflowDeliveries).singleElement().satisfies(d -> {
      assertThat(d.get("event").asText()).isEqualTo("workflow.completed");
      assertThat(d.get("payload").at("/data/workflow/name").asText()).isEqualTo("report");
    });
    assertThat(stepDeliveries).singleElement().satisfies(d -> assertThat(d.get("event").asText()).isEqualTo("job.completed"));
    String firstMember = batch.json().get("jobs").get(0).get("id").asText();
    assertThat(t.get("/v1/jobs/" + firstMember + "/webhooks", producer.token()).json().get("deliveries")).isEmpty();
    assertThat(receiver.received()).hasSize(3).allMatch(r -> verifies(r, producer.webhookSecret()));
  }

  @Test
  void aHostOutsideTheAllowListIsA400NamingTheFieldAndNothingIsEnqueued() {
    List<Reply> refused = List.of(
        t.post("/v1/jobs", producer.token(), json("{\"kind\": \"k\", \"webhook_url\": \"OUTSIDE\"}")),
        t.post("/v1/jobs/batch", producer.token(), json("""
            {"jobs": [{"kind": "k", "webhook_url": "URL"}, {"kind": "k", "webhook_url": "OUTSIDE"}]}""")),
        t.post("/v1/batches", producer.token(), json("{\"jobs\": [{\"kind\": \"k\"}], \"webhook_url\": \"OUTSIDE\"}")),
        t.post("/v1/batches", producer.token(), json("{\"jobs\": [{\"kind\": \"k\", \"webhook_url\": \"OUTSIDE\"}]}")),
        t.post("/v1/workflows", producer.token(), json("""
            {"steps": [{"step": "a", "kind": "k"}], "webhook_url": "OUTSIDE"}""")),
        t.post("/v1/workflows", producer.token(), json("""
            {"steps": [{"step": "a", "kind": "k", "webhook_url": "OUTSIDE"}]}""")));
    List<String> fields = List.of("webhook_url", "jobs[1].webhook_url", "webhook_url", "jobs[0].webhook_url",
        "webhook_url", "steps[0].webhook_url");

    for (int i = 0; i < refused.size(); i++) {
      Reply r = refused.get(i);
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("errors")).singleElement().satisfies(e -> {
        assertThat(e.get("message").asText()).isEqualTo("host 'localhost' is not in the webhook host allow-list");
      });
    }
    assertThat(refused).extracting(r -> r.json().get("errors").get(0).get("field").asText())
        .containsExactlyElementsOf(fields);
    assertThat(t.gantry.jobs(JobFilter.all()).jobs()).isEmpty();
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void aWebhookUrlThatIsNoHttpUrlIsA400() {
    for (String url : new String[] {"ftp://127.0.0.1/x", "/relative", "http://user:pw@127.0.0.1/", "not a url"}) {
      Reply r = t.post("/v1/jobs", producer.token(), "{\"kind\": \"k\", \"webhook_url\": \"" + url + "\"}");
      assertThat(r.status()).as(url).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("webhook_url");
      assertThat(r.json().get("errors").get(0).get("message").asText()).as(url).startsWith("must");
    }
    Reply callback = t.post("/v1/batches", producer.token(), json("""
        {"jobs": [{"kind": "k"}], "on_complete": {"kind": "k", "webhook_url": "URL"}}"""));
    assertThat(callback.status()).isEqualTo(400);
    assertThat(callback.json().get("errors").get(0).get("field").asText()).isEqualTo("on_complete.webhook_url");
  }

  @Test
  void withoutAnAllowListTheServerRefusesEveryWebhook() {
    try (TestServer off = TestServer.withGantry(b -> b.webhooks(WebhookSettings.defaults()
        .withAllowedHosts(HostAllowList.none())))) {
      Reply r = off.post("/v1/jobs", off.producer, json("{\"kind\": \"k\", \"webhook_url\": \"URL\"}"));

      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("webhook_url");
      assertThat(r.json().get("errors").get(0).get("message").asText())
          .startsWith("webhooks are off on this server").contains("GANTRY_WEBHOOK_ALLOWED_HOSTS");
      assertThat(off.post("/v1/jobs", off.producer, "{\"kind\": \"k\"}").status()).isEqualTo(201);
    }
  }

  @Test
  void deliveriesAreScopedToTheCallersTenant() {
    CreatedKey acme = t.keys.create("acme producer", Role.PRODUCER, "acme");
    String other = t.key("other producer", Role.PRODUCER, "other");
    String id = t.post("/v1/jobs", acme.token(), json("{\"kind\": \"k\", \"webhook_url\": \"URL\"}")).json()
        .get("id").asText();
    try (Worker w = worker()) {
      JsonNode deliveries = awaitDeliveries("/v1/jobs/" + id + "/webhooks", acme.token(), WebhookTest::delivered);
      assertThat(deliveries.get(0).get("tenant").asText()).isEqualTo("acme");
    }

    assertThat(t.get("/v1/jobs/" + id + "/webhooks", other).status()).isEqualTo(404);
    assertThat(t.get("/v1/jobs/" + id + "/webhooks", t.admin).json().get("deliveries")).hasSize(1);
    assertThat(verifies(receiver.received().get(0), acme.webhookSecret())).isTrue();
    assertThat(t.get("/v1/batches/" + UUID.randomUUID() + "/webhooks", acme.token()).status()).isEqualTo(404);
  }
}
