package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.TestServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyTest {
  private static final String BODY = "{\"kind\":\"invoice.render\",\"args\":{\"invoice\":7}}";
  private final TestServer t = TestServer.start();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private int jobCount() {
    return t.gantry.jobs(JobFilter.all().withLimit(1000)).jobs().size();
  }

  @Test
  void theSameKeyAndBodyReplaysTheFirstResponseEvenAfterTheJobFinished() {
    Reply first = t.postWithKey("/v1/jobs", t.producer, "order-7", BODY);
    UUID id = UUID.fromString(first.json().get("id").asText());
    t.gantry.cancel(id);
    Reply again = t.postWithKey("/v1/jobs", t.producer, "order-7", BODY);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.json().get("state").asText()).isEqualTo("available"); // as first answered, not as now
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(t.gantry.job(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(jobCount()).isEqualTo(1);
  }

  @Test
  void batchesReplayToo() {
    String batch = "{\"jobs\":[" + BODY + "," + BODY + "]}";
    Reply first = t.postWithKey("/v1/jobs/batch", t.producer, "b-1", batch);
    Reply again = t.postWithKey("/v1/jobs/batch", t.producer, "b-1", batch);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(jobCount()).isEqualTo(2);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422AndCreatesNothing() {
    t.postWithKey("/v1/jobs", t.producer, "order-8", BODY);
    Reply other = t.postWithKey("/v1/jobs", t.producer, "order-8", BODY.replace("7", "8"));
    Reply otherPath = t.postWithKey("/v1/jobs/batch", t.producer, "order-8", "{\"jobs\":[" + BODY + "]}");

    for (Reply r : new Reply[] {other, otherPath}) {
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:idempotency-key-reused");
      assertThat(r.json().get("detail").asText()).contains("'order-8'");
    }
    assertThat(jobCount()).isEqualTo(1);
  }

  private long batchCount() {
    return t.db.queryLong("SELECT count(*) FROM " + t.schema + ".batches");
  }

  @Test
  void aBatchWithTheSameKeyAndBodyReplaysTheFirstResponseAndMakesNothing() {
    String batch = "{\"jobs\":[" + BODY + "," + BODY + "],\"metadata\":{\"upload\":1}}";
    Reply first = t.postWithKey("/v1/batches", t.producer, "upload-1", batch);
    UUID id = UUID.fromString(first.json().get("id").asText());
    t.gantry.batches().cancel(id);
    Reply again = t.postWithKey("/v1/batches", t.producer, "upload-1", batch);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.json().get("state").asText()).isEqualTo("running"); // as first answered, not as now
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(batchCount()).isEqualTo(1);
    assertThat(jobCount()).isEqualTo(2);
    // An open batch replays too.
    Reply open = t.postWithKey("/v1/batches", t.producer, "open-1", "{\"sealed\":false}");
    Reply openAgain = t.postWithKey("/v1/batches", t.producer, "open-1", "{\"sealed\":false}");
    assertThat(open.json().get("state").asText()).isEqualTo("open");
    assertThat(openAgain.body()).isEqualTo(open.body());
    assertThat(batchCount()).isEqualTo(2);
  }

  @Test
  void aWorkflowWithTheSameKeyAndBodyReplaysTheFirstResponseAndEnqueuesNothing() {
    String workflow = "{\"name\":\"w\",\"steps\":[{\"step\":\"a\",\"kind\":\"k\"},"
        + "{\"step\":\"b\",\"kind\":\"k\",\"depends_on\":[\"a\"]}]}";
    Reply first = t.postWithKey("/v1/workflows", t.producer, "wf-1", workflow);
    Reply again = t.postWithKey("/v1/workflows", t.producer, "wf-1", workflow);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(batchCount()).isEqualTo(1);
    assertThat(jobCount()).isEqualTo(2);
    // The stored answer is the workflow as it was made, which a GET read just after would also show.
    Reply read = t.get("/v1/workflows/" + first.json().get("id").asText(), t.producer);
    assertThat(read.json()).isEqualTo(first.json());
  }

  @Test
  void aBatchOrWorkflowKeyWithAnotherBodyOrRouteIs422AndMakesNothing() {
    String workflow = "{\"steps\":[{\"step\":\"a\",\"kind\":\"k\"}]}";
    t.postWithKey("/v1/workflows", t.producer, "k-1", workflow);
    t.postWithKey("/v1/batches", t.producer, "k-2", "{\"jobs\":[" + BODY + "]}");
    long batches = batchCount();
    int jobs = jobCount();

    for (Reply r : new Reply[] {t.postWithKey("/v1/workflows", t.producer, "k-1", workflow.replace("\"a\"", "\"b\"")),
        t.postWithKey("/v1/batches", t.producer, "k-1", "{\"jobs\":[" + BODY + "]}"),
        t.postWithKey("/v1/batches", t.producer, "k-2", "{\"jobs\":[" + BODY + "," + BODY + "]}"),
        t.postWithKey("/v1/jobs", t.producer, "k-2", BODY)}) {
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      assertThat(r.json().get("type").asText()).isEqualTo("urn:gantry:problem:idempotency-key-reused");
    }
    assertThat(batchCount()).isEqualTo(batches);
    assertThat(jobCount()).isEqualTo(jobs);
  }

  @Test
  void aRefusedBatchOrWorkflowLeavesItsKeyFree() {
    Reply cycle = t.postWithKey("/v1/workflows", t.producer, "try-1", "{\"steps\":[{\"step\":\"a\",\"kind\":\"k\","
        + "\"depends_on\":[\"a\"]}]}");
    Reply good = t.postWithKey("/v1/workflows", t.producer, "try-1", "{\"steps\":[{\"step\":\"a\",\"kind\":\"k\"}]}");
    Reply badBatch = t.postWithKey("/v1/batches", t.producer, "try-2", "{\"jobs\":[{\"kind\":\"k\",\"priority\":1000}]}");
    Reply goodBatch = t.postWithKey("/v1/batches", t.producer, "try-2", "{\"jobs\":[{\"kind\":\"k\"}]}");

    assertThat(cycle.status()).isEqualTo(400);
    assertThat(good.status()).as(good.body()).isEqualTo(201);
    assertThat(good.header("Idempotent-Replayed")).isNull();
    assertThat(badBatch.status()).isEqualTo(400);
    assertThat(goodBatch.status()).isEqualTo(201);
    assertThat(goodBatch.header("Idempotent-Replayed")).isNull();
    assertThat(batchCount()).isEqualTo(2);
  }

  @Test
  void concurrentDuplicateWorkflowsEnqueueOneWorkflow() throws Exception {
    String workflow = "{\"steps\":[{\"step\":\"a\",\"kind\":\"k\"},{\"step\":\"b\",\"kind\":\"k\","
        + "\"depends_on\":[\"a\"]}]}";
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch ready = new CountDownLatch(clients);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        replies.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return t.postWithKey("/v1/workflows", t.producer, "wf-race", workflow);
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<Reply> done = new ArrayList<>();
      for (Future<Reply> f : replies) {
        done.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(done).extracting(Reply::status).containsOnly(201);
      assertThat(done).extracting(Reply::body).containsOnly(done.get(0).body());
      assertThat(done).filteredOn(r -> r.header("Idempotent-Replayed") == null).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(batchCount()).isEqualTo(1);
    assertThat(jobCount()).isEqualTo(2);
  }

  @Test
  void keysBelongToOneApiKey() {
    String otherProducer = t.keys.create("other producer", Role.PRODUCER, null).token();
    Reply mine = t.postWithKey("/v1/jobs", t.producer, "shared-name", BODY);
    Reply theirs = t.postWithKey("/v1/jobs", otherProducer, "shared-name", BODY);

    assertThat(mine.status()).isEqualTo(201);
    assertThat(theirs.status()).isEqualTo(201);
    assertThat(theirs.json().get("id")).isNotEqualTo(mine.json().get("id"));
  }

  @Test
  void aRequestThatFailedLeavesTheKeyFree() {
    Reply bad = t.postWithKey("/v1/jobs", t.producer, "retry-me", "{\"kind\":\"k\",\"priority\":1000}");
    Reply good = t.postWithKey("/v1/jobs", t.producer, "retry-me", "{\"kind\":\"k\",\"priority\":10}");

    assertThat(bad.status()).isEqualTo(400);
    assertThat(good.status()).isEqualTo(201);
  }

  @Test
  void aBadKeyIsRefused() {
    Reply r = t.postWithKey("/v1/jobs", t.producer, "has space", BODY);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("Idempotency-Key");
    assertThat(jobCount()).isZero();
  }

  @Test
  void concurrentDuplicatesCreateOneJob() throws Exception {
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "race-" + round;
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          replies.add(pool.submit(() -> {
            ready.countDown();
            go.await();
            return t.postWithKey("/v1/jobs", t.producer, key, BODY);
          }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<Reply> done = new ArrayList<>();
        for (Future<Reply> f : replies) {
          done.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(done).extracting(Reply::status).containsOnly(201);
        assertThat(done).extracting(Reply::body).containsOnly(done.get(0).body());
        assertThat(done).filteredOn(r -> r.header("Idempotent-Replayed") == null).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(jobCount()).isEqualTo(5);
  }
}
