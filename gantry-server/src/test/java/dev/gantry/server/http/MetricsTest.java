package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.job.JobState;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final String METRICS_KEY = "scrape-me-please-0123456789";

  @Test
  void afterSomeTrafficTheExpectedSeriesAreThere() {
    try (TestServer t = TestServer.start(s -> s.withQueueDepthInterval(Duration.ofMillis(100)))) {
      t.post("/v1/jobs", t.producer, "{\"kind\":\"email.send\",\"queue\":\"mail\"}");
      t.post("/v1/jobs", t.producer, "{\"kind\":\"email.send\",\"queue\":\"mail\"}");
      t.post("/v1/jobs", t.producer, "{\"kind\":\"email.send\",\"queue\":\"mail\",\"unique_key\":\"u\"}");
      t.post("/v1/jobs", t.producer, "{\"kind\":\"email.send\",\"queue\":\"mail\",\"unique_key\":\"u\"}"); // duplicate
      String id = t.get("/v1/jobs?queue=mail", t.producer).json().get("jobs").get(0).get("id").asText();
      t.get("/v1/jobs/" + id, t.producer);
      t.get("/v1/jobs/" + UUID.randomUUID(), t.producer);
      t.get("/nowhere", t.producer);
      UUID ok = t.gantry.enqueue("quick", null).id();
      UUID dead = t.gantry.enqueue("broken", null).id();
      try (Worker w = fast(t.gantry).queue("default", 2)
          .handler("quick", Map.class, (args, ctx) -> "ok")
          .handler("broken", Map.class, (args, ctx) -> {
            throw new PermanentFailure("no");
          }).start()) {
        awaitState(t.gantry, ok, JobState.COMPLETED);
        awaitState(t.gantry, dead, JobState.DEAD);
      }

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(t))
          .contains("gantry_queue_depth{queue=\"mail\",state=\"available\"} 3.0"));
      String text = scrape(t);

      assertThat(text)
          .contains("gantry_jobs_enqueued_total{kind=\"email.send\",queue=\"mail\"} 3.0")
          .containsPattern("http_server_requests_seconds_count\\{method=\"POST\",status=\"201\",uri=\"/v1/jobs\"} 3")
          .containsPattern("http_server_requests_seconds_count\\{method=\"POST\",status=\"200\",uri=\"/v1/jobs\"} 1")
          .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",status=\"200\",uri=\"/v1/jobs/\\{id}\"} 1")
          .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",status=\"404\",uri=\"/v1/jobs/\\{id}\"} 1")
          .containsPattern("http_server_requests_seconds_count\\{method=\"GET\",status=\"404\",uri=\"UNMATCHED\"} 1")
          .contains("gantry_jobs_completed_total{kind=\"quick\",queue=\"default\"} 1.0")
          .contains("gantry_jobs_dead_total{kind=\"broken\",queue=\"default\"} 1.0")
          .contains("gantry_jobs_failed_total{kind=\"broken\",queue=\"default\"} 1.0")
          .contains("gantry_queue_depth{queue=\"default\",state=\"completed\"} 1.0");
      assertThat(text).doesNotContain(id); // never a series per job
    }
  }

  private static String scrape(TestServer t) {
    Reply r = t.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    return r.body();
  }

  @Test
  void withAMetricsKeyTheScrapeNeedsItOrAnAdminKey() {
    try (TestServer t = TestServer.start(s -> s.withMetricsKey(METRICS_KEY))) {
      Reply none = t.get("/metrics", null);
      Reply producer = t.get("/metrics", t.producer);
      Reply wrong = t.get("/metrics", METRICS_KEY + "x");

      assertThat(none.status()).isEqualTo(401);
      assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(producer.status()).isEqualTo(401);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(t.get("/metrics", METRICS_KEY).body()).contains("http_server_requests_seconds");
      assertThat(t.get("/metrics", t.admin).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutAMetricsKeyOnlyThisMachineMayScrape() {
    // The test client is on this machine, so it may scrape; the refusal of other addresses is
    // decided by the peer's address (Authenticator.isLoopback), which a test cannot fake here.
    try (TestServer t = TestServer.start()) {
      assertThat(t.get("/metrics", null).status()).isEqualTo(200);
    }
  }
}
