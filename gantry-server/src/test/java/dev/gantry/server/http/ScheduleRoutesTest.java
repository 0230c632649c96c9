package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /v1/schedules} routes against a real server, whose maintenance ticks the schedules
 * with gantry-cron's parser: define, read, list, pause, resume and delete; tenants and validation
 * as on the other routes. Every response is checked against openapi.json by the TestServer.
 */
class ScheduleRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NIGHTLY = """
      {"cron": "0 3 * * *", "time_zone": "Europe/Berlin", "kind": "report.build", "args": {"format": "pdf"},
       "queue": "reports", "priority": -5, "max_attempts": 3, "timeout": "PT2M", "tags": ["nightly"],
       "metadata": {"team": "finance"}, "missed": "run_once", "grace": "PT1H"}""";

  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private Reply put(String pathAndQuery, String key, String json) {
    return t.send(t.request(pathAndQuery, key).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static List<String> fields(JsonNode problem) {
    List<String> out = new ArrayList<>();
    problem.path("errors").forEach(e -> out.add(e.get("field").asText()));
    return out;
  }

  @Test
  void putCreatesThenReplacesAndGetAndListShowTheSchedule() {
    Reply created = put("/v1/schedules/nightly", t.producer, NIGHTLY);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode s = created.json();
    assertThat(s.get("name").asText()).isEqualTo("nightly");
    assertThat(s.get("tenant").isNull()).isTrue();
    assertThat(s.get("cron").asText()).isEqualTo("0 3 * * *");
    assertThat(s.get("time_zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(s.get("kind").asText()).isEqualTo("report.build");
    assertThat(s.get("args").toString()).isEqualTo("{\"format\":\"pdf\"}");
    assertThat(s.get("queue").asText()).isEqualTo("reports");
    assertThat(s.get("priority").asInt()).isEqualTo(-5);
    assertThat(s.get("max_attempts").asInt()).isEqualTo(3);
    assertThat(s.get("timeout").asText()).isEqualTo("PT2M");
    assertThat(s.get("tags").toString()).isEqualTo("[\"nightly\"]");
    assertThat(s.get("metadata").toString()).isEqualTo("{\"team\":\"finance\"}");
    assertThat(s.get("missed").asText()).isEqualTo("run_once");
    assertThat(s.get("grace").asText()).isEqualTo("PT1H");
    assertThat(s.get("paused").asBoolean()).isFalse();
    assertThat(s.get("last_run_at").isNull()).isTrue();
    assertThat(s.get("last_job_id").isNull()).isTrue();
    // 03:00 in Berlin, whatever the offset that day.
    ZonedDateTime next = Instant.parse(s.get("next_run_at").asText()).atZone(ZoneId.of("Europe/Berlin"));
    assertThat(next.getHour()).isEqualTo(3);
    assertThat(next.getMinute()).isZero();
    assertThat(next.toInstant()).isAfter(Instant.now().minusSeconds(60)).isBefore(Instant.now().plus(Duration.ofDays(1)));

    assertThat(t.get("/v1/schedules/nightly", t.producer).json()).isEqualTo(s);
    Reply again = put("/v1/schedules/nightly", t.producer, NIGHTLY);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).as("defined again as it was: nothing changed").isEqualTo(s);

    Reply replaced = put("/v1/schedules/nightly", t.admin, "{\"cron\": \"0 4 * * *\", \"kind\": \"report.build\"}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().get("time_zone").asText()).isEqualTo("UTC");
    assertThat(replaced.json().get("missed").asText()).isEqualTo("skip");
    assertThat(replaced.json().get("grace").asText()).isEqualTo("PT1M");
    assertThat(replaced.json().get("max_attempts").isNull()).isTrue();
    assertThat(Instant.parse(replaced.json().get("next_run_at").asText()).atZone(ZoneId.of("UTC")).getHour()).isEqualTo(4);
    assertThat(replaced.json().get("created_at")).isEqualTo(s.get("created_at"));

    put("/v1/schedules/hourly", t.producer, "{\"cron\": \"@hourly\", \"kind\": \"k\"}");
    JsonNode list = t.get("/v1/schedules", t.producer).json().get("schedules");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).get("name").asText()).isEqualTo("hourly");
    assertThat(list.get(1)).isEqualTo(t.get("/v1/schedules/nightly", t.producer).json());
  }

  @Test
  void theServerTicksASixFieldScheduleEverySecondAndShowsItsLastRun() {
    Reply created = put("/v1/schedules/heartbeat", t.producer,
        "{\"cron\": \"* * * * * *\", \"kind\": \"beat\", \"queue\": \"nobody\", \"metadata\": {\"m\": 1}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    List<Job> jobs = await().atMost(WAIT).until(
        () -> t.gantry.jobs(JobFilter.all().withQueue("nobody")).jobs(), j -> j.size() >= 2);
    for (Job j : jobs) {
      assertThat(j.kind()).isEqualTo("beat");
      assertThat(j.metadata().get("schedule").asText()).isEqualTo("heartbeat");
      assertThat(j.metadata().get("m").asInt()).isEqualTo(1);
      assertThat(Instant.parse(j.metadata().get("scheduled_for").asText())).isBeforeOrEqualTo(j.createdAt());
    }
    assertThat(jobs.stream().map(j -> j.metadata().get("scheduled_for").asText()).distinct()).hasSameSizeAs(jobs);
    JsonNode s = await().atMost(WAIT).until(() -> t.get("/v1/schedules/heartbeat", t.producer).json(),
        j -> !j.get("last_job_id").isNull());
    assertThat(Instant.parse(s.get("next_run_at").asText())).isAfter(Instant.parse(s.get("last_run_at").asText()));
  }

  @Test
  void pauseResumeAndDelete() {
    put("/v1/schedules/beat", t.producer, "{\"cron\": \"*/5 * * * *\", \"kind\": \"k\"}");

    Reply paused = t.post("/v1/schedules/beat/pause", t.producer, "");
    assertThat(paused.status()).as(paused.body()).isEqualTo(200);
    assertThat(paused.json().get("paused").asBoolean()).isTrue();
    assertThat(paused.json().get("paused_at").isNull()).isFalse();
    assertThat(paused.json().get("next_run_at").isNull()).isTrue();
    assertThat(t.post("/v1/schedules/beat/pause", t.producer, "").json()).isEqualTo(paused.json());

    Reply resumed = t.post("/v1/schedules/beat/resume", t.admin, "");
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    Instant next = Instant.parse(resumed.json().get("next_run_at").asText());
    assertThat(next.atZone(ZoneId.of("UTC")).getMinute() % 5).isZero();
    assertThat(next).isAfter(Instant.now().minusSeconds(60));

    Reply deleted = t.delete("/v1/schedules/beat", t.producer);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    for (Reply r : new Reply[] {t.get("/v1/schedules/beat", t.producer), t.delete("/v1/schedules/beat", t.producer),
        t.post("/v1/schedules/beat/pause", t.producer, ""), t.post("/v1/schedules/beat/resume", t.producer, "")}) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("detail").asText()).isEqualTo("no schedule named beat");
    }
    assertThat(t.get("/v1/schedules", t.producer).json().get("schedules")).isEmpty();
  }

  @Test
  void invalidDefinitionsAre400NamingEveryField() {
    Reply r = put("/v1/schedules/bad", t.producer, """
        {"cron": "0 24 * * *", "time_zone": "Mars/Olympus", "kind": "has space", "queue": "a b", "priority": 500,
         "timeout": "soon", "missed": "sometimes", "grace": "PT0S", "tenant": "acme"}""");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:validation");
    assertThat(fields(r.json())).containsExactlyInAnyOrder("cron", "time_zone", "kind", "queue", "priority", "timeout",
        "missed", "grace", "tenant");
    JsonNode cron = r.json().get("errors").get(fields(r.json()).indexOf("cron"));
    assertThat(cron.get("message").asText()).contains("Value 24 not in range [0, 23]");

    Reply missing = put("/v1/schedules/bad", t.producer, "{}");
    assertThat(fields(missing.json())).containsExactly("cron", "kind");
    Reply fields = put("/v1/schedules/bad", t.producer, "{\"cron\": \"* * * *\", \"kind\": \"k\"}");
    assertThat(fields.json().get("detail").asText()).startsWith("cron: ").contains("got 4");
    Reply never = put("/v1/schedules/bad", t.producer, "{\"cron\": \"0 0 30 2 *\", \"kind\": \"k\"}");
    assertThat(never.status()).isEqualTo(400);
    assertThat(never.json().get("detail").asText()).isEqualTo("cron: '0 0 30 2 *' never fires (in zone UTC)");
    Reply badName = put("/v1/schedules/a%20b", t.producer, "{\"cron\": \"@daily\", \"kind\": \"k\"}");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(fields(badName.json())).containsExactly("name");
    Reply badParam = t.get("/v1/schedules?tenant=a%20b", t.producer);
    assertThat(fields(badParam.json())).containsExactly("tenant");
    assertThat(fields(t.get("/v1/schedules?state=paused", t.producer).json())).containsExactly("state");
    assertThat(t.get("/v1/schedules", t.producer).json().get("schedules")).as("nothing was written").isEmpty();
  }

  @Test
  void aTenantKeysSchedulesAreItsTenantsAndOthersLookMissing() {
    String acme = t.key("acme producer", Role.PRODUCER, "acme");
    String globex = t.key("globex producer", Role.PRODUCER, "globex");
    assertThat(put("/v1/schedules/report", acme, "{\"cron\": \"@daily\", \"kind\": \"k\"}").json().get("tenant")
        .asText()).isEqualTo("acme");
    assertThat(put("/v1/schedules/report?tenant=acme", acme, "{\"cron\": \"@hourly\", \"kind\": \"k\"}").status())
        .as("a tenant key may name its own tenant").isEqualTo(200);
    assertThat(put("/v1/schedules/report", globex, "{\"cron\": \"@weekly\", \"kind\": \"k\"}").status())
        .as("names are unique per tenant").isEqualTo(201);

    assertThat(t.get("/v1/schedules", acme).json().get("schedules")).singleElement()
        .satisfies(s -> assertThat(s.get("cron").asText()).isEqualTo("@hourly"));
    assertThat(t.get("/v1/schedules/report", globex).json().get("cron").asText()).isEqualTo("@weekly");
    Reply other = t.get("/v1/schedules/report?tenant=acme", globex);
    assertThat(other.status()).isEqualTo(403);
    assertThat(fields(other.json())).containsExactly("tenant");
    assertThat(t.post("/v1/schedules/report/pause?tenant=globex", acme, "").status()).isEqualTo(403);
    t.delete("/v1/schedules/report", globex);
    assertThat(t.get("/v1/schedules/report", globex).status()).isEqualTo(404);
    assertThat(t.get("/v1/schedules/report", acme).status()).as("the other tenant's is untouched").isEqualTo(200);

    // A key without a tenant reaches any tenant's with ?tenant=, and lists every tenant's.
    assertThat(t.get("/v1/schedules/report", t.admin).status()).as("no schedule without a tenant").isEqualTo(404);
    assertThat(t.get("/v1/schedules/report?tenant=acme", t.admin).json().get("cron").asText()).isEqualTo("@hourly");
    put("/v1/schedules/report", t.admin, "{\"cron\": \"@monthly\", \"kind\": \"k\"}");
    JsonNode all = t.get("/v1/schedules", t.admin).json().get("schedules");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("tenant").isNull()).isTrue();
    assertThat(all.get(1).get("tenant").asText()).isEqualTo("acme");
    assertThat(t.get("/v1/schedules?tenant=acme", t.admin).json().get("schedules")).hasSize(1);
    assertThat(t.post("/v1/schedules/report/pause?tenant=acme", t.admin, "").json().get("paused").asBoolean()).isTrue();
    assertThat(t.get("/v1/schedules/report", acme).json().get("paused").asBoolean()).isTrue();
  }
}
