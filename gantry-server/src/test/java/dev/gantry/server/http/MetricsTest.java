package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
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

  @Test
  void remoteWorkersOutcomesAndTimesAreCounted() {
    try (TestServer t = TestServer.start(s -> s.withQueueDepthInterval(Duration.ofMillis(100)))) {
      UUID done = t.gantry.enqueue("convert", null, JobOptions.defaults().withQueue("media")).id();
      UUID flaky = t.gantry.enqueue("convert", null, JobOptions.defaults().withQueue("media")).id();
      UUID broken = t.gantry.enqueue("probe", null, JobOptions.defaults().withQueue("media")).id();
      t.gantry.enqueue("convert", null, JobOptions.defaults().withQueue("media"));
      JsonNode jobs =
          t.post("/v1/claims", t.worker, "{\"queues\":[\"media\"],\"limit\":3}").json().get("jobs");
      assertThat(jobs).hasSize(3);
      // The first job ran for 1.5 s, by the database's clock.
      t.db.execute("UPDATE " + t.schema + ".jobs SET attempted_at = attempted_at - interval '1500 milliseconds',"
          + " scheduled_at = scheduled_at - interval '2 seconds', created_at = created_at - interval '2 seconds'"
          + " WHERE id = '" + done + "'");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(t))
          .contains("gantry_jobs_in_flight{queue=\"media\"} 3.0"));
      t.post("/v1/jobs/" + done + "/complete", t.worker, "{\"lease_token\":\"" + token(jobs, done) + "\"}");
      t.post("/v1/jobs/" + flaky + "/fail", t.worker, "{\"lease_token\":\"" + token(jobs, flaky) + "\",\"error\":\"x\"}");
      t.post("/v1/jobs/" + broken + "/fail", t.worker,
          "{\"lease_token\":\"" + token(jobs, broken) + "\",\"error\":\"x\",\"retryable\":false}");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(t))
          .contains("gantry_jobs_in_flight{queue=\"media\"} 0.0"));
      String text = scrape(t);

      assertThat(text)
          .contains("gantry_jobs_completed_total{kind=\"convert\",queue=\"media\"} 1.0")
          .contains("gantry_jobs_failed_total{kind=\"convert\",queue=\"media\"} 1.0")
          .contains("gantry_jobs_retried_total{kind=\"convert\",queue=\"media\"} 1.0")
          .contains("gantry_jobs_failed_total{kind=\"probe\",queue=\"media\"} 1.0")
          .contains("gantry_jobs_dead_total{kind=\"probe\",queue=\"media\"} 1.0")
          .contains("gantry_job_enqueue_to_start_seconds_count{kind=\"convert\",queue=\"media\"} 2")
          .contains("gantry_job_enqueue_to_start_seconds_count{kind=\"probe\",queue=\"media\"} 1")
          .contains("gantry_job_run_seconds_count{kind=\"convert\",queue=\"media\"} 1")
          .contains("gantry_queue_depth{queue=\"media\",state=\"available\"} 1.0");
      // Ran 1.5 s (plus the test's own time): in no bucket up to 1.5 s, in every one from 1 minute on.
      assertThat(value(text, "gantry_job_run_seconds_sum{kind=\"convert\",queue=\"media\"}")).isBetween(1.5, 60.0);
      Map<Double, Double> buckets = buckets(text, "gantry_job_run_seconds_bucket{kind=\"convert\",queue=\"media\",le=\"");
      assertThat(buckets).hasSizeGreaterThan(10);
      buckets.forEach((le, count) -> {
        if (le < 1.5) {
          assertThat(count).as("bucket le=" + le).isZero();
        } else if (le >= 60) {
          assertThat(count).as("bucket le=" + le).isEqualTo(1);
        }
      });
    }
  }

  private static String token(JsonNode jobs, UUID id) {
    for (JsonNode j : jobs) {
      if (j.get("id").asText().equals(id.toString())) {
        return j.get("lease_token").asText();
      }
    }
    throw new AssertionError("job " + id + " was not claimed: " + jobs);
  }

  private static double value(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no series " + series));
  }

  /** The histogram's buckets (upper bound to count), from the lines starting with {@code prefix} (up to {@code le="}). */
  private static Map<Double, Double> buckets(String text, String prefix) {
    Map<Double, Double> buckets = new java.util.TreeMap<>();
    text.lines().filter(l -> l.startsWith(prefix)).forEach(l -> {
      String rest = l.substring(prefix.length());
      String le = rest.substring(0, rest.indexOf('"'));
      buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
          Double.parseDouble(rest.substring(rest.lastIndexOf(' ') + 1)));
    });
    return buckets;
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
