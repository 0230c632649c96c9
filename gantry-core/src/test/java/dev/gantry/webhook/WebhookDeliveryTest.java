package dev.gantry.webhook;

import static dev.gantry.testing.TestWorkers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchResult;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestWorkers;
import dev.gantry.testing.WebhookReceiver;
import dev.gantry.testing.WebhookReceiver.Received;
import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.RetryPolicy;
import dev.gantry.worker.Worker;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import dev.gantry.workflow.WorkflowResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end, against a local HTTP receiver: jobs, batches and workflows finish, worker
 * nodes deliver, and the receiver checks signatures as a real one would.
 */
class WebhookDeliveryTest {
  private static final String SECRET = "whsec_library-test-secret-42";
  private static final HostAllowList LOOPBACK = HostAllowList.of("127.0.0.1");
  /** Short backoff without jitter, so that the delays asserted are the policy's. */
  private static final RetryPolicy QUICK = new ExponentialBackoff(Duration.ofMillis(50), Duration.ofSeconds(1), 0, 3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestDatabase db = TestDatabase.get();
  private final WebhookReceiver receiver = WebhookReceiver.start();
  private final List<Gantry> instances = new ArrayList<>();

  @AfterEach
  void tearDown() {
    instances.forEach(Gantry::close);
    receiver.close();
  }

  /** The test secret and loopback allow-list, polling every 25 ms. */
  private static WebhookSettings settings(RetryPolicy retry) {
    return WebhookSettings.defaults().withSecret(SECRET).withAllowedHosts(LOOPBACK).withRetry(retry)
        .withPollInterval(Duration.ofMillis(25)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  private Gantry gantry(WebhookSettings webhooks) {
    return gantry(db.newSchema(), webhooks);
  }

  private Gantry gantry(String schema, WebhookSettings webhooks) {
    Gantry g = Gantry.builder(db.dataSource()).schema(schema).webhooks(webhooks).build();
    instances.add(g);
    return g;
  }

  /** A node running "ok" (completes with {"done": true}) and "fail" (dead at once). */
  private static Worker worker(Gantry g) {
    return TestWorkers.fast(g).queue("default", 4)
        .handler("ok", Map.class, (args, ctx) -> Map.of("done", true))
        .handler("fail", Map.class, (args, ctx) -> {
          throw new PermanentFailure("no");
        })
        .start();
  }

  private static JobOptions webhook(URI url) {
    return JobOptions.defaults().withWebhook(url);
  }

  /** Waits until the subject has exactly one delivery, in this state, and returns it. */
  private static WebhookDelivery awaitDelivery(Gantry g, UUID subject, DeliveryState state) {
    return await("the delivery of " + subject + " to be " + state).atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> g.webhooks().deliveries(subject), l -> l.size() == 1 && l.get(0).state() == state).get(0);
  }

  private static JsonNode json(Received r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static boolean genuine(Received r, String secret) {
    return WebhookSignature.verify(secret, r.header("Gantry-Signature"), r.body(), WebhookSignature.DEFAULT_TOLERANCE);
  }

  @Test
  void aFinishedJobCallsItsWebhookOnceSignedWithTheSecretAndTimestamped() throws Exception {
    Gantry g = gantry(settings(QUICK));
    URI url = receiver.url("/hooks/jobs");
    UUID id;
    WebhookDelivery delivery;
    try (Worker w = worker(g)) {
      id = g.enqueue("ok", Map.of("n", 1), webhook(url).withMetadata(Map.of("order", "o-1"))).id();
      delivery = awaitDelivery(g, id, DeliveryState.DELIVERED);
    }

    assertThat(receiver.received()).hasSize(1);
    Received r = receiver.received().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/hooks/jobs");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("User-Agent")).isEqualTo("Gantry-Webhooks/1");
    assertThat(r.header("Gantry-Webhook-Id")).isEqualTo(delivery.id().toString());
    assertThat(r.header("Gantry-Event")).isEqualTo("job.completed");
    assertThat(r.header("Gantry-Attempt")).isEqualTo("1");
    long t = Long.parseLong(r.header("Gantry-Timestamp"));
    assertThat(r.header("Gantry-Signature")).isEqualTo(WebhookSignature.header(SECRET, t, r.body()));
    assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThan(60);

    // The receiver's checks: the secret verifies; another secret, an old timestamp or another body do not.
    assertThat(genuine(r, SECRET)).isTrue();
    assertThat(genuine(r, "whsec_some-other-secret-1")).isFalse();
    assertThat(WebhookSignature.verify(SECRET, r.header("Gantry-Signature"), r.body(), Duration.ofMinutes(5),
        Instant.ofEpochSecond(t).plus(Duration.ofMinutes(6)))).isFalse();
    assertThat(WebhookSignature.verify(SECRET, r.header("Gantry-Signature"),
        r.bodyText().replace("completed", "dead").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Duration.ofMinutes(5))).isFalse();

    JsonNode payload = json(r);
    assertThat(payload).isEqualTo(delivery.payload());
    assertThat(payload.get("id").asText()).isEqualTo(delivery.id().toString());
    assertThat(payload.get("event").asText()).isEqualTo("job.completed");
    JsonNode job = payload.get("data").get("job");
    assertThat(job.get("id").asText()).isEqualTo(id.toString());
    assertThat(job.get("kind").asText()).isEqualTo("ok");
    assertThat(job.get("state").asText()).isEqualTo("completed");
    assertThat(job.get("result").get("done").asBoolean()).isTrue();
    assertThat(job.get("metadata").get("order").asText()).isEqualTo("o-1");
    assertThat(job.has("args")).as("args are not sent").isFalse();

    assertThat(delivery.subject()).isEqualTo("job");
    assertThat(delivery.url()).isEqualTo(url);
    assertThat(delivery.attempt()).isEqualTo(1);
    assertThat(delivery.lastStatusCode()).isEqualTo(200);
    assertThat(delivery.lastError()).isNull();
    assertThat(delivery.deliveredAt()).isNotNull();
    assertThat(delivery.nextAttemptAt()).isNull();
    assertThat(delivery.attempts()).singleElement().satisfies(a -> {
      assertThat(a.statusCode()).isEqualTo(200);
      assertThat(a.retryIn()).isNull();
    });
    assertThat(g.job(id).orElseThrow().webhookUrl()).isEqualTo(url);
  }

  @Test
  void aReceiverFailingTwiceGetsTheDeliveryOnTheThirdAttemptAfterTheBackoff() throws Exception {
    receiver.thenAnswer(500, 500); // then 200
    Gantry g = gantry(settings(new ExponentialBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0, 5)));
    UUID id;
    WebhookDelivery delivery;
    try (Worker w = worker(g)) {
      id = g.enqueue("ok", null, webhook(receiver.url("/flaky"))).id();
      delivery = awaitDelivery(g, id, DeliveryState.DELIVERED);
    }

    assertThat(delivery.attempt()).isEqualTo(3);
    assertThat(delivery.lastStatusCode()).isEqualTo(200);
    assertThat(delivery.lastError()).isNull();
    List<DeliveryAttempt> log = delivery.attempts();
    assertThat(log).extracting(DeliveryAttempt::statusCode).containsExactly(500, 500, 200);
    assertThat(log).extracting(DeliveryAttempt::retryIn)
        .containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), null);
    assertThat(log.get(0).error()).isEqualTo("HTTP 500: answered 500");

    List<Received> received = receiver.received();
    assertThat(received).extracting(x -> x.header("Gantry-Attempt")).containsExactly("1", "2", "3");
    assertThat(received).extracting(x -> x.header("Gantry-Webhook-Id")).containsOnly(delivery.id().toString());
    assertThat(received).allMatch(x -> genuine(x, SECRET), "every attempt is signed anew");
    assertThat(received).extracting(Received::bodyText).containsOnly(received.get(0).bodyText());
    Duration first = Duration.between(received.get(0).at(), received.get(1).at());
    Duration second = Duration.between(received.get(1).at(), received.get(2).at());
    assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    System.out.printf("webhook retry: attempts %s, backoff recorded %s, gaps seen by the receiver %d ms and %d ms,"
            + " logged at %s%n", log.stream().map(DeliveryAttempt::statusCode).toList(),
        log.stream().map(DeliveryAttempt::retryIn).toList(), first.toMillis(), second.toMillis(),
        log.stream().map(DeliveryAttempt::at).toList());
  }

