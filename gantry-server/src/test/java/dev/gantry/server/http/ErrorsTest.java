package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.testing.SwitchableDataSource;
import dev.gantry.testing.TestDatabase;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void anUnknownRouteIs404Problem() {
    try (TestServer t = TestServer.start()) {
      Reply r = t.get("/v2/nothing", t.admin);

      assertThat(r.status()).isEqualTo(404);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().get("detail").asText()).contains("/openapi.json");
      assertThat(r.json().get("instance").asText()).isEqualTo("/v2/nothing");
    }
  }

  @Test
  void aWrongMethodIs405ProblemNamingTheAllowedOnes() {
    try (TestServer t = TestServer.start()) {
      Reply r = t.send(t.request("/v1/jobs", t.admin).PUT(HttpRequest.BodyPublishers.ofString("{}")));

      assertThat(r.status()).isEqualTo(405);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:method-not-allowed");
      assertThat(r.header("Allow")).contains("GET").contains("POST");
    }
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfterAndNeverAStackTrace() {
    SwitchableDataSource switchable = new SwitchableDataSource(TestDatabase.get().dataSource());
    try (TestServer t = TestServer.start(switchable, s -> s)) {
      assertThat(t.get("/health/ready", null).status()).isEqualTo(200);
      switchable.cutOff();

      Reply api = t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"}");
      Reply ready = t.get("/health/ready", null);
      Reply live = t.get("/health/live", null);

      for (Reply r : new Reply[] {api, ready}) {
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("5");
        assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:unavailable");
        assertThat(r.body()).doesNotContain("SQLException").doesNotContain("at dev.gantry");
      }
      assertThat(live.status()).isEqualTo(200);

      switchable.restore();
      assertThat(t.post("/v1/jobs", t.producer, "{\"kind\":\"k\"}").status()).isEqualTo(201);
    }
  }

  @Test
  void aStatementTheDatabaseRefusesIsAGeneric500LoggedOnTheServer() {
    try (TestServer t = TestServer.start()) {
      t.db.execute("DROP TABLE " + t.schema + ".idempotency_keys");

      Reply r = t.postWithKey("/v1/jobs", t.producer, "k-1", "{\"kind\":\"k\"}");

      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:internal");
      assertThat(r.json().get("detail").asText()).contains("logged on the server");
      assertThat(r.body()).doesNotContain("idempotency_keys").doesNotContain("Exception").doesNotContain("at dev.gantry");
      assertThat(t.gantry.jobs(dev.gantry.job.JobFilter.all()).jobs()).isEmpty();
    }
  }
}
