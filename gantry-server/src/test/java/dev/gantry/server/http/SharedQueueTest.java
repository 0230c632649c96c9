package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A library worker and a remote worker over HTTP on the same queue, in the server's process: the
 * Java handler runs kind {@code a}, the remote worker claims only kind {@code b}.
 */
class SharedQueueTest {
  record Work(int n) {}

  private static final int EACH = 15;

  @Test
  void javaHandlersAndRemoteWorkersShareAQueueEachRunningItsOwnKindsOnce() {
    try (TestServer t = TestServer.start()) {
      Map<UUID, AtomicInteger> javaRuns = new ConcurrentHashMap<>();
      List<UUID> remoteClaims = new CopyOnWriteArrayList<>();
      try (Worker java = fast(t.gantry).workerId("java-node").queue("shared", 4).onlyHandledKinds()
          // The server already stages and rescues for this Gantry.
          .maintenance(false)
          .handler("a", Work.class, (work, ctx) -> {
            javaRuns.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
            return Map.of("by", "java", "n", work.n());
          }).start()) {
        StringBuilder jobs = new StringBuilder();
        for (int i = 0; i < EACH; i++) {
          jobs.append(i == 0 ? "" : ",").append("{\"kind\":\"b\",\"queue\":\"shared\",\"args\":{\"n\":").append(i)
              .append("}},{\"kind\":\"a\",\"queue\":\"shared\",\"args\":{\"n\":").append(i).append("}}");
        }
        Reply enqueued = t.post("/v1/jobs/batch", t.producer, "{\"jobs\":[" + jobs + "]}");
        assertThat(enqueued.status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
          Reply claim = t.post("/v1/claims", t.worker,
              "{\"queues\":[\"shared\"],\"kinds\":[\"b\"],\"limit\":5,\"wait\":\"PT1S\",\"worker_id\":\"remote-1\"}");
          assertThat(claim.status()).isEqualTo(200);
          for (JsonNode job : claim.json().get("jobs")) {
            assertThat(job.get("kind").asText()).isEqualTo("b");
            remoteClaims.add(UUID.fromString(job.get("id").asText()));
            Reply done = t.post("/v1/jobs/" + job.get("id").asText() + "/complete", t.worker,
                "{\"lease_token\":\"" + job.get("lease_token").asText() + "\",\"result\":{\"by\":\"remote\"}}");
            assertThat(done.status()).isEqualTo(200);
          }
          return remoteClaims.size() >= EACH;
        });
        await().atMost(Duration.ofSeconds(30))
            .until(() -> t.gantry.jobs(JobFilter.all().withState(JobState.COMPLETED).withLimit(100)).jobs().size() == 2 * EACH);
      }

      List<Job> all = t.gantry.jobs(JobFilter.all().withLimit(100)).jobs();
      assertThat(all).hasSize(2 * EACH).allSatisfy(job -> {
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(job.attempt()).as("attempts of " + job.id()).isEqualTo(1);
        boolean javaKind = job.kind().equals("a");
        assertThat(job.workerId()).isEqualTo(javaKind ? "java-node" : "remote-1");
        assertThat(job.result().get("by").asText()).isEqualTo(javaKind ? "java" : "remote");
      });
      List<UUID> aJobs = all.stream().filter(j -> j.kind().equals("a")).map(Job::id).toList();
      List<UUID> bJobs = all.stream().filter(j -> j.kind().equals("b")).map(Job::id).toList();
      assertThat(javaRuns.keySet()).containsExactlyInAnyOrderElementsOf(aJobs);
      assertThat(javaRuns.values()).allSatisfy(runs -> assertThat(runs.get()).isEqualTo(1));
      assertThat(remoteClaims).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(bJobs);
    }
  }
}
