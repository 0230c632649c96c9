package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.server.maintenance.ServerMaintenance;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MaintenanceTest {
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void anExpiredLeaseIsRescuedWithNoWorkerInTheProcess() {
    UUID id = t.gantry.enqueue("remote.work", null).id();
    // A worker elsewhere claimed it and died: running, with a lease that ran out a second ago.
    t.db.execute("UPDATE " + t.schema + ".jobs SET state = 'running', attempt = 1, attempted_at = now(),"
        + " lease_token = gen_random_uuid(), lease_expires_at = now() - interval '1 second', worker_id = 'gone'"
        + " WHERE id = '" + id + "'");

    Job rescued = await().atMost(Duration.ofSeconds(30)).until(() -> t.gantry.job(id).orElseThrow(),
        j -> j.state() == JobState.AVAILABLE);

    assertThat(rescued.errors()).singleElement().satisfies(e -> assertThat(e.attempt()).isEqualTo(1));
    assertThat(t.get("/metrics", null).body())
        .contains("gantry_jobs_rescued_total{kind=\"remote.work\",queue=\"default\"} 1.0");
  }

  @Test
  void idempotencyKeysOlderThanADayAreFreeAndPruned() {
    Reply first = t.postWithKey("/v1/jobs", t.producer, "yesterday", "{\"kind\":\"k\"}");
    assertThat(first.status()).isEqualTo(201);
    t.db.execute("UPDATE " + t.schema + ".idempotency_keys SET created_at = now() - interval '25 hours'");

    // Past 24 hours the key is free again: another request with it is new work, not a 422.
    Reply reused = t.postWithKey("/v1/jobs", t.producer, "yesterday", "{\"kind\":\"other\"}");
    assertThat(reused.status()).isEqualTo(201);
    assertThat(reused.json().get("id")).isNotEqualTo(first.json().get("id"));

    t.postWithKey("/v1/jobs", t.producer, "old-1", "{\"kind\":\"k\"}");
    t.postWithKey("/v1/jobs", t.producer, "fresh", "{\"kind\":\"k\"}");
    t.db.execute("UPDATE " + t.schema + ".idempotency_keys SET created_at = now() - interval '25 hours' WHERE key <> 'fresh'");
    int pruned = new ServerMaintenance(t.gantry, t.db.dataSource()).pruneIdempotencyKeys();

    assertThat(pruned).isEqualTo(2);
    assertThat(t.db.queryStrings("SELECT key FROM " + t.schema + ".idempotency_keys")).containsExactly("fresh");
  }
}
