package dev.gantry.server.http;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.batch.BatchOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitTest {
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void returnsAsSoonAsTheJobFinishes() throws Exception {
    UUID id = t.gantry.enqueue("gated", null).id();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(t.gantry).queue("default", 1).handler("gated", Map.class, (args, ctx) -> {
      started.countDown();
      release.await();
      return Map.of("done", true);
    }).start()) {
      assertThat(started.await(15, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> t.get("/v1/jobs/" + id + "/wait?timeout=60s", t.producer));
      // The wait has not answered while the job runs...
      assertThat(waiting).isNotDone();
      long released = System.nanoTime();
      release.countDown();
      Reply r = waiting.get(30, TimeUnit.SECONDS);
      Duration afterRelease = Duration.ofNanos(System.nanoTime() - released);

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("finished").asBoolean()).isTrue();
      assertThat(r.json().get("state").asText()).isEqualTo("completed");
      assertThat(r.json().get("result").get("done").asBoolean()).isTrue();
      // ...and answers as soon as it finishes, long before the 60 s timeout (NOTIFY, not polling).
      assertThat(afterRelease).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void answersAtTheTimeoutWithTheUnfinishedJob() {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    long start = System.nanoTime();

    Reply r = t.get("/v1/jobs/" + id + "/wait?timeout=500ms", t.producer);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("finished").asBoolean()).isFalse();
    assertThat(r.json().get("state").asText()).isEqualTo("available");
  }

  @Test
  void aFinishedJobIsReturnedAtOnce() {
    UUID id = t.gantry.enqueue("k", null).id();
    t.gantry.cancel(id);

    Reply r = t.get("/v1/jobs/" + id + "/wait", t.producer);

    assertThat(r.json().get("state").asText()).isEqualTo("cancelled");
  }

  @Test
  void unknownJobsAndBadTimeoutsAreRefused() {
    UUID id = t.gantry.enqueue("k", null).id();
    assertThat(t.get("/v1/jobs/" + UUID.randomUUID() + "/wait?timeout=1s", t.producer).status()).isEqualTo(404);
    for (String timeout : new String[] {"61s", "2m", "-1s", "soon", "PT61S"}) {
      Reply r = t.get("/v1/jobs/" + id + "/wait?timeout=" + timeout, t.producer);
      assertThat(r.status()).as(timeout).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("timeout");
    }
    assertThat(t.get("/v1/jobs/" + id + "/wait?timeout=PT0.2S", t.producer).status()).isEqualTo(200);
    assertThat(t.get("/v1/jobs/" + id + "/wait?timeout=0", t.producer).status()).isEqualTo(200);
  }

  @Test
  void aBatchWaitAnswersAsSoonAsItsLastJobFinishes() throws Exception {
    UUID batch = t.gantry.batches().enqueue(List.of(JobRequest.of("gated", null), JobRequest.of("gated", null)),
        BatchOptions.defaults()).batchId();
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    try (Worker w = fast(t.gantry).queue("default", 2).handler("gated", Map.class, (args, ctx) -> {
      started.countDown();
      release.await();
      return "done";
    }).start()) {
      assertThat(started.await(15, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Reply> waiting =
          CompletableFuture.supplyAsync(() -> t.get("/v1/batches/" + batch + "/wait?timeout=60s", t.producer));
      // The wait has not answered while the jobs run...
      assertThat(waiting).isNotDone();
      long released = System.nanoTime();
      release.countDown();
      Reply r = waiting.get(30, TimeUnit.SECONDS);
      Duration afterRelease = Duration.ofNanos(System.nanoTime() - released);

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().get("id").asText()).isEqualTo(batch.toString());
      assertThat(r.json().get("state").asText()).isEqualTo("completed");
      assertThat(r.json().get("completed").asInt()).isEqualTo(2);
      assertThat(r.json().get("finished_at").isNull()).isFalse();
      // ...and answers as soon as the last one finishes, long before the 60 s timeout (NOTIFY, not polling).
      assertThat(afterRelease).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aBatchWaitAnswersAtTheTimeoutWithTheUnfinishedBatchAndAtOnceForAFinishedOne() {
    UUID running = t.gantry.batches().enqueue(List.of(JobRequest.of("nobody.runs.this", null)), BatchOptions.defaults())
        .batchId();
    long start = System.nanoTime();

    Reply r = t.get("/v1/batches/" + running + "/wait?timeout=500ms", t.producer);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("state").asText()).isEqualTo("running");
    assertThat(r.json().get("pending").asInt()).isEqualTo(1);
    assertThat(r.json().get("finished_at").isNull()).isTrue();

    t.gantry.batches().cancel(running);
    long again = System.nanoTime();
    Reply finished = t.get("/v1/batches/" + running + "/wait", t.producer);
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(10));
    assertThat(finished.json().get("state").asText()).isEqualTo("cancelled");
  }

  @Test
  void unknownBatchesAndBadTimeoutsAreRefusedAsForJobs() {
    UUID batch = t.gantry.batches().enqueue(List.of(JobRequest.of("k", null)), BatchOptions.defaults()).batchId();
    String acme = t.key("acme producer", Role.PRODUCER, "acme");
    UUID missing = UUID.randomUUID();
    for (Reply r : new Reply[] {t.get("/v1/batches/" + missing + "/wait?timeout=1s", t.producer),
        t.get("/v1/batches/" + batch + "/wait?timeout=1s", acme)}) {
      assertThat(r.status()).as(r.body()).isEqualTo(404);
      assertThat(r.json().get("detail").asText()).startsWith("no batch with id ");
    }
    for (String timeout : new String[] {"61s", "2m", "-1s", "soon", "PT61S"}) {
      Reply r = t.get("/v1/batches/" + batch + "/wait?timeout=" + timeout, t.producer);
      assertThat(r.status()).as(timeout).isEqualTo(400);
      assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("timeout");
    }
    assertThat(t.get("/v1/batches/" + batch + "/wait?timeout=PT0.2S", t.producer).status()).isEqualTo(200);
    assertThat(t.get("/v1/batches/" + batch + "/wait?timeout=0", t.producer).json().get("state").asText())
        .isEqualTo("running");
    assertThat(t.get("/v1/batches/nope/wait", t.producer).json().get("errors").get(0).get("field").asText())
        .isEqualTo("id");
    assertThat(t.get("/v1/batches/" + batch + "/wait?timeout=1s&verbose=1", t.producer).status()).isEqualTo(400);
    assertThat(t.get("/v1/batches/" + batch + "/wait?timeout=0s", t.worker).status()).isEqualTo(403);
  }

  @Test
  void stoppingTheServerEndsWaitsWith503() throws Exception {
    UUID id = t.gantry.enqueue("nobody.runs.this", null).id();
    CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> t.get("/v1/jobs/" + id + "/wait?timeout=60s", t.producer));
    // awaitCompletion marks the job watched: the request is waiting in the server.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> t.db.queryLong("SELECT count(*) FROM " + t.schema + ".jobs WHERE watched AND id = '" + id + "'") == 1);
    long start = System.nanoTime();

    t.server.close();
    Reply r = waiting.get(30, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isEqualTo("5");
  }
}
