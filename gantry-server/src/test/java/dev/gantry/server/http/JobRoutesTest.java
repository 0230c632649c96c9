package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.awaitState;
import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRoutesTest {
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private UUID enqueue(String kind, JobOptions options) {
    return t.gantry.enqueue(kind, Map.of("n", 1), options).id();
  }

  @Test
  void readsAJob() {
    UUID id = enqueue("k", JobOptions.defaults().withTags("t1"));

    Reply r = t.get("/v1/jobs/" + id, t.producer);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("id").asText()).isEqualTo(id.toString());
    assertThat(r.json().get("args").get("n").asInt()).isEqualTo(1);
    assertThat(r.json().get("tags").get(0).asText()).isEqualTo("t1");
  }

  @Test
  void anUnknownOrMalformedIdIsNamed() {
    Reply unknown = t.get("/v1/jobs/" + UUID.randomUUID(), t.producer);
    Reply malformed = t.get("/v1/jobs/123", t.producer);

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("detail").asText()).startsWith("no job with id");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("errors").get(0).get("field").asText()).isEqualTo("id");
  }

  @Test
  void stackTracesOfFailedAttemptsAreShownToAdminsOnly() throws Exception {
    UUID id = enqueue("fails", JobOptions.defaults());
    try (Worker w = fast(t.gantry).queue("default", 1)
        .handler("fails", Map.class, (args, ctx) -> {
          throw new PermanentFailure("bad input");
        }).start()) {
      awaitState(t.gantry, id, JobState.DEAD);
    }

    JsonNode asProducer = t.get("/v1/jobs/" + id, t.producer).json().get("errors").get(0);
    JsonNode asAdmin = t.get("/v1/jobs/" + id, t.admin).json().get("errors").get(0);

    assertThat(asProducer.get("message").asText()).isEqualTo("bad input");
    assertThat(asProducer.has("stack_trace")).isFalse();
    assertThat(asAdmin.get("stack_trace").asText()).contains("PermanentFailure");
  }

  @Test
  void listsPageByPageWithFiltersAndCursors() {
    List<UUID> mail = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mail.add(enqueue("email", JobOptions.defaults().withQueue("mail").withTags("batch-1")));
    }
    enqueue("email", JobOptions.defaults().withQueue("other"));
    enqueue("report", JobOptions.defaults().withQueue("mail"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page = t.get("/v1/jobs?queue=mail&kind=email&tag=batch-1&state=available&limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), t.producer);
      assertThat(page.status()).isEqualTo(200);
      page.json().get("jobs").forEach(j -> seen.add(j.get("id").asText()));
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(mail.reversed().stream().map(UUID::toString).toList());
  }

  @Test
  void aTamperedCursorOrOneFromOtherFiltersIs400() {
    for (int i = 0; i < 3; i++) {
      enqueue("k", JobOptions.defaults());
    }
    String cursor = t.get("/v1/jobs?limit=1", t.producer).json().get("next_cursor").asText();
    char last = cursor.charAt(cursor.length() - 2);
    String tampered = cursor.substring(0, cursor.length() - 2) + (last == 'A' ? 'B' : 'A') + cursor.charAt(cursor.length() - 1);

    Reply ok = t.get("/v1/jobs?limit=1&cursor=" + cursor, t.producer);
    Reply bad = t.get("/v1/jobs?limit=1&cursor=" + tampered, t.producer);
    Reply garbage = t.get("/v1/jobs?cursor=not-a-cursor!", t.producer);
    Reply otherFilters = t.get("/v1/jobs?limit=1&kind=k&cursor=" + cursor, t.producer);

    assertThat(ok.status()).isEqualTo(200);
    for (Reply r : new Reply[] {bad, garbage, otherFilters}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
    }
    assertThat(otherFilters.json().get("detail").asText()).contains("other filters");
  }

  /** Sets the job's {@code created_at}, as if the database had created it then. */
  private void createdAt(UUID id, String instant) {
    t.db.execute("UPDATE " + t.schema + ".jobs SET created_at = '" + instant + "'::timestamptz WHERE id = '" + id + "'");
  }

  /** The ids of every page of the listing, following the cursors. */
  private List<String> listAll(String query, String key) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page = t.get("/v1/jobs?" + query + (cursor == null ? "" : "&cursor=" + cursor), key);
      assertThat(page.status()).as("%s: %s", query, page.body()).isEqualTo(200);
      page.json().get("jobs").forEach(j -> seen.add(j.get("id").asText()));
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 10);
    return seen;
  }

  @Test
  void listsJobsCreatedWithinARangeStartInclusiveEndExclusive() {
    List<UUID> hourly = new ArrayList<>();
    for (int hour = 0; hour < 6; hour++) {
      UUID id = enqueue("k", JobOptions.defaults());
      createdAt(id, "2026-11-23T0" + hour + ":00:00Z");
      hourly.add(id);
    }

    Reply range = t.get("/v1/jobs?created_after=2026-11-23T02:00:00Z&created_before=2026-11-23T05:00:00Z", t.producer);
    Reply from = t.get("/v1/jobs?created_after=2026-11-23T03:30:00Z", t.producer);
    Reply until = t.get("/v1/jobs?created_before=2026-11-23T01:00:00.000001Z", t.producer);
    // Another offset names the same instants: 04:00+02:00 is 02:00Z.
    Reply offset = t.get("/v1/jobs?created_after=2026-11-23T04:00:00%2B02:00&created_before=2026-11-23T04:00:00%2B01:00",
        t.producer);

    assertThat(range.status()).isEqualTo(200);
    assertThat(range.json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(hourly.get(4).toString(), hourly.get(3).toString(), hourly.get(2).toString());
    assertThat(range.json().get("jobs").get(0).get("created_at").asText()).isEqualTo("2026-11-23T04:00:00Z");
    assertThat(from.json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(hourly.get(5).toString(), hourly.get(4).toString());
    assertThat(until.json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(hourly.get(1).toString(), hourly.get(0).toString());
    assertThat(offset.json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(hourly.get(2).toString());
  }

  @Test
  void pagesThroughACreatedRangeAndRefusesTheCursorWithAnotherRange() {
    List<UUID> inRange = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      UUID id = enqueue("k", JobOptions.defaults());
      boolean inside = i % 2 == 0;
      createdAt(id, inside ? "2026-11-23T10:0" + i + ":00Z" : "2026-11-22T10:0" + i + ":00Z");
      if (inside) {
        inRange.add(id);
      }
    }
    String range = "created_after=2026-11-23T00:00:00Z&created_before=2026-11-24T00:00:00Z";

    List<String> seen = listAll(range + "&limit=3", t.producer);

    assertThat(seen).containsExactlyElementsOf(inRange.reversed().stream().map(UUID::toString).toList());
    String cursor = t.get("/v1/jobs?" + range + "&limit=3", t.producer).json().get("next_cursor").asText();
    Reply sameInstants = t.get("/v1/jobs?created_after=2026-11-23T01:00:00%2B01:00&created_before=2026-11-24T00:00Z"
        + "&limit=3&cursor=" + cursor, t.producer);
    assertThat(sameInstants.status()).isEqualTo(200);
    assertThat(sameInstants.json().get("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(inRange.get(0).toString());
    for (String other : new String[] {
        "created_after=2026-11-23T00:00:00Z&created_before=2026-11-25T00:00:00Z&limit=3",
        "created_after=2026-11-23T00:00:00Z&limit=3",
        "created_before=2026-11-24T00:00:00Z&limit=3",
        "limit=3"}) {
      Reply r = t.get("/v1/jobs?" + other + "&cursor=" + cursor, t.producer);
      assertThat(r.status()).as(other).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
      assertThat(r.json().get("detail").asText()).contains("other filters").contains("created_after");
    }
  }

  @Test
  void badCreatedBoundsAreNamedWithAnExample() {
    for (String param : new String[] {"created_after", "created_before"}) {
      for (String bad : new String[] {"yesterday", "2026-11-23", "2026-11-23T10:00:00", "1732356000", "2026-11-23T10:00:00+01:00"}) {
        Reply r = t.get("/v1/jobs?" + param + "=" + bad, t.producer);
        assertThat(r.status()).as("%s=%s", param, bad).isEqualTo(400);
        assertThat(r.json().get("errors")).hasSize(1);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo(param);
        assertThat(r.json().get("errors").get(0).get("message").asText()).as("%s=%s", param, bad)
            .contains("ISO-8601 instant with an offset").contains("2026-11-23T10:00:00Z").contains("%2B");
      }
    }

    Reply equal = t.get("/v1/jobs?created_after=2026-11-23T10:00:00Z&created_before=2026-11-23T11:00:00%2B01:00", t.producer);
    Reply reversed = t.get("/v1/jobs?created_after=2026-11-24T00:00:00Z&created_before=2026-11-23T00:00:00Z", t.producer);
    Reply both = t.get("/v1/jobs?created_after=soon&created_before=later&limit=0", t.producer);

    for (Reply r : new Reply[] {equal, reversed}) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("created_after");
      assertThat(r.json().get("detail").asText()).contains("created_after").contains("must be before created_before");
    }
    assertThat(equal.json().get("detail").asText()).contains("2026-11-23T10:00:00Z and created_before 2026-11-23T10:00:00Z");
    assertThat(both.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactly("created_after", "created_before", "limit");
  }

  @Test
  void aTenantKeySeesOnlyItsOwnJobsWithinTheRange() {
    String acme = t.key("acme producer", Role.PRODUCER, "acme");
    List<UUID> acmeInRange = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (String tenant : new String[] {"acme", "globex"}) {
        UUID id = t.gantry.forTenant(tenant).enqueue("k", Map.of("n", i), JobOptions.defaults()).id();
        createdAt(id, "2020-01-15T1" + i + ":00:00Z");
        if (tenant.equals("acme") && i > 0) {
          acmeInRange.add(id);
        }
      }
    }
    enqueue("k", JobOptions.defaults()); // no tenant, created now: outside the range
    String range = "created_after=2020-01-15T11:00:00Z&created_before=2020-01-16T00:00:00Z";

    assertThat(listAll(range + "&limit=1", acme))
        .containsExactlyElementsOf(acmeInRange.reversed().stream().map(UUID::toString).toList());
    assertThat(listAll(range, t.producer)).hasSize(4);
  }

  @Test
  void badQueryParametersAreNamed() {
    Reply r = t.get("/v1/jobs?state=done&limit=5000&stat=dead&queue=a%20b", t.producer);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("stat");
    Reply values = t.get("/v1/jobs?state=done&limit=5000&queue=a%20b", t.producer);
    assertThat(values.json().get("errors")).extracting(e -> e.get("field").asText())
        .containsExactly("queue", "state", "limit");
    assertThat(values.json().get("errors").get(1).get("message").asText())
        .isEqualTo("must be one of pending, scheduled, available, running, retryable, completed, dead, cancelled, got 'done'");
  }

  @Test
  void cancelsAQueuedJobAndLeavesAFinishedOneAlone() {
    UUID id = enqueue("k", JobOptions.defaults());

    Reply first = t.post("/v1/jobs/" + id + "/cancel", t.producer, "");
    Reply second = t.post("/v1/jobs/" + id + "/cancel", t.producer, "");

    assertThat(first.json().get("result").asText()).isEqualTo("cancelled");
    assertThat(first.json().get("job").get("state").asText()).isEqualTo("cancelled");
    assertThat(second.json().get("result").asText()).isEqualTo("already_finished");
    assertThat(t.post("/v1/jobs/" + UUID.randomUUID() + "/cancel", t.producer, "").status()).isEqualTo(404);
  }

  @Test
  void cancellingARunningJobRequestsItAndTheWorkerEndsIt() throws Exception {
    UUID id = enqueue("blocks", JobOptions.defaults());
    CountDownLatch started = new CountDownLatch(1);
    try (Worker w = fast(t.gantry).queue("default", 1)
        .handler("blocks", Map.class, (args, ctx) -> {
          started.countDown();
          new CountDownLatch(1).await(); // until the cancel interrupts it
          return null;
        }).start()) {
      assertThat(started.await(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      Reply r = t.post("/v1/jobs/" + id + "/cancel", t.producer, "");

      assertThat(r.json().get("result").asText()).isEqualTo("cancel_requested");
      assertThat(r.json().get("job").get("cancel_requested").asBoolean()).isTrue();
      awaitState(t.gantry, id, JobState.CANCELLED);
    }
  }

  @Test
  void retriesAFinishedJobAndRefusesOneThatIsAlreadyDue() {
    UUID id = enqueue("k", JobOptions.defaults());
    t.gantry.cancel(id);

    Reply retried = t.post("/v1/jobs/" + id + "/retry", t.admin, "");
    Reply again = t.post("/v1/jobs/" + id + "/retry", t.admin, "");

    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().get("state").asText()).isEqualTo("available");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asText()).contains("is available");
    assertThat(t.post("/v1/jobs/" + UUID.randomUUID() + "/retry", t.admin, "").status()).isEqualTo(404);
  }

  @Test
  void retryingAJobWhoseUniqueKeyIsTakenIs409() {
    UUID first = enqueue("k", JobOptions.defaults().withUniqueKey("u"));
    t.gantry.cancel(first);
    enqueue("k", JobOptions.defaults().withUniqueKey("u"));

    Reply r = t.post("/v1/jobs/" + first + "/retry", t.admin, "");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("detail").asText()).contains("same unique key");
  }

  @Test
  void deletesAJobThatIsNotRunning() {
    UUID id = enqueue("k", JobOptions.defaults());

    assertThat(t.delete("/v1/jobs/" + id, t.admin).status()).isEqualTo(204);
    assertThat(t.gantry.job(id)).isEmpty();
    assertThat(t.delete("/v1/jobs/" + id, t.admin).status()).isEqualTo(404);
  }

  @Test
  void deletingARunningJobIs409() throws Exception {
    UUID id = enqueue("blocks", JobOptions.defaults());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(t.gantry).queue("default", 1)
        .handler("blocks", Map.class, (args, ctx) -> {
          started.countDown();
          release.await();
          return null;
        }).start()) {
      assertThat(started.await(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      Reply r = t.delete("/v1/jobs/" + id, t.admin);

      assertThat(r.status()).isEqualTo(409);
      assertThat(r.json().get("detail").asText()).contains("cancel it before deleting it");
      release.countDown();
      awaitState(t.gantry, id, JobState.COMPLETED);
    }
  }

  @Test
  void queuesListTheirCountsInEveryState() {
    enqueue("k", JobOptions.defaults().withQueue("mail"));
    enqueue("k", JobOptions.defaults().withQueue("mail"));
    t.gantry.cancel(enqueue("k", JobOptions.defaults().withQueue("mail")));
    enqueue("k", JobOptions.defaults().withQueue("reports").withDelay(java.time.Duration.ofHours(1)));

    Reply r = t.get("/v1/queues", t.admin);

    assertThat(r.status()).isEqualTo(200);
    JsonNode queues = r.json().get("queues");
    assertThat(queues).extracting(q -> q.get("queue").asText()).containsExactly("mail", "reports");
    assertThat(queues.get(0).get("counts").get("available").asLong()).isEqualTo(2);
    assertThat(queues.get(0).get("counts").get("cancelled").asLong()).isEqualTo(1);
    assertThat(queues.get(0).get("counts").get("dead").asLong()).isZero();
    assertThat(queues.get(0).get("total").asLong()).isEqualTo(3);
    assertThat(queues.get(1).get("counts").get("scheduled").asLong()).isEqualTo(1);
    assertThat(r.json().get("window").asText()).isEqualTo("PT5M");
    assertThat(queues.get(0).get("recent").get("cancelled").asLong()).isEqualTo(1);
    assertThat(queues.get(1).get("recent").get("completed").asLong()).isZero();
    assertThat(queues.get(1).get("recent").get("wait_ms").isNull()).isTrue();
  }

  @Test
  void queuesTellThroughputAndLatencyWithinTheWindow() {
    UUID quick = enqueue("quick", JobOptions.defaults().withQueue("fast"));
    UUID slow = enqueue("slow", JobOptions.defaults().withQueue("fast"));
    JsonNode claimed = t.post("/v1/claims", t.worker, "{\"queues\":[\"fast\"],\"limit\":2}").json().get("jobs");
    assertThat(claimed).hasSize(2);
    // The slow job waited a second before its start and ran for two, by the database's clock.
    t.db.execute("UPDATE " + t.schema + ".jobs SET created_at = created_at - interval '3 seconds',"
        + " scheduled_at = scheduled_at - interval '3 seconds', attempted_at = attempted_at - interval '2 seconds'"
        + " WHERE id = '" + slow + "'");
    for (JsonNode job : claimed) {
      Reply done = t.post("/v1/jobs/" + job.get("id").asText() + "/complete", t.worker,
          "{\"lease_token\":\"" + job.get("lease_token").asText() + "\"}");
      assertThat(done.status()).isEqualTo(200);
    }
    assertThat(t.gantry.job(quick).orElseThrow().state()).isEqualTo(JobState.COMPLETED);

    Reply r = t.get("/v1/queues?window=PT1H", t.admin);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("window").asText()).isEqualTo("PT1H");
    JsonNode recent = r.json().get("queues").get(0).get("recent");
    assertThat(recent.get("completed").asLong()).isEqualTo(2);
    assertThat(recent.get("finished_per_minute").asDouble()).isCloseTo(2 / 60.0, within(1e-9));
    assertThat(recent.get("dead").asLong()).isZero();
    assertThat(recent.get("run_ms").get("p99").asDouble()).isBetween(1900.0, 2000.0 + 10_000);
    assertThat(recent.get("run_ms").get("p50").asDouble()).isLessThan(recent.get("run_ms").get("p99").asDouble());
    assertThat(recent.get("wait_ms").get("p99").asDouble()).isBetween(950.0, 1000.0 + 10_000);
    for (String bad : new String[] {"5m", "PT0S", "P32D"}) {
      Reply refused = t.get("/v1/queues?window=" + bad, t.admin);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("window");
    }
  }
}