  @Test
  void aReceiverThatAlwaysFailsMakesTheDeliveryDeadAfterItsAttemptsAndTheJobStaysCompleted() throws Exception {
    receiver.always(503);
    Gantry g = gantry(settings(QUICK));
    UUID id;
    WebhookDelivery delivery;
    try (Worker w = worker(g)) {
      id = g.enqueue("ok", null, webhook(receiver.url("/down"))).id();
      delivery = awaitDelivery(g, id, DeliveryState.DEAD);
    }

    assertThat(delivery.attempt()).isEqualTo(3);
    assertThat(delivery.lastStatusCode()).isEqualTo(503);
    assertThat(delivery.lastError()).isEqualTo("HTTP 503: answered 503; gave up after 3 attempts");
    assertThat(delivery.attempts()).extracting(DeliveryAttempt::retryIn)
        .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), null);
    assertThat(receiver.received()).hasSize(3);
    Job job = g.job(id).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.errors()).isEmpty();
    System.out.printf("webhook dead: %d attempts, last status %d, backoff %s, job %s%n", delivery.attempt(),
        delivery.lastStatusCode(), delivery.attempts().stream().map(DeliveryAttempt::retryIn).toList(), job.state());
  }

  @Test
  void aRefusal4xxIsDeadAtOnceWhileAConnectionFailureIsRetried() throws Exception {
    receiver.always(404);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    Gantry g = gantry(settings(QUICK));
    try (Worker w = worker(g)) {
      UUID refused = g.enqueue("ok", null, webhook(receiver.url("/gone"))).id();
      UUID unreachable = g.enqueue("ok", null, webhook(URI.create("http://127.0.0.1:" + closedPort + "/"))).id();

      WebhookDelivery notFound = awaitDelivery(g, refused, DeliveryState.DEAD);
      assertThat(notFound.attempt()).isEqualTo(1);
      assertThat(notFound.lastStatusCode()).isEqualTo(404);
      assertThat(notFound.lastError()).contains("HTTP 404").contains("is not retried");

      WebhookDelivery noConnection = awaitDelivery(g, unreachable, DeliveryState.DEAD);
      assertThat(noConnection.attempt()).isEqualTo(3);
      assertThat(noConnection.lastStatusCode()).isNull();
      assertThat(noConnection.lastError()).startsWith("connection failed").endsWith("gave up after 3 attempts");
    }
    assertThat(receiver.received()).hasSize(1);
  }

  @Test
  void aRedirectToAnotherHostIsNotFollowed() throws Exception {
    try (WebhookReceiver elsewhere = WebhookReceiver.start()) {
      receiver.redirectTo(elsewhere.localhostUrl("/elsewhere?token=t"));
      // Both hosts are allowed: the redirect alone keeps the delivery from the other one.
      Gantry g = gantry(settings(QUICK).withAllowedHosts(HostAllowList.of("127.0.0.1", "localhost")));
      WebhookDelivery delivery;
      try (Worker w = worker(g)) {
        UUID id = g.enqueue("ok", null, webhook(receiver.url("/moved"))).id();
        delivery = awaitDelivery(g, id, DeliveryState.DEAD);
      }

      assertThat(delivery.attempt()).isEqualTo(1);
      assertThat(delivery.lastStatusCode()).isEqualTo(302);
      assertThat(delivery.lastError()).isEqualTo("HTTP 302: redirect to host localhost not followed (redirects never"
          + " are); give the webhook its final URL");
      assertThat(receiver.received()).hasSize(1);
      assertThat(elsewhere.received()).isEmpty();
    }
  }

  @Test
  void aHostOutsideTheAllowListIsRefusedWhenEnqueuedAndNeverCalled() {
    Gantry g = gantry(settings(QUICK)); // 127.0.0.1 only
    URI outside = receiver.localhostUrl("/outside");
    try (Worker w = worker(g)) {
      assertThatThrownBy(() -> g.enqueue("ok", null, webhook(outside)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("webhook_url: host 'localhost' is not in the webhook host allow-list");
      assertThatThrownBy(() -> g.enqueueAll(List.of(JobRequest.of("ok", null, webhook(receiver.url("/in"))),
          JobRequest.of("ok", null, webhook(outside)))))
          .hasMessageStartingWith("requests[1].webhook_url: host 'localhost' is not in the webhook host allow-list");
      assertThatThrownBy(() -> g.batches().enqueue(List.of(JobRequest.of("ok", null)),
          BatchOptions.defaults().withWebhook(outside)))
          .hasMessageStartingWith("webhook_url: host 'localhost'");
      assertThatThrownBy(() -> g.workflows().enqueue(Workflow.named("w").step("a", JobRequest.of("ok", null))
          .options(BatchOptions.defaults().withWebhook(outside)).build()))
          .hasMessageStartingWith("webhook_url: host 'localhost'");
    }

    assertThat(g.jobs(JobFilter.all()).jobs()).as("nothing was enqueued").isEmpty();
    assertThat(db.queryLong("SELECT count(*) FROM " + g.schema() + ".batches")).isZero();
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void aHostNoLongerAllowedWhenItsDeliveryIsDueIsRefusedThenAndNeverCalled() {
    String schema = db.newSchema();
    // This instance allows localhost but has no secret: its nodes deliver nothing.
    Gantry producer = gantry(schema, WebhookSettings.defaults().withAllowedHosts(HostAllowList.of("localhost")));
    Gantry deliverer = gantry(schema, settings(QUICK)); // 127.0.0.1 only
    UUID id = producer.enqueue("ok", null, webhook(receiver.localhostUrl("/late"))).id();

    WebhookDelivery delivery;
    try (Worker w = worker(deliverer)) {
      delivery = awaitDelivery(deliverer, id, DeliveryState.DEAD);
    }

    assertThat(delivery.attempt()).isEqualTo(1);
    assertThat(delivery.lastStatusCode()).isNull();
    assertThat(delivery.lastError()).isEqualTo("host not allowed: localhost is not in the webhook host allow-list");
    assertThat(receiver.received()).isEmpty();
    assertThat(deliverer.job(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aBatchsWebhookIsCalledOnceWhenItFinishesWithItsOutcome() throws Exception {
    Gantry g = gantry(settings(QUICK));
    URI url = receiver.url("/batches");
    BatchResult completed;
    BatchResult failed;
    BatchResult cancelled;
    try (Worker w = worker(g)) {
      completed = g.batches().enqueue(List.of(JobRequest.of("ok", null), JobRequest.of("ok", null),
          JobRequest.of("ok", null)), BatchOptions.defaults().withMetadata(Map.of("upload", "u-1")).withWebhook(url));
      failed = g.batches().enqueue(List.of(JobRequest.of("ok", null), JobRequest.of("fail", null)),
          BatchOptions.defaults().withWebhook(url));
      // A member on a queue nobody serves: it waits until the batch is cancelled.
      cancelled = g.batches().enqueue(List.of(JobRequest.of("ok", null, JobOptions.defaults().withQueue("idle"))),
          BatchOptions.defaults().withWebhook(url));
      g.batches().cancel(cancelled.batchId());

      WebhookDelivery ok = awaitDelivery(g, completed.batchId(), DeliveryState.DELIVERED);
      WebhookDelivery bad = awaitDelivery(g, failed.batchId(), DeliveryState.DELIVERED);
      WebhookDelivery stopped = awaitDelivery(g, cancelled.batchId(), DeliveryState.DELIVERED);

      assertThat(List.of(ok, bad, stopped)).extracting(WebhookDelivery::subject).containsOnly("batch");
      assertThat(List.of(ok, bad, stopped)).extracting(WebhookDelivery::event)
          .containsExactly("batch.completed", "batch.failed", "batch.cancelled");
      JsonNode batch = ok.payload().get("data").get("batch");
      assertThat(batch.get("id").asText()).isEqualTo(completed.batchId().toString());
      assertThat(batch.get("state").asText()).isEqualTo("completed");
      assertThat(batch.get("total").asInt()).isEqualTo(3);
      assertThat(batch.get("completed").asInt()).isEqualTo(3);
      assertThat(batch.get("metadata").get("upload").asText()).isEqualTo("u-1");
      assertThat(bad.payload().at("/data/batch/dead").asInt()).isEqualTo(1);

      // Finishing is once: sealing or cancelling a finished batch calls nothing again.
      g.batches().cancel(completed.batchId());
      g.batches().seal(completed.batchId());
      assertThat(g.webhooks().deliveries(completed.batchId())).hasSize(1);
    }
    for (EnqueueResult member : completed.jobs()) {
      assertThat(g.webhooks().deliveries(member.id())).as("members have no webhook of their own").isEmpty();
    }
    assertThat(receiver.received()).hasSize(3).allMatch(r -> genuine(r, SECRET));
    assertThat(receiver.received()).extracting(r -> r.header("Gantry-Event"))
        .containsExactlyInAnyOrder("batch.completed", "batch.failed", "batch.cancelled");
  }

  @Test
  void aWorkflowsWebhookIsCalledOnceWhenItsLastStepFinishesAndACancelledStepCallsItsOwn() throws Exception {
    Gantry g = gantry(settings(QUICK));
    URI url = receiver.url("/workflows");
    WorkflowResult done;
    WorkflowResult broken;
    try (Worker w = worker(g)) {
      done = g.workflows().enqueue(Workflow.named("report")
          .step("a", JobRequest.of("ok", null))
          .step("b", JobRequest.of("ok", null), Dependency.on("a"))
          .options(BatchOptions.defaults().withWebhook(url)).build());
      broken = g.workflows().enqueue(Workflow.named("broken")
          .step("a", JobRequest.of("fail", null))
          .step("b", JobRequest.of("ok", null, webhook(receiver.url("/steps"))), Dependency.on("a"))
          .options(BatchOptions.defaults().withWebhook(url)).build());

      WebhookDelivery workflow = awaitDelivery(g, done.workflowId(), DeliveryState.DELIVERED);
      assertThat(workflow.event()).isEqualTo("workflow.completed");
      assertThat(workflow.payload().at("/data/workflow/name").asText()).isEqualTo("report");
      assertThat(workflow.payload().at("/data/workflow/completed").asInt()).isEqualTo(2);

      assertThat(awaitDelivery(g, broken.workflowId(), DeliveryState.DELIVERED).event()).isEqualTo("workflow.failed");
      WebhookDelivery step = awaitDelivery(g, broken.step("b"), DeliveryState.DELIVERED);
      assertThat(step.event()).isEqualTo("job.cancelled");
      assertThat(step.payload().at("/data/job/last_error/class").asText()).isEqualTo("dependency");
    }
    assertThat(receiver.received()).hasSize(3);
    assertThat(g.webhooks().deliveries(done.step("a"))).isEmpty();
  }

  @Test
  void jobsWithoutAWebhookWriteNoDeliveryRow() throws Exception {
    Gantry g = gantry(settings(QUICK));
    List<UUID> ids = new ArrayList<>();
    try (Worker w = worker(g)) {
      for (int i = 0; i < 20; i++) {
        ids.add(g.enqueue(i % 2 == 0 ? "ok" : "fail", Map.of("i", i)).id());
      }
      for (UUID id : ids) {
        TestWorkers.awaitFinished(g, id);
      }
    }

    assertThat(db.queryLong("SELECT count(*) FROM " + g.schema() + ".webhook_deliveries")).isZero();
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void aDeadJobCallsItsWebhookAgainWhenRetriedAndFinishedAgain() throws Exception {
    Gantry g = gantry(settings(QUICK));
    try (Worker w = worker(g)) {
      UUID id = g.enqueue("fail", null, webhook(receiver.url("/dead"))).id();
      WebhookDelivery dead = awaitDelivery(g, id, DeliveryState.DELIVERED);
      assertThat(dead.event()).isEqualTo("job.dead");
      assertThat(dead.payload().at("/data/job/last_error/message").asText()).isEqualTo("no");
      assertThat(dead.payload().at("/data/job/last_error").has("stacktrace")).isFalse();

      g.retry(id);
      await().atMost(WAIT).until(() -> g.webhooks().deliveries(id),
          l -> l.size() == 2 && l.stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
    }
    assertThat(receiver.received()).extracting(r -> r.header("Gantry-Event")).containsExactly("job.dead", "job.dead");
  }

  @Test
  void aTenantSeesOnlyItsOwnDeliveries() {
    Gantry g = gantry(settings(QUICK));
    try (Worker w = worker(g)) {
      UUID id = g.forTenant("acme").enqueue("ok", null, webhook(receiver.url("/acme"))).id();
      WebhookDelivery delivery = awaitDelivery(g, id, DeliveryState.DELIVERED);

      assertThat(delivery.tenant()).isEqualTo("acme");
      assertThat(g.webhooks().forTenant("acme").deliveries(id)).hasSize(1);
      assertThat(g.webhooks().forTenant("other").deliveries(id)).isEmpty();
    }
  }
}
