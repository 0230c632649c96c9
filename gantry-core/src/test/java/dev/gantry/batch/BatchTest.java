package dev.gantry.batch;

import static dev.gantry.testing.TestWorkers.fast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.TestNode;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.Worker;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Callbacks go to a queue no worker here serves, so they stay in jobs to be counted. */
  private static final JobOptions CALLBACK_QUEUE = JobOptions.defaults().withQueue("callbacks");

  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private final List<TestNode> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(TestNode::close);
    gantry.close();
  }

  private static List<JobRequest> jobs(String kind, int n) {
    List<JobRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(JobRequest.of(kind, Map.of("i", i)));
    }
    return out;
  }

  private static BatchOptions withAllCallbacks() {
    return BatchOptions.defaults()
        .withMetadata(Map.of("upload", "u-1"))
        .onSuccess(JobRequest.of("cb.success", Map.of("x", 1), CALLBACK_QUEUE))
        .onFailure(JobRequest.of("cb.failure", Map.of("x", 1), CALLBACK_QUEUE))
        .onComplete(JobRequest.of("cb.complete", Map.of("x", 1), CALLBACK_QUEUE));
  }

  /** Callback jobs of this kind enqueued for this batch (running or finished). */
  private long callbacks(String kind, UUID batch) {
    return db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs WHERE kind = '" + kind
        + "' AND metadata->>'batch_id' = '" + batch + "'");
  }

  private Batch batch(UUID id) {
    return gantry.batches().get(id).orElseThrow();
  }

  private Batch awaitFinished(UUID id) {
    return await().atMost(WAIT).until(() -> batch(id), b -> b.state().isFinished());
  }

  private Worker worker(int concurrency) {
    return fast(gantry).queue("default", concurrency)
        .handler("ok", Map.class, (args, ctx) -> "done")
        .handler("bad", Map.class, (args, ctx) -> {
          throw new PermanentFailure("broken on purpose");
        })
        .start();
  }

  @Test
  void enqueueMakesASealedBatchWhoseCountsFollowItsMembersAndWhoseCallbacksFireOnce() {
    BatchResult r = gantry.batches().enqueue(jobs("ok", 10), withAllCallbacks());

    assertThat(r.jobs()).hasSize(10).noneMatch(j -> j.duplicate());
    Batch before = batch(r.batchId());
    assertThat(before.state()).isEqualTo(BatchState.RUNNING);
    assertThat(before.total()).isEqualTo(10);
    assertThat(before.pending()).isEqualTo(10);
    assertThat(before.percent()).isZero();
    assertThat(before.metadata().get("upload").asText()).isEqualTo("u-1");

    try (Worker w = worker(4)) {
      Batch done = awaitFinished(r.batchId());
      assertThat(done.state()).isEqualTo(BatchState.COMPLETED);
      assertThat(done.completed()).isEqualTo(10);
      assertThat(done.pending()).isZero();
      assertThat(done.running()).isZero();
      assertThat(done.percent()).isEqualTo(100.0);
      assertThat(done.finishedAt()).isNotNull();
    }
    assertThat(callbacks("cb.success", r.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.complete", r.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.failure", r.batchId())).isZero();
    assertThat(db.queryStrings("SELECT metadata->>'batch_callback' || ' ' || queue || ' ' || (args->>'x') FROM "
        + gantry.schema() + ".jobs WHERE kind = 'cb.complete'")).containsExactly("complete callbacks 1");
  }

  @Test
  void aDeadMemberFiresTheFailureAndCompleteCallbacksButNotSuccess() {
    List<JobRequest> members = jobs("ok", 3);
    members.add(JobRequest.of("bad", Map.of()));
    BatchResult r = gantry.batches().enqueue(members, withAllCallbacks());

    try (Worker w = worker(2)) {
      Batch done = awaitFinished(r.batchId());
      assertThat(done.state()).isEqualTo(BatchState.FAILED);
      assertThat(done.completed()).isEqualTo(3);
      assertThat(done.dead()).isEqualTo(1);
    }
    assertThat(callbacks("cb.failure", r.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.complete", r.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.success", r.batchId())).isZero();
  }

  @Test
  void aWatcherSeesTheCountsGrowUntilTheBatchFinishes() throws Exception {
    BatchResult r = gantry.batches().enqueue(jobs("ok", 40), withAllCallbacks());
    List<Batch> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (BatchSubscription s = gantry.batches().watch(r.batchId(), calls::add)) {
      assertThat(s.batchId()).isEqualTo(r.batchId());
      assertThat(calls).as("the first call happens before watch returns").hasSize(1);
      assertThat(calls.get(0).pending()).isEqualTo(40);
      try (Worker w = worker(4)) {
        await().atMost(WAIT).until(() -> calls.get(calls.size() - 1).state().isFinished());
      }
    }
    Batch last = calls.get(calls.size() - 1);
    assertThat(last.state()).isEqualTo(BatchState.COMPLETED);
    assertThat(last.completed()).isEqualTo(40);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(calls.get(i).finished()).as("call %d", i).isGreaterThanOrEqualTo(calls.get(i - 1).finished());
      assertThat(calls.get(i)).as("call %d repeats nothing", i).isNotEqualTo(calls.get(i - 1));
    }
    assertThatThrownBy(() -> gantry.batches().watch(UUID.randomUUID(), b -> { }))
        .isInstanceOf(BatchNotFoundException.class);
    assertThatThrownBy(() -> gantry.batches().forTenant("other").watch(r.batchId(), b -> { }))
        .isInstanceOf(BatchNotFoundException.class);
  }

  @Test
  void aBatchIsEnqueuedWhollyOrNotAtAll() throws Exception {
    String s = gantry.schema();
    // The database refuses one member (a test trigger): neither the batch nor any member remains.
    db.execute("CREATE FUNCTION " + s + ".refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "IF EXISTS (SELECT 1 FROM new_rows WHERE kind = 'boom') THEN RAISE EXCEPTION 'boom refused'; END IF; "
        + "RETURN NULL; END $$");
    db.execute("CREATE TRIGGER refuse_boom AFTER INSERT ON " + s + ".jobs REFERENCING NEW TABLE AS new_rows "
        + "FOR EACH STATEMENT EXECUTE FUNCTION " + s + ".refuse_boom()");
    List<JobRequest> members = jobs("ok", 5);
    members.add(JobRequest.of("boom", Map.of()));

    assertThatThrownBy(() -> gantry.batches().enqueue(members, withAllCallbacks()))
        .hasMessageContaining("boom refused");
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".batches")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".jobs")).isZero();

    // Inside the caller's transaction: a rollback leaves nothing either.
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      BatchResult r = gantry.batches().enqueue(c, jobs("ok", 5), withAllCallbacks());
      assertThat(r.jobs()).hasSize(5);
      c.rollback();
    }
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".batches")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM " + s + ".jobs")).isZero();
  }

  @Test
  void anOpenBatchTakesMembersUntilSealedAndFinishesOnlyOnceSealed() {
    UUID id = gantry.batches().open(withAllCallbacks());
    assertThat(batch(id).state()).isEqualTo(BatchState.OPEN);
    gantry.batches().add(id, jobs("ok", 3));
    gantry.batches().add(id, jobs("ok", 2));
    assertThat(batch(id).total()).isEqualTo(5);

    try (Worker w = worker(4)) {
      await().atMost(WAIT).until(() -> batch(id).completed() == 5);
    }
    Batch unsealed = batch(id);
    assertThat(unsealed.state()).as("all members done, but more may come").isEqualTo(BatchState.OPEN);
    assertThat(unsealed.finishedAt()).isNull();
    assertThat(callbacks("cb.complete", id)).isZero();

    Batch sealed = gantry.batches().seal(id);
    assertThat(sealed.state()).isEqualTo(BatchState.COMPLETED);
    assertThat(callbacks("cb.complete", id)).isEqualTo(1);
    assertThat(callbacks("cb.success", id)).isEqualTo(1);
    gantry.batches().seal(id);
    assertThat(callbacks("cb.complete", id)).as("sealing again fires nothing").isEqualTo(1);

    long jobsBefore = db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs");
    assertThatThrownBy(() -> gantry.batches().add(id, jobs("ok", 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sealed");
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs")).isEqualTo(jobsBefore);
    assertThatThrownBy(() -> gantry.batches().add(UUID.randomUUID(), jobs("ok", 1)))
        .isInstanceOf(BatchNotFoundException.class);
  }

  @Test
  void anEmptySealedBatchFinishesAtOnce() {
    BatchResult r = gantry.batches().enqueue(List.of(), withAllCallbacks());
    Batch b = batch(r.batchId());
    assertThat(b.state()).isEqualTo(BatchState.COMPLETED);
    assertThat(b.percent()).isEqualTo(100.0);
    assertThat(callbacks("cb.complete", r.batchId())).isEqualTo(1);
  }

  @Test
  void cancellingAnOpenBatchWithNothingLeftToRunFinishesItAtOnce() {
    UUID empty = gantry.batches().open(withAllCallbacks());
    Batch cancelledEmpty = gantry.batches().cancel(empty);
    assertThat(cancelledEmpty.state()).isEqualTo(BatchState.CANCELLED);
    assertThat(callbacks("cb.complete", empty)).isEqualTo(1);
    assertThat(callbacks("cb.success", empty)).as("a cancelled batch did not succeed").isZero();

    BatchResult opened = gantry.batches().open(jobs("ok", 2), withAllCallbacks());
    assertThat(batch(opened.batchId()).total()).isEqualTo(2);
    try (Worker w = worker(2)) {
      await().atMost(WAIT).until(() -> batch(opened.batchId()).completed() == 2);
    }
    Batch cancelled = gantry.batches().cancel(opened.batchId());
    assertThat(cancelled.state()).isEqualTo(BatchState.CANCELLED);
    assertThat(cancelled.finishedAt()).isNotNull();
    assertThat(callbacks("cb.complete", opened.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.success", opened.batchId())).isZero();

    // A finished batch stays as it finished.
    BatchResult done = gantry.batches().enqueue(List.of(), withAllCallbacks());
    Batch after = gantry.batches().cancel(done.batchId());
    assertThat(after.state()).isEqualTo(BatchState.COMPLETED);
    assertThat(after.cancelRequested()).isFalse();
  }

  @Test
  void callbacksFireExactlyOnceWhenManyNodesFinishTheLastMembersTogether() {
    int batches = 150;
    int perBatch = 4;
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      ids.add(gantry.batches().enqueue(jobs("ok", perBatch), withAllCallbacks()).batchId());
    }
    for (int n = 0; n < 4; n++) {
      nodes.add(TestNode.create(gantry.schema(), "node" + n, 4)
          .startWorker(b -> b.queue("default", 8).handler("ok", Map.class, (args, ctx) -> "done")));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> db.queryLong("SELECT count(*) FROM " + gantry.schema()
        + ".batches WHERE finished_at IS NULL") == 0);

    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".finished_jobs WHERE kind = 'ok'"))
        .isEqualTo((long) batches * perBatch);
    // One success and one complete callback per batch: none missing, none twice.
    assertThat(db.queryStrings("SELECT kind || ' ' || count(DISTINCT metadata->>'batch_id') || ' ' || count(*) FROM "
        + gantry.schema() + ".jobs WHERE queue = 'callbacks' GROUP BY kind ORDER BY kind"))
        .containsExactly("cb.complete " + batches + " " + batches, "cb.success " + batches + " " + batches);
    for (UUID id : ids) {
      Batch b = batch(id);
      assertThat(b.state()).isEqualTo(BatchState.COMPLETED);
      assertThat(b.completed()).isEqualTo(perBatch);
    }
  }

  @Test
  void cancellingABatchCancelsItsWaitingMembersAndStopsTheRunningOnes() throws Exception {
    CountDownLatch twoRunning = new CountDownLatch(2);
    AtomicInteger ran = new AtomicInteger();
    BatchResult r = gantry.batches().enqueue(jobs("slow", 6), withAllCallbacks());
    try (Worker w = fast(gantry).queue("default", 2).handler("slow", Map.class, (args, ctx) -> {
      ran.incrementAndGet();
      twoRunning.countDown();
      while (!ctx.isCancelled()) {
        Thread.sleep(5);
      }
      return "stopped";
    }).start()) {
      assertThat(twoRunning.await(10, TimeUnit.SECONDS)).isTrue();

      Batch cancelling = gantry.batches().cancel(r.batchId());
      assertThat(cancelling.cancelRequested()).isTrue();
      assertThat(cancelling.cancelled()).as("the four waiting members at once").isEqualTo(4);

      Batch done = awaitFinished(r.batchId());
      assertThat(done.state()).isEqualTo(BatchState.CANCELLED);
      assertThat(done.cancelled()).isEqualTo(6);
    }
    Batch again = gantry.batches().cancel(r.batchId());
    assertThat(again.cancelRequested()).as("cancelling a finished batch leaves it as it finished").isTrue();
    assertThat(again.state()).isEqualTo(BatchState.CANCELLED);
    assertThat(ran.get()).as("waiting members never ran").isEqualTo(2);
    assertThat(callbacks("cb.complete", r.batchId())).isEqualTo(1);
    assertThat(callbacks("cb.success", r.batchId())).isZero();
    assertThat(callbacks("cb.failure", r.batchId())).isZero();
    assertThatThrownBy(() -> gantry.batches().add(r.batchId(), jobs("ok", 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void awaitFinishedAnswersWhenTheLastMemberFinishesAndAtOnceForAFinishedBatch() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    BatchResult r = gantry.batches().enqueue(jobs("gated", 2), BatchOptions.defaults());
    try (Worker w = fast(gantry).queue("default", 2).handler("gated", Map.class, (args, ctx) -> {
      started.countDown();
      release.await();
      return "done";
    }).start()) {
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Optional<Batch>> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return gantry.batches().awaitFinished(r.batchId(), Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(waiting).as("both members still run").isNotDone();
      long released = System.nanoTime();
      release.countDown();
      Batch done = waiting.get(30, TimeUnit.SECONDS).orElseThrow();

      assertThat(done.state()).isEqualTo(BatchState.COMPLETED);
      assertThat(done.completed()).isEqualTo(2);
      // Woken by the batch's NOTIFY, long before the 60 s timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(10));
    }
    long again = System.nanoTime();
    Optional<Batch> finished = gantry.batches().awaitFinished(r.batchId(), Duration.ofSeconds(60));
    assertThat(finished).get().extracting(Batch::state).isEqualTo(BatchState.COMPLETED);
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void awaitFinishedAnswersAtTheTimeoutWithTheUnfinishedBatchAndEmptyForAnUnknownOne() throws Exception {
    BatchResult r = gantry.batches().enqueue(jobs("nobody.runs.this", 3), BatchOptions.defaults());
    long start = System.nanoTime();

    Batch unfinished = gantry.batches().awaitFinished(r.batchId(), Duration.ofMillis(300)).orElseThrow();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(unfinished.state()).isEqualTo(BatchState.RUNNING);
    assertThat(unfinished.pending()).isEqualTo(3);
    assertThat(gantry.batches().awaitFinished(r.batchId(), Duration.ZERO)).get()
        .extracting(Batch::state).isEqualTo(BatchState.RUNNING);
    assertThat(gantry.batches().awaitFinished(UUID.randomUUID(), Duration.ofSeconds(5))).isEmpty();
    assertThat(gantry.batches().forTenant("other").awaitFinished(r.batchId(), Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  void aBatchOfOneHundredThousandJobsIsReadFromItsRowAndTheRunningMembersIndex() {
    BatchResult r = gantry.batches().enqueue(jobs("ok", 100_000), BatchOptions.defaults());
    db.execute("ANALYZE " + gantry.schema() + ".jobs");

    Batch b = batch(r.batchId());
    assertThat(b.total()).isEqualTo(100_000);
    assertThat(b.pending()).isEqualTo(100_000);
    assertThat(b.running()).isZero();
    String plan = String.join("\n", db.queryStrings("EXPLAIN SELECT count(*) FROM " + gantry.schema()
        + ".jobs j WHERE j.batch_id = '" + r.batchId() + "' AND j.state = 'running'"));
    assertThat(plan).contains("jobs_batch_idx").doesNotContain("Seq Scan");
  }

  @Test
  void aTenantsBatchHoldsThatTenantsJobsOnly() {
    Batches acme = gantry.batches().forTenant("acme");
    BatchResult r = acme.enqueue(jobs("ok", 2), BatchOptions.defaults());

    assertThat(db.queryStrings("SELECT DISTINCT tenant FROM " + gantry.schema() + ".jobs WHERE batch_id = '"
        + r.batchId() + "'")).containsExactly("acme");
    assertThat(acme.get(r.batchId())).isPresent();
    assertThat(gantry.batches().forTenant("other").get(r.batchId())).isEmpty();
    assertThatThrownBy(() -> gantry.batches().forTenant("other").cancel(r.batchId()))
        .isInstanceOf(BatchNotFoundException.class);
    assertThatThrownBy(() -> acme.enqueue(List.of(JobRequest.of("ok", null, JobOptions.defaults().withTenant("other"))),
        BatchOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobs[0].tenant");
    assertThatThrownBy(() -> acme.enqueue(List.of(), BatchOptions.defaults().withTenant("other")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
  }
}
